/**
 * The Lambda entry shared by every engine family (on the one wrapper, lambda-wrapper.ts): parse,
 * build deps once per container, dispatch, and answer the Task's token with the outcome
 * (task-resume.ts).
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { EngineDeps, StageLoader } from './engine/deps.js';
import { engineCall } from './engine/dispatch.js';
import type { EngineResult } from '../../state-machines/contract/engine.js';
import { EngineSignal } from './engine/route.js';
import { sfnTaskAnswerer, type TaskAnswerer } from './task-resume.js';
import { ExecutionStore } from './execution-store.js';
import { releaseLocksHeldBy } from './locks-table.js';
import { defaultNotifier } from './notifications.js';
import { platformMetrics, recordEngineCall } from './metrics.js';
import { recordNotificationTargets } from './record-notification-targets.js';
import { platformLogger as logger } from './log.js';
import { lambdaHandler, topLevelExecutionId } from './lambda-wrapper.js';
import { type StageImplementation, systemClock } from './stage-api.js';

/** `implementations`: a family's stages, or its stage types' loaders (lazy-stages.ts). */
export function defaultEngineDeps(implementations: readonly StageImplementation[] | ReadonlyMap<string, StageImplementation | StageLoader>): EngineDeps {
  const store = new ExecutionStore();
  return {
    store,
    clock: systemClock,
    random: Math.random,
    notifier: defaultNotifier(recordNotificationTargets(store)),
    implementations: 'get' in implementations ? implementations : new Map(implementations.map((i) => [i.type, i])),
    awaitPollSeconds: Number(process.env.GENNAKER_AWAIT_POLL_SECONDS ?? 5),
    // Cluster locks and concurrency slots go with the execution as soon as it ends. Best effort:
    // the lifecycle handler releases them too (also after aborts and timeouts, which never reach
    // the engine), so a failure here must not fail the completion.
    releaseLocks: (executionId) =>
      releaseLocksHeldBy(executionId).catch((error: unknown) => {
        logger.warn('releasing locks failed; the lifecycle handler will', { executionId, error: String(error) });
        return [];
      }),
  };
}

export interface EngineHandlerOptions {
  /**
   * Answers the call's task token (task-resume.ts). Every compiled Task that can route carries one:
   * a stage that failed, halted or routed its pipeline ends its Task through SendTaskFailure while
   * the function returns normally, so Lambda's `Errors` (and the alarm on it) counts only
   * unexpected errors. @default sfnTaskAnswerer()
   */
  readonly answerTask?: TaskAnswerer;
  /** @default platformMetrics() */
  readonly metrics?: Metrics;
}

export function engineHandler(buildDeps: () => EngineDeps, options: EngineHandlerOptions = {}) {
  let deps: EngineDeps | undefined;
  const metrics = options.metrics ?? platformMetrics();
  const answerTask = options.answerTask ?? sfnTaskAnswerer();
  return lambdaHandler(
    async (event: unknown): Promise<EngineResult> => {
      deps ??= buildDeps();
      const op = (event as { op?: string } | null)?.op;
      const token = (event as { taskToken?: string } | null)?.taskToken;
      // Log ids and statuses only: stage configs may carry credentials.
      logger.info('engine call', { op });
      const { result, answer } = await engineCall(event, deps);
      logger.info('engine result', { op, status: result.status, ...(answer.kind === 'failure' ? { signal: answer.error } : {}) });
      recordEngineCall(metrics, { ...(op ? { op } : {}), status: result.status, ...stageTypeOf(event) });
      // A callback stage now waiting keeps its token for whoever ends the wait (a judge, a webhook).
      if (token !== undefined) {
        if (!result.awaitingCallback) await answerTask(token, answer);
        return result;
      }
      // No token (the start Task, or a definition compiled before stage Tasks carried one): raising
      // is the only way to route.
      if (answer.kind === 'failure') throw new EngineSignal(answer);
      return result;
    },
    { executionIdOf: topLevelExecutionId },
  );
}

function stageTypeOf(event: unknown): { stageType?: string } {
  const type = (event as { stage?: { type?: unknown } } | null)?.stage?.type;
  return typeof type === 'string' ? { stageType: type } : {};
}
