/**
 * One call of a stage: gate on upstream stages, apply stageEnabled, the execution window and the
 * stage timeout, evaluate expressions, call the implementation, persist what it returned.
 * Re-running a call is safe: a stage that already finished returns its recorded status.
 */
import { evaluateAll, evaluateStrict } from '../../../state-machines/expressions/index.js';
import { loadPatternEngineFor } from '../../../state-machines/expressions/regex.js';
import { type EngineResult, type RunPayload, type StagePayload, stageLoops } from '../../../state-machines/contract/engine.js';
import { stageTypeInfo } from '../../../state-machines/stage-types/index.js';
import { type ExecutionView, notStartedStage, type StageRecord } from '../execution-model.js';
import { retryOnConflict } from '../execution-store.js';
import { nextAllowedTime, WINDOW, windowJitterMs } from '../execution-window.js';
import { readinessOf, requisiteReadiness } from '../readiness.js';
import { pausedBetween } from '../pause.js';
import { type Clock, FINAL_STATUSES, StageConfigError, type StageRunContext, stageFields, type TaskResult, TransientStageError } from '../stage-api.js';
import { SecretScope } from '../secrets/scope.js';
import { type EngineDeps, implementationOf } from './deps.js';
import { evaluationContext } from './evaluation.js';
import { ExecutionPausedSignal } from './route.js';
import { failedStatus, finishStage, writeStage } from './stage-writes.js';

export async function runStage(payload: RunPayload, deps: EngineDeps): Promise<EngineResult> {
  // Someone else wrote the stage in between (a duplicate delivery): read again and converge.
  return retryOnConflict(() => runOnce(payload, deps));
}

/**
 * What a stage call reads: the header, its own stage, its requisites and the stages the compiler
 * listed (`reads`), in one request; everything when the compiler could not tell. Stages not
 * written yet are NOT_STARTED; their names come from the skeleton, read only then.
 */
async function readForStage(executionId: string, spec: StagePayload, deps: EngineDeps): Promise<ExecutionView> {
  if (spec.reads === 'all') return deps.store.load(executionId);
  const refIds = [...new Set([spec.refId, ...spec.requisiteStageRefIds, ...(spec.awaits ?? []), ...spec.reads])];
  const part = await deps.store.loadStages(executionId, refIds);
  const own = { refId: spec.refId, name: spec.name, type: spec.type, requisiteStageRefIds: spec.requisiteStageRefIds, failurePolicy: spec.failurePolicy };
  const missing = refIds.filter((r) => r !== spec.refId && !part.stages.has(r));
  const skeleton = missing.length > 0 ? await deps.store.getSkeleton(executionId) : [];
  const stages = refIds.flatMap((refId) => {
    const written = part.stages.get(refId);
    if (written) return [written];
    const known = refId === spec.refId ? own : skeleton.find((s) => s.refId === refId);
    return known ? [notStartedStage(known)] : [];
  });
  return { ...part.execution, skeleton: [], stages };
}

/** Types whose stages finish in one call unless they wait: they write their record once, at the end. */
function takesOneCall(spec: StagePayload): boolean {
  const info = stageTypeInfo(spec.type);
  return info?.execution === 'task' && spec.executionWindow === undefined && !spec.sendNotifications && (spec.awaits ?? []).length === 0;
}

