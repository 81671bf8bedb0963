/**
 * Answers a manual judgment: checks the judge may, records judgment, judge and input on the stage,
 * then resumes the state machine through the stored task token.
 */
import type { EngineResult } from '../../state-machines/contract/engine.js';
import { JudgmentError } from './errors.js';
import { type ExecutionStore, retryOnConflict } from './execution-store.js';
import { HOME_ACCOUNT_ENV, holdsAnyRole } from './roles.js';
import type { StageRecord } from './execution-model.js';
import { failedStatus } from './engine/stage-writes.js';
import type { Clock } from './stage-api.js';
import type { FailurePolicy } from '../../state-machines/model/pipeline.js';

/**
 * What a manual judgment stage keeps in its context (functions/stages/flow/manual-judgment.ts
 * writes it, judges read it): typed once here rather than cast at every reader.
 */
export interface JudgmentState {
  readonly judgmentStatus?: 'waiting' | 'continue' | 'stop';
  readonly instructions: string;
  /** The inputs offered, as text (Deck's `judgmentInputs: [{value}]`). */
  readonly inputs: readonly string[];
  /** Roles one of which a judge must hold; empty: anyone who may run the pipeline. */
  readonly requiredRoles: readonly string[];
  readonly judgmentInput?: string;
}

export function judgmentStateOf(context: Readonly<Record<string, unknown>>): JudgmentState {
  const status = context.judgmentStatus;
  const inputs = Array.isArray(context.judgmentInputs) ? (context.judgmentInputs as unknown[]) : [];
  const roles = Array.isArray(context.requiredJudgmentRoles) ? (context.requiredJudgmentRoles as unknown[]) : [];
  return {
    ...(status === 'waiting' || status === 'continue' || status === 'stop' ? { judgmentStatus: status } : {}),
    instructions: typeof context.instructions === 'string' ? context.instructions : '',
    inputs: inputs.map((i) => String(i !== null && typeof i === 'object' && 'value' in i ? (i as { value?: unknown }).value : i)),
    requiredRoles: roles.filter((r): r is string => typeof r === 'string'),
    ...(typeof context.judgmentInput === 'string' ? { judgmentInput: context.judgmentInput } : {}),
  };
}

export interface JudgmentRequest {
  readonly executionId: string;
  /** Stage name or refId. */
  readonly stage: string;
  readonly judgment: 'continue' | 'stop';
  readonly input?: string;
  readonly user: string;
  readonly roles?: readonly string[];
}

/**
 * Resumes a waiting callback task with the stage's result (task-resume.ts: SendTaskSuccess, or
 * SendTaskFailure with the signal when the branch cannot go on; nothing in local mode, which
 * watches the record).
 */
export type ResumeCallback = (taskToken: string, result: EngineResult, policy: FailurePolicy) => Promise<void>;

export async function submitJudgment(request: JudgmentRequest, deps: { store: ExecutionStore; clock: Clock; resume: ResumeCallback }): Promise<StageRecord> {
  return retryOnConflict(() => submitOnce(request, deps));
}

async function submitOnce(request: JudgmentRequest, deps: { store: ExecutionStore; clock: Clock; resume: ResumeCallback }): Promise<StageRecord> {
  const execution = await deps.store.load(request.executionId);
  const stage = execution.stages.find((s) => s.refId === request.stage || s.name === request.stage);
  if (!stage || stage.type !== 'manualJudgment') {
    throw new JudgmentError(`execution ${request.executionId} has no manual judgment stage '${request.stage}'`);
  }
  const state = judgmentStateOf(stage.context);
  if (stage.status !== 'RUNNING' || state.judgmentStatus !== 'waiting') {
    throw new JudgmentError(`stage '${stage.name}' is ${stage.status}, not waiting for a judgment`);
  }
  const required = state.requiredRoles;
  if (required.length > 0 && !holdsAnyRole(required, request.roles ?? [], process.env[HOME_ACCOUNT_ENV])) {
    throw new JudgmentError(`${request.user} may not judge '${stage.name}': requires one of the roles ${required.join(', ')}`);
  }
  const inputs = state.inputs;
  if (request.input !== undefined && inputs.length > 0 && !inputs.includes(request.input)) {
    throw new JudgmentError(`'${request.input}' is not one of the judgment inputs: ${inputs.join(', ')}`);
  }
  const policy = execution.skeleton.find((s) => s.refId === stage.refId)?.failurePolicy ?? 'haltPipeline';
  const status = request.judgment === 'continue' ? 'SUCCEEDED' : failedStatus(policy);
  const now = deps.clock.now();
  const { version: _v, callbackToken, ...rest } = stage;
  const written = await deps.store.putStage(
    execution.id,
    {
      ...rest,
      status,
      endTime: now,
      context: {
        ...stage.context,
        judgmentStatus: request.judgment,
        lastModifiedBy: request.user,
        judgedAt: now,
        ...(request.input !== undefined ? { judgmentInput: request.input } : {}),
      },
      ...(request.judgment === 'stop' ? { error: `judgment: stop (by ${request.user})` } : {}),
    },
    stage,
  );
  if (status !== 'SUCCEEDED') await deps.store.noteHalt(execution.id);
  if (callbackToken) await deps.resume(callbackToken, { status, refId: stage.refId }, policy);
  return written;
}
