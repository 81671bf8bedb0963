/**
 * The lifecycle handler's work on a Step Functions execution status change: the end of the
 * execution (core/engine/execution-end.ts: finalise the record, also after an abort or timeout,
 * which never reach the state machine's own complete step; release its locks; start the
 * pipeline's next waiting run; emit the pipeline-completed event). Every step is idempotent:
 * EventBridge may deliver twice, and cancel ends it too. `lifecycleSuccessors` is what follows an
 * end for every caller that can reach the queue and the event bus.
 */
import * as z from 'zod/mini';
import '../../../state-machines/zod-messages.js';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoClient } from '../../core/sdk-clients/dynamodb.js';
import { concurrencyPolicyOf, type ExecutionQueue, ExecutionStateError } from '../../core/concurrency.js';
import type { EngineDeps } from '../../core/engine/deps.js';
import { endExecution, type Ending, type ExecutionSuccessors } from '../../core/engine/execution-end.js';
import { FINAL_EXECUTION_STATUSES } from '../../core/execution-model.js';
import type { ExecutionStore } from '../../core/execution-store.js';
import { releaseLocksHeldBy } from '../../core/locks-table.js';
import type { Notifier } from '../../core/notifications.js';
import type { PipelineRegistry } from '../../core/pipeline-registry.js';
import type { Clock } from '../../core/stage-api.js';
import { EventBridgeEnvelope } from '../events.js';
import type { Log } from '../../core/log.js';
import { parseOrRefuse } from '../normalized.js';
import { completedDetail, type CompletedEventPublisher } from './completed-event.js';

export interface LifecycleDeps {
  readonly store: ExecutionStore;
  readonly clock: Clock;
  readonly notifier: Notifier;
  readonly registry: PipelineRegistry;
  readonly queue: ExecutionQueue;
  readonly events: CompletedEventPublisher;
  readonly log: Log;
  /** @default the shared DynamoDB document client */
  readonly db?: DynamoDBDocumentClient;
  /** Asks stages' own functions to stop what an aborted execution's stages started (AWS). */
  readonly cancelElsewhere?: EngineDeps['cancelElsewhere'];
  /** Maps a state machine ARN back to `app/pipeline` (GENNAKER_STATE_MACHINES reversed). */
  readonly pipelineOfStateMachine?: (stateMachineArn: string) => { application: string; pipeline: string } | undefined;
}

const StatusDetail = z.looseObject({
  executionArn: z.optional(z.string()),
  stateMachineArn: z.optional(z.string()),
  name: z.string().check(z.minLength(1)),
  status: z.string().check(z.minLength(1)),
  input: z.nullish(z.string()),
  error: z.nullish(z.string()),
  cause: z.nullish(z.string()),
});

/** How a state machine status ends the record; undefined: not an end (RUNNING, PENDING_REDRIVE). */
function endingOf(status: string, detail: { error?: string | null; cause?: string | null } = {}): Ending | undefined {
  switch (status) {
    case 'SUCCEEDED':
      return {};
    case 'FAILED': {
      const why = [detail.error, detail.cause?.slice(0, 500)].filter(Boolean).join(': ');
      return { forced: 'TERMINAL', reason: `the state machine execution failed${why ? ` (${why})` : ''}` };
    }
    case 'TIMED_OUT':
      return { forced: 'TERMINAL', reason: 'the state machine execution timed out' };
    case 'ABORTED':
      return { forced: 'CANCELED', reason: 'the state machine execution was stopped' };
    default:
      return undefined;
  }
}

/** The execution a run belongs to: its input's executionId (a restart's run has its own name), else its name. */
function executionIdOf(detail: { name: string; input?: string | null }): string {
  try {
    const input = JSON.parse(detail.input ?? '') as { executionId?: unknown };
    if (typeof input.executionId === 'string' && input.executionId.length > 0) return input.executionId;
  } catch {
    // no input in the event (older events, tests): the run's name is the execution id
  }
  return detail.name;
}

/** The execution a status change event is about, for log lines (undefined when the event is not one). */
export function executionIdOfEvent(event: unknown): string | undefined {
  const detail = (event as { detail?: { name?: unknown; input?: string | null } } | null)?.detail;
  return typeof detail?.name === 'string' ? executionIdOf({ name: detail.name, input: typeof detail.input === 'string' ? detail.input : null }) : undefined;
}

