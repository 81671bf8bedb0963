/**
 * One call of a stage: gate on upstream stages, apply stageEnabled, the execution window and the
 * stage timeout, evaluate expressions, call the implementation, persist what it returned.
 * Re-running a call is safe: a stage that already finished returns its recorded status.
 */
import { evaluateAll, evaluateStrict } from '../../../state-machines/expressions/index.js';
import { stageTypeInfo } from '../../../state-machines/stage-types/index.js';
import { ConcurrentUpdateError } from '../errors.js';
import type { ExecutionView, StageRecord } from '../execution-model.js';
import { nextAllowedTime, windowJitterMs } from '../execution-window.js';
import { readinessOf } from '../readiness.js';
import { FINAL_STATUSES, StageConfigError, type StageRunContext, type TaskResult, TransientStageError } from '../stage-api.js';
import type { EngineDeps } from './deps.js';
import { evaluationContext } from './evaluation.js';
import type { EngineResult, RunPayload, StagePayload } from './payloads.js';
import { failedStatus, finishStage, writeStage } from './stage-writes.js';

const MAX_ATTEMPTS = 3;

export async function runStage(payload: RunPayload, deps: EngineDeps): Promise<EngineResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runOnce(payload, deps);
    } catch (error) {
      // Someone else wrote the stage in between (a duplicate delivery): read again and converge.
      if (!(error instanceof ConcurrentUpdateError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

async function runOnce(payload: RunPayload, deps: EngineDeps): Promise<EngineResult> {
  const spec = payload.stage;
  const execution = await deps.store.load(payload.executionId);
  let stage = findStage(execution, spec.refId);
  if (FINAL_STATUSES.has(stage.status)) return { status: stage.status };
  if (execution.status === 'CANCELED' || execution.status === 'TERMINAL') return { status: 'HALTED' };

  const readiness = readinessOf(stage.requisiteStageRefIds, execution.stages);
  if (readiness === 'never') return { status: 'HALTED' };
  if (readiness === 'waiting') throw new TransientStageError(`requisite stages of '${spec.name}' have not finished yet`);

  const now = deps.clock.now();
  if (stage.status === 'NOT_STARTED') {
    const enabled = stageEnabled(spec, execution);
    if (enabled !== true) {
      const outcome = enabled === false ? { status: 'SKIPPED' as const } : { status: failedStatus(spec.failurePolicy), error: enabled };
      return { status: (await finishStage(deps, execution, stage, spec, outcome)).status };
    }
    stage = await writeStage(deps, execution, stage, { status: 'RUNNING', startTime: now });
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
  if (spec.executionWindow && stage.context.windowOpensAt === undefined) {
    const opensAt = nextAllowedTime(spec.executionWindow, stageNow) + windowJitterMs(spec.executionWindow, deps.random());
    stage = await writeStage(deps, execution, stage, { context: { ...stage.context, windowOpensAt: opensAt } });
  }
  const opensAt = stage.context.windowOpensAt;
  if (typeof opensAt === 'number' && stageNow < opensAt) {
    return { status: 'RUNNING', waitSeconds: Math.max(1, Math.ceil((opensAt - stageNow) / 1000)) };
  }

  const startTime = stage.startTime ?? now;
  const evaluation = evaluationContext(execution, spec.refId);
  const evaluated = evaluateAll(spec.config, evaluation);
  if (evaluated.errors.length > 0) {
    const error = `expression evaluation failed: ${evaluated.errors.map((e) => `${e.expression}: ${e.message}`).join('; ')}`;
    return finish(deps, execution, stage, spec, { status: 'FAILED', error });
  }
  const implementation = deps.implementations.get(spec.type);
  if (!implementation) {
    return finish(deps, execution, stage, spec, { status: 'FAILED', error: `no implementation for stage type '${spec.type}' in this function` });
  }
  const config = evaluated.value as Record<string, unknown>;
  const problems = implementation.validate?.(config) ?? [];
  if (problems.length > 0) return finish(deps, execution, stage, spec, { status: 'FAILED', error: problems.join('; ') });

  let current = stage;
  const ctx: StageRunContext = {
    executionId: execution.id,
    application: execution.application,
    pipelineName: execution.pipelineName,
    stage: { refId: spec.refId, name: spec.name, type: spec.type, config },
    state: stage.context,
    startTime: deps.stageTime ? deps.stageTime.fromWall(startTime) : startTime,
    clock: deps.stageTime ?? deps.clock,
    evaluation,
    stages: evaluation.execution.stages,
    ...(payload.taskToken !== undefined ? { taskToken: payload.taskToken } : {}),
    checkpoint: async (patch) => {
      current = await writeStage(deps, execution, current, { context: { ...current.context, ...patch } });
    },
  };
  const timeoutMs = spec.stageTimeoutMs ?? stageTypeInfo(spec.type)?.defaultTimeoutMs;
  const elapsed = deps.stageTime ? deps.stageTime.now() - deps.stageTime.fromWall(startTime) : now - startTime;
  if (timeoutMs !== undefined && elapsed > timeoutMs) {
    // Stop or undo what the stage started (a build, a task, canary server groups) before failing it.
    const cancelled = await implementation.cancel?.(ctx).catch((e: Error) => `cancel failed: ${e.message}`);
    const error = `stage timed out after ${Math.round(timeoutMs / 1000)} s${cancelled ? ` (${cancelled})` : ''}`;
    return finish(deps, execution, current, spec, { status: 'FAILED', error });
  }
  let result: TaskResult;
  try {
    result = await implementation.run(ctx);
  } catch (error) {
    if (error instanceof StageConfigError) result = { status: 'FAILED', error: error.message };
    else throw error;
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
    const callback = taskToken !== undefined && stageTypeInfo(spec.type)?.execution === 'callback';
    await writeStage(deps, execution, stage, {
      status: 'RUNNING',
      context: { ...stage.context, ...result.context },
      outputs: { ...stage.outputs, ...result.outputs },
      ...(callback ? { callbackToken: taskToken } : {}),
    });
    return callback
      ? { status: 'RUNNING', awaitingCallback: true }
      : { status: 'RUNNING', waitSeconds: Math.max(1, Math.round(result.waitSeconds)) };
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

export function findStage(execution: ExecutionView, refId: string): StageRecord {
  const stage = execution.stages.find((s) => s.refId === refId);
  if (!stage) throw new StageConfigError(`execution ${execution.id} has no stage '${refId}'`);
  return stage;
}

/** true / false, or an error message when the expression cannot be evaluated. */
function stageEnabled(spec: StagePayload, execution: ExecutionView): boolean | string {
  if (spec.enabledExpression === undefined) return true;
  const text = spec.enabledExpression.includes('${') ? spec.enabledExpression : `\${${spec.enabledExpression}}`;
  try {
    const value = evaluateStrict(text, evaluationContext(execution, spec.refId));
    return value === true || value === 'true';
  } catch (error) {
    return `stageEnabled expression failed: ${(error as Error).message}`;
  }
}
