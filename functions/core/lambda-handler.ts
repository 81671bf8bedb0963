/**
 * The Lambda entry shared by every handler family: parse, build deps once per container, dispatch,
 * and for callback stages that did not start waiting, resume the state machine ourselves.
 */
import middy from '@middy/core';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { Logger } from '@aws-lambda-powertools/logger';
import type { EngineDeps } from './engine/deps.js';
import { dispatch } from './engine/dispatch.js';
import type { EngineResult } from '../../state-machines/contract/engine.js';
import type { FailurePolicy } from '../../state-machines/model/pipeline.js';
import { isEngineSignal } from './engine/route.js';
import type { TaskResumer } from './task-resume.js';
import { ExecutionStore } from './execution-store.js';
import { releaseLocksHeldBy } from './locks-release.js';
import { defaultNotifier } from './notifications.js';
import { platformMetrics, recordEngineCall, recordSignal } from './metrics.js';
import { recordNotificationTargets } from './record-notification-targets.js';
import { sourceMappedStack } from './source-maps.js';
import { type StageImplementation, systemClock } from './stage-api.js';

export const logger = new Logger({ serviceName: 'gennaker' });

export function defaultEngineDeps(implementations: readonly StageImplementation[]): EngineDeps {
  const store = new ExecutionStore();
  return {
    store,
    clock: systemClock,
    random: Math.random,
    notifier: defaultNotifier(recordNotificationTargets(store)),
    implementations: new Map(implementations.map((i) => [i.type, i])),
    awaitPollSeconds: Number(process.env.GENNAKER_AWAIT_POLL_SECONDS ?? 5),
    // Cluster locks and concurrency slots go with the execution as soon as it ends. Best effort:
    // the lifecycle handler releases them too (also after aborts and timeouts, which never reach
    // the engine), so a failure here must not fail the completion.
    onExecutionFinished: async (execution) => {
      await releaseLocksHeldBy(execution.id).catch((error: unknown) =>
        logger.warn('releasing locks failed; the lifecycle handler will', { executionId: execution.id, error: String(error) }),
      );
    },
  };
}

export interface EngineHandlerOptions {
  /**
   * Resumes the state machine with a callback stage's result when the stage finished without
   * waiting (task-resume.ts). Only families with callback stages take it (flow: manualJudgment),
   * which are also the only ones allowed SendTaskSuccess; the others do not load the SFN client.
   */
  readonly resumeTask?: TaskResumer;
  /** @default platformMetrics() */
  readonly metrics?: Metrics;
}

export function engineHandler(buildDeps: () => EngineDeps, options: EngineHandlerOptions = {}) {
  let deps: EngineDeps | undefined;
  const metrics = options.metrics ?? platformMetrics();
  return middy(async (event: unknown): Promise<EngineResult> => {
    deps ??= buildDeps();
    const op = (event as { op?: string } | null)?.op;
    const token = (event as { taskToken?: string } | null)?.taskToken;
    // Log ids and statuses only: stage configs may carry credentials.
    logger.info('engine call', { op, executionId: (event as { executionId?: string } | null)?.executionId });
    const resume = async (taskToken: string, ended: EngineResult) => {
      if (!options.resumeTask) throw new Error(`op ${op} came with a task token, but this function runs no callback stages`);
      await options.resumeTask(taskToken, ended, policyOf(event));
    };
    let result: EngineResult;
    try {
      result = await dispatch(event, deps);
    } catch (error) {
      if (!isEngineSignal(error)) throw error;
      // An outcome routed by name, not a fault: counted apart so alarms see only unexpected errors.
      logger.info('engine signal', { op, status: error.result.status, signal: error.signal });
      recordEngineCall(metrics, { ...(op ? { op } : {}), status: error.result.status, ...stageTypeOf(event) });
      recordSignal(metrics, error.signal);
      if (!token) throw error;
      // A callback Task hears its outcome through its token, never through this function's error.
      await resume(token, error.result);
      return error.result;
    }
    if (token && !result.awaitingCallback) await resume(token, result);
    logger.info('engine result', { op, status: result.status });
    recordEngineCall(metrics, { ...(op ? { op } : {}), status: result.status, ...stageTypeOf(event) });
    return result;
  }).onError(async (request) => {
    // Step Functions records the stack of a failed task; point it at source lines, not the bundle's.
    const error = request.error as { stack?: string } | null;
    const mapped = sourceMappedStack(error);
    if (error && mapped) error.stack = mapped;
  });
}

function policyOf(event: unknown): FailurePolicy {
  return (event as { stage?: { failurePolicy?: FailurePolicy } } | null)?.stage?.failurePolicy ?? 'haltPipeline';
}

function stageTypeOf(event: unknown): { stageType?: string } {
  const type = (event as { stage?: { type?: unknown } } | null)?.stage?.type;
  return typeof type === 'string' ? { stageType: type } : {};
}