export interface LifecycleResult {
  readonly executionId: string;
  readonly status?: string;
  readonly action: 'ignored' | 'finalised' | 'no-record';
  readonly released?: readonly string[];
  readonly started?: readonly string[];
}

export async function handleStatusChange(event: unknown, deps: LifecycleDeps): Promise<LifecycleResult> {
  const envelope = parseOrRefuse(EventBridgeEnvelope, event, 'Step Functions status change');
  const detail = parseOrRefuse(StatusDetail, envelope.detail, 'Step Functions status change');
  const executionId = executionIdOf(detail);
  const ending = endingOf(detail.status, detail);
  if (!ending) return { executionId, status: detail.status, action: 'ignored' };

  const record = await deps.store.getExecution(executionId);
  if (record?.stateMachineExecutionArn && detail.executionArn && record.stateMachineExecutionArn !== detail.executionArn) {
    // An earlier run of a restarted execution (restart.ts): the record belongs to the newer run now.
    deps.log.info('status change of a superseded run', { executionId, executionArn: detail.executionArn, status: detail.status });
    return { executionId, status: detail.status, action: 'ignored' };
  }
  if (!record) {
    // The state machine ended before its first step wrote the record: free what it may hold.
    const released = await releaseLocksHeldBy(executionId, deps.db ?? dynamoClient());
    const started = await startNextFor(detail.stateMachineArn, deps);
    deps.log.warn('status change for an execution without a record', { executionId, status: detail.status });
    return { executionId, status: detail.status, action: 'no-record', released, started };
  }

  const ended = await endExecution(executionId, ending, {
    ...deps,
    ...(deps.db ? { releaseLocks: (id: string) => releaseLocksHeldBy(id, deps.db) } : {}),
    successors: lifecycleSuccessors(deps),
  });
  const after = { released: [...ended.released], started: [...ended.started] };
  deps.log.info('execution finished', { executionId, sfnStatus: detail.status, status: ended.status, ...after });
  return { executionId, status: ended.status, action: 'finalised', ...after };
}

/** What follows an execution's end where the queue and event bus are reachable (lifecycle handler, API, console, local stacks). */
export function lifecycleSuccessors(deps: Pick<LifecycleDeps, 'registry' | 'queue' | 'events'>): ExecutionSuccessors {
  return {
    startNext: async (execution) => {
      const entry = await deps.registry.get(execution.application, execution.pipelineId);
      return deps.queue.startWaiting(execution.application, execution.pipelineId, entry ? { policy: concurrencyPolicyOf(entry.pipeline) } : {});
    },
    emitCompleted: async (execution) => {
      if (!FINAL_EXECUTION_STATUSES.has(execution.status)) throw new ExecutionStateError(`execution ${execution.id} has not finished (${execution.status})`);
      await deps.events.publish(completedDetail(execution));
    },
  };
}

async function startNextFor(stateMachineArn: string | undefined, deps: LifecycleDeps): Promise<string[]> {
  const ref = stateMachineArn ? deps.pipelineOfStateMachine?.(stateMachineArn) : undefined;
  if (!ref) return [];
  const entry = await deps.registry.get(ref.application, ref.pipeline);
  if (!entry) return [];
  return deps.queue.startWaiting(entry.pipeline.application, entry.pipeline.id, { policy: concurrencyPolicyOf(entry.pipeline) });
}

/** GENNAKER_STATE_MACHINES (`{"app/pipeline": arn}`) read backwards. */
export function stateMachineIndex(
  env: Readonly<Record<string, string | undefined>> = process.env,
): (arn: string) => { application: string; pipeline: string } | undefined {
  let map: Record<string, string> = {};
  try {
    map = JSON.parse(env.GENNAKER_STATE_MACHINES ?? '{}') as Record<string, string>;
  } catch {
    map = {};
  }
  return (arn) => {
    for (const [key, value] of Object.entries(map)) {
      const slash = key.indexOf('/');
      if (value === arn && slash > 0) return { application: key.slice(0, slash), pipeline: key.slice(slash + 1) };
    }
    return undefined;
  };
}