async function runOnce(payload: RunPayload, deps: EngineDeps): Promise<EngineResult> {
  const spec = payload.stage;
  let execution = await readForStage(payload.executionId, spec, deps);
  let stage = findStage(execution, spec.refId);
  if (FINAL_STATUSES.has(stage.status)) return { status: stage.status };
  if (execution.status === 'CANCELED' || execution.status === 'TERMINAL') return { status: 'HALTED' };
  if (execution.status === 'PAUSED') {
    // Orca's pause: nothing progresses until resume. A stage with a Wait loop checks again later;
    // one without holds here, then leaves through its Task's Retry (contract/engine.ts).
    if (stageLoops(stageTypeInfo(spec.type)?.execution ?? 'task', spec)) return { status: stage.status, waitSeconds: deps.pause?.pollSeconds ?? 30 };
    await holdWhilePaused(payload.executionId, deps);
    return runOnce(payload, deps);
  }

  let readiness = requisiteReadiness(spec.requisiteStageRefIds, execution.stages, { awaits: spec.awaits ?? [], halts: execution.halts ?? 0 });
  if (readiness === 'unknown') {
    // A stage of the run halted and a requisite in another branch has not run: whether it still
    // can depends on its own upstream, so read the whole record (only runs with a halt get here).
    execution = await deps.store.load(payload.executionId);
    stage = findStage(execution, spec.refId);
    readiness = readinessOf(spec.requisiteStageRefIds, execution.stages);
  }
  if (readiness === 'never') return { status: 'HALTED' };
  if (readiness === 'waiting') {
    // Requisites in other branches of a mesh: poll until they end.
    if ((spec.awaits ?? []).length > 0) return { status: stage.status, waitSeconds: deps.awaitPollSeconds };
    throw new TransientStageError(`requisite stages of '${spec.name}' have not finished yet`);
  }

  const now = deps.clock.now();
  if (stage.status === 'NOT_STARTED') {
    if (spec.enabledExpression !== undefined) await loadPatternEngineFor(`\${${spec.enabledExpression}}`);
    const enabled = stageEnabled(spec, execution);
    if (enabled.run === false) return { status: (await finishStage(deps, execution, stage, spec, { status: 'SKIPPED' })).status };
    // A stage that finishes in this call is written once, at the end; one that may take more
    // calls is marked RUNNING first, so its start time and state survive between calls.
    const started: Partial<StageRecord> = {
      status: 'RUNNING',
      startTime: now,
      ...(enabled.warning !== undefined ? { context: { ...stage.context, ...ENABLED.save({ stageEnabledWarning: enabled.warning }) } } : {}),
    };
    stage = takesOneCall(spec) ? { ...stage, ...started } : await writeStage(deps, execution, stage, started);
    if (spec.sendNotifications) {
      await deps.notifier.publish({
        event: 'stage.starting',
        application: execution.application,
        pipeline: execution.pipelineName,
        executionId: execution.id,
        stage: { refId: spec.refId, name: spec.name, type: spec.type },
        summary: `Stage '${spec.name}' of ${execution.application}/${execution.pipelineName} is starting`,
      });
    }
  }

  // Windows are waits: on the stage's timeline (faster in a time-scaled local run).
  const stageNow = deps.stageTime?.now() ?? now;
  if (spec.executionWindow && WINDOW.of(stage.context).windowOpensAt === undefined) {
    const opensAt = nextAllowedTime(spec.executionWindow, stageNow) + windowJitterMs(spec.executionWindow, deps.random());
    // The zone is kept so progress and the console can say when the window opens, in its own time.
    const zone = spec.executionWindow.timeZone;
    stage = await writeStage(deps, execution, stage, {
      context: { ...stage.context, ...WINDOW.save({ windowOpensAt: opensAt, ...(zone ? { windowTimeZone: zone } : {}) }) },
    });
  }
  const opensAt = WINDOW.of(stage.context).windowOpensAt;
  if (typeof opensAt === 'number' && stageNow < opensAt) {
    return { status: 'RUNNING', waitSeconds: Math.max(1, Math.ceil((opensAt - stageNow) / 1000)) };
  }

  const startTime = stage.startTime ?? now;
  // Stage time leaves paused time out: waits and timeouts resume where they were (pause.ts).
  const clock = activeClock(deps, execution, startTime);
  const evaluation = evaluationContext(execution, spec.refId);
  await loadPatternEngineFor(spec.config);
  const evaluated = evaluateAll(spec.config, evaluation);
  if (evaluated.errors.length > 0) {
    const error = `expression evaluation failed: ${evaluated.errors.map((e) => `${e.expression}: ${e.message}`).join('; ')}`;
    return finish(deps, execution, stage, spec, { status: 'FAILED', error });
  }
  const implementation = await implementationOf(deps, spec.type);
  if (!implementation) {
    return finish(deps, execution, stage, spec, { status: 'FAILED', error: `no implementation for stage type '${spec.type}' in this function` });
  }
  const config = evaluated.value as Record<string, unknown>;
  const problems = implementation.validate?.(config) ?? [];
  if (problems.length > 0) return finish(deps, execution, stage, spec, { status: 'FAILED', error: problems.join('; ') });

  let current = stage;
  // One scope per call: what it resolves is scrubbed from everything this call writes or throws.
  const secrets = new SecretScope(implementation.secrets, undefined, { application: execution.application });
  const ctx: StageRunContext = {
    executionId: execution.id,
    application: execution.application,
    pipelineName: execution.pipelineName,
    stage: { refId: spec.refId, name: spec.name, type: spec.type, config },
    state: stage.context,
    startTime: deps.stageTime ? deps.stageTime.fromWall(startTime) : startTime,
    clock,
    attempt: stage.restartDetails?.attempt ?? 0,
    evaluation,
    stages: evaluation.execution.stages,
    ...(payload.taskToken !== undefined ? { taskToken: payload.taskToken } : {}),
    checkpoint: async (patch) => {
      current = await writeStage(deps, execution, current, { context: { ...current.context, ...secrets.scrub(patch) } });
    },
    secrets,
  };
  const timeoutMs = spec.stageTimeoutMs ?? stageTypeInfo(spec.type)?.defaultTimeoutMs;
  const elapsed = clock.now() - ctx.startTime;
  if (timeoutMs !== undefined && elapsed > timeoutMs) {
    // Stop or undo what the stage started (a build, a task, canary server groups) before failing it.
    const cancelled = await implementation.cancel?.(ctx).catch((e: Error) => `cancel failed: ${e.message}`);
    const error = secrets.scrub(`stage timed out after ${Math.round(timeoutMs / 1000)} s${cancelled ? ` (${cancelled})` : ''}`);
    return finish(deps, execution, current, spec, { status: 'FAILED', error });
  }
  let result: TaskResult;
  try {
    result = secrets.scrub(await implementation.run(ctx));
  } catch (error) {
    if (error instanceof StageConfigError) result = { status: 'FAILED', error: secrets.scrub(error.message) };
    else throw scrubbedError(error, secrets);
  }
  return finish(deps, execution, current, spec, result, payload.taskToken);
}

