/**
 * The one Lambda wrapper every entry point is built with: middy with Powertools' context injection,
 * so each log line of a call carries its request id (`function_request_id`) and, where the event
 * names one, its `executionId`; an error that leaves the handler has a source-mapped stack.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { platformLogger } from './log.js';
import { sourceMappedStack } from './source-maps.js';

export interface LambdaHandlerOptions<E> {
  /** The execution the call is about, when its event names one: a key on every log line of the call. */
  readonly executionIdOf?: (event: E) => string | undefined;
}

/**
 * Wraps a handler. Keys appended during a call (the execution id) are dropped when it ends, so a
 * warm container never logs one call's ids on the next.
 */
export function lambdaHandler<E, R>(
  work: (event: E, context: Context) => Promise<R>,
  options: LambdaHandlerOptions<E> = {},
): (event: E, context?: Context) => Promise<R> {
  const wrapped = middy<E, R>(work)
    .use(injectLambdaContext(platformLogger, { resetKeys: true }))
    .before((request) => {
      const executionId = options.executionIdOf?.(request.event);
      if (executionId) platformLogger.appendKeys({ executionId });
    })
    .onError((request) => {
      // Lambda (and Step Functions, for a failed task) records the stack of an error that leaves
      // the handler; point it at source lines, not the bundle's.
      const error = request.error as { stack?: string } | null;
      const mapped = sourceMappedStack(error);
      if (error && mapped) error.stack = mapped;
    });
  // Tests and local runs call handlers without a Lambda context; the logger then has no request id.
  return (event, context) => wrapped(event, context ?? ({} as Context));
}

/** `executionId` of an event that carries one at its top (engine calls, Task payloads). */
export function topLevelExecutionId(event: unknown): string | undefined {
  const id = (event as { executionId?: unknown } | null)?.executionId;
  return typeof id === 'string' ? id : undefined;
}
