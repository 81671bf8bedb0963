/**
 * Runs a pipeline's stages through the real engine (dispatch: record in DynamoDB, checkpoints,
 * conditional writes) the way Step Functions would, without the state machine: stages in order,
 * a RUNNING stage called again after its waitSeconds (on a movable clock, so waits cost nothing),
 * and a call that throws (a crash) simply run again. Cloud stages act on the emulator.
 */
import { resetClientCache } from '../../../functions/core/aws-clients.js';
import { cloudClients, type CloudClients } from '../../../functions/core/cloud/index.js';
import { engineCall } from '../../../functions/core/engine/dispatch.js';
import type { EngineDeps } from '../../../functions/core/engine/deps.js';
import type { EngineResult } from '../../../state-machines/contract/engine.js';
import { TRANSIENT_ERROR } from '../../../functions/core/engine/route.js';
import { PASSING_STATUSES, type StageStatus } from '../../../functions/core/stage-api.js';
import type { ExecutionView } from '../../../functions/core/execution-model.js';
import { ExecutionStore } from '../../../functions/core/execution-store.js';
import { releaseLocksHeldBy } from '../../../functions/core/locks-table.js';
import { MemoryNotifier } from '../../../functions/core/notifications.js';
import type { Clock, StageImplementation } from '../../../functions/core/stage-api.js';
import { cloudStages, type CloudStageDeps } from '../../../functions/stages/cloud/index.js';
import { flowStages } from '../../../functions/stages/flow/index.js';
import { pipelineSkeleton, runPayload } from '../../../state-machines/compiler/payloads.js';
import type { Pipeline } from '../../../state-machines/model/pipeline.js';
import { validatePipeline } from '../../../state-machines/model/validate.js';

export class MovableClock implements Clock {
  private t = Date.parse('2030-01-01T00:00:00Z');
  now(): number {
    return this.t;
  }
  advance(seconds: number): void {
    this.t += Math.round(seconds * 1000);
  }
}

export interface HarnessRun {
  readonly executionId: string;
  readonly execution: ExecutionView;
  /** Calls that threw and were run again. */
  readonly crashes: number;
  /** Calls per stage refId. */
  readonly calls: Record<string, number>;
  readonly clock: MovableClock;
}

export interface HarnessOptions {
  readonly executionId?: string;
  readonly deps?: CloudStageDeps;
  readonly clock?: MovableClock;
  readonly extra?: readonly StageImplementation[];
  readonly parameters?: Record<string, unknown>;
  /** @default a manual trigger */
  readonly trigger?: Record<string, unknown>;
  /** Crashes allowed before the run is considered stuck. */
  readonly maxCrashes?: number;
  /** Called before every stage call (e.g. to move the clock or change AWS between calls). */
  readonly beforeCall?: (refId: string, call: number) => Promise<void> | void;
  /**
   * Give every stage call this task token, as a deployed Task does (a stage may then wait on it; the
   * harness calls it again after a second, as if it were resumed). @default none: stages poll
   */
  readonly taskToken?: string;
}

const MAX_CALLS_PER_STAGE = 200;

// Not test/support/local's pipelineOf: this module is also used by the benchmark, outside vitest.
function pipelineOf(raw: Record<string, unknown>): Pipeline {
  const result = validatePipeline({ application: 'test', name: 'pipeline', ...raw });
  if (!result.pipeline) throw new Error(`invalid test pipeline:\n${result.errors.map((e) => `${e.path}: ${e.message}`).join('\n')}`);
  return result.pipeline;
}

function engineDeps(clock: Clock, options: HarnessOptions): EngineDeps {
  const notifier = new MemoryNotifier();
  const launcher = { start: async () => ({ executionId: 'child' }), status: async () => undefined };
  const implementations = [...flowStages({ notifier, launcher }), ...cloudStages(options.deps), ...(options.extra ?? [])];
  return {
    store: new ExecutionStore(),
    clock,
    random: () => 0.5,
    notifier,
    implementations: new Map(implementations.map((i) => [i.type, i])),
    awaitPollSeconds: 1,
    releaseLocks: (executionId) => releaseLocksHeldBy(executionId),
  };
}

/** Runs every stage of the pipeline in the order written; stops at the first that does not pass. */
export async function runStages(raw: Record<string, unknown>, options: HarnessOptions = {}): Promise<HarnessRun> {
  const pipeline = pipelineOf(raw);
  const clock = options.clock ?? new MovableClock();
  const deps = engineDeps(clock, options);
  const executionId = options.executionId ?? 'exec-1';
  let crashes = 0;
  const calls: Record<string, number> = {};
  const send = async (payload: Record<string, unknown>): Promise<EngineResult> => {
    for (;;) {
      try {
        // A stage that did not pass answers its Task with its signal after recording: that is its result, not a crash.
        const { result, answer } = await engineCall(payload, deps);
        // "Not yet": Step Functions' Retry delivers it again, as after a crash.
        if (answer.kind === 'failure' && answer.error === TRANSIENT_ERROR) throw new Error(answer.cause);
        return result;
      } catch (error) {
        crashes += 1;
        if (crashes > (options.maxCrashes ?? 20)) throw error;
      }
    }
  };
  await send({
    op: 'start',
    executionId,
    input: { trigger: options.trigger ?? { type: 'manual', user: 'tester' }, parameters: options.parameters ?? {} },
    pipeline: pipelineSkeleton(pipeline),
  });
  for (const stage of pipeline.stages) {
    const { 'executionId.$': _path, 'taskToken.$': _token, ...payload } = runPayload(stage, { reads: 'all' });
    let result: EngineResult;
    for (let call = 1; ; call += 1) {
      if (call > MAX_CALLS_PER_STAGE) throw new Error(`stage ${stage.refId} still RUNNING after ${MAX_CALLS_PER_STAGE} calls`);
      calls[stage.refId] = call;
      await options.beforeCall?.(stage.refId, call);
      result = await send({ ...payload, executionId, ...(options.taskToken !== undefined ? { taskToken: options.taskToken } : {}) });
      if (result.status !== 'RUNNING') break;
      clock.advance(result.waitSeconds ?? 1);
    }
    if (!PASSING_STATUSES.has(result.status as StageStatus)) break;
  }
  await send({ op: 'complete', executionId, caught: null });
  return { executionId, execution: await deps.store.load(executionId), crashes, calls, clock };
}

export function stageOf(run: HarnessRun, refId: string) {
  const stage = run.execution.stages.find((s) => s.refId === refId);
  if (!stage) throw new Error(`no stage ${refId}`);
  return stage;
}

/** The driver's clients as the stages get them (cached by the shared factory). */
export function stageClients(region = 'us-east-1'): CloudClients {
  return cloudClients({ region });
}

export function freshStageClients(region = 'us-east-1'): CloudClients {
  resetClientCache();
  return stageClients(region);
}