async function finish(
  deps: EngineDeps,
  execution: ExecutionView,
  stage: StageRecord,
  spec: StagePayload,
  result: TaskResult,
  taskToken?: string,
): Promise<EngineResult> {
  if (result.status === 'RUNNING') {
    // A callback type always waits on its token; another type compiled as a callback for its config only when it asks to.
    const callback = taskToken !== undefined && (stageTypeInfo(spec.type)?.execution === 'callback' || result.awaitCallback === true);
    await writeStage(deps, execution, stage, {
      status: 'RUNNING',
      context: { ...stage.context, ...result.context },
      outputs: { ...stage.outputs, ...result.outputs },
      ...(callback ? { callbackToken: taskToken } : {}),
    });
    return callback ? { status: 'RUNNING', awaitingCallback: true } : { status: 'RUNNING', waitSeconds: Math.max(1, Math.round(result.waitSeconds)) };
  }
  const outcome =
    result.status === 'SUCCEEDED'
      ? { status: 'SUCCEEDED' as const, context: result.context, outputs: result.outputs }
      : result.status === 'CANCELED'
        ? { status: 'CANCELED' as const, error: result.reason, context: result.context, outputs: result.outputs }
        : {
            status: failedStatus(result.failurePolicy ?? spec.failurePolicy),
            error: result.error,
            context: result.context,
            outputs: result.outputs,
          };
  const written = await finishStage(deps, execution, stage, spec, outcome);
  return { status: written.status };
}

/** Step Functions records a failed Task's message and stack: neither may carry a resolved secret. */
function scrubbedError(error: unknown, secrets: SecretScope): unknown {
  if (secrets.size === 0 || !(error instanceof Error)) return error;
  error.message = secrets.scrub(error.message);
  if (error.stack) error.stack = secrets.scrub(error.stack);
  if ('cause' in error) error.cause = undefined;
  return error;
}

/** Waits while the execution is paused: until resumed, canceled, or the hold time runs out. */
async function holdWhilePaused(executionId: string, deps: EngineDeps): Promise<void> {
  const holdMs = deps.pause?.holdMs ?? 20_000;
  const checkMs = deps.pause?.checkMs ?? 1000;
  const until = Date.now() + holdMs;
  for (;;) {
    const header = await deps.store.getExecution(executionId);
    if (header?.status !== 'PAUSED') return;
    if (Date.now() + checkMs > until) throw new ExecutionPausedSignal(`execution ${executionId} is paused`);
    await new Promise((resolve) => setTimeout(resolve, checkMs));
  }
}

/** The stage's clock without the time its execution spent paused since `startTime` (wall clock). */
function activeClock(deps: EngineDeps, execution: ExecutionView, startTime: number): Clock {
  const base = deps.stageTime ?? deps.clock;
  if (!execution.paused) return base;
  const paused = pausedBetween(execution.paused, startTime, deps.clock.now());
  if (paused === 0) return base;
  const offset = deps.stageTime ? deps.stageTime.fromWall(startTime + paused) - deps.stageTime.fromWall(startTime) : paused;
  return { now: () => base.now() - offset };
}

function findStage(execution: ExecutionView, refId: string): StageRecord {
  const stage = execution.stages.find((s) => s.refId === refId);
  if (!stage) throw new StageConfigError(`execution ${execution.id} has no stage '${refId}'`);
  return stage;
}

/** Where a stage records that its stageEnabled expression could not decide (and it ran). */
const ENABLED = stageFields<{ readonly stageEnabledWarning: string }>();

/**
 * Whether the stage runs, as Orca's OptionalStageSupport decides: skipped only when the expression
 * comes out true or false (as text, any case) and it is false. One that fails to evaluate, or
 * yields anything else, leaves the stage to run, with a warning (Orca logs one).
 */
function stageEnabled(spec: StagePayload, execution: ExecutionView): { run: boolean; warning?: string } {
  if (spec.enabledExpression === undefined) return { run: true };
  const text = spec.enabledExpression.includes('${') ? spec.enabledExpression : `\${${spec.enabledExpression}}`;
  let value: unknown;
  try {
    value = evaluateStrict(text, evaluationContext(execution, spec.refId));
  } catch (error) {
    return { run: true, warning: `stageEnabled expression could not be evaluated, so the stage ran (as in Spinnaker): ${(error as Error).message}` };
  }
  const answer = typeof value === 'boolean' || typeof value === 'string' ? String(value).toLowerCase() : undefined;
  if (answer === 'true' || answer === 'false') return { run: answer === 'true' };
  return { run: true, warning: `stageEnabled expression gave ${JSON.stringify(value)}, not true or false, so the stage ran (as in Spinnaker)` };
}
