/**
 * Answers a manual judgment: checks the judge may, records judgment, judge and input on the stage,
 * then resumes the state machine through the stored task token. The token stays on the stage until
 * the resume succeeded: a judgment whose SendTaskSuccess/Failure failed (or whose function died
 * before sending it) is not stranded, answering the same again sends it again. A token Step
 * Functions no longer knows (a concurrent answer used it, or the task timed out) is spent: it is
 * dropped, and the judgment stands as recorded.
 */
import type { EngineResult } from '../../state-machines/contract/engine.js';
import { errorCode } from './cloud/aws-errors.js';
import { JudgmentError, JudgmentForbiddenError, JudgmentInputError, ResumeFailedError } from './errors.js';
import { type ExecutionStore, retryOnConflict } from './execution-store.js';
import { HOME_ACCOUNT_ENV, holdsAnyRole } from './roles.js';
import type { StageRecord } from './execution-model.js';
import { failedStatus } from './engine/stage-writes.js';
import { type Clock, stageFields } from './stage-api.js';
import type { FailurePolicy } from '../../state-machines/model/pipeline.js';

/**
 * The fields a manual judgment stage keeps in its context, Deck's names: the stage
 * (functions/stages/flow/manual-judgment.ts) writes the first four, a judge the rest.
 */
interface JudgmentFields {
  readonly judgmentStatus: 'waiting' | 'continue' | 'stop';
  /** As configured. */
  readonly instructions: unknown;
  /** As configured (Deck's `[{value}]`). */
  readonly judgmentInputs: readonly unknown[];
  readonly requiredJudgmentRoles: readonly string[];
  readonly lastModifiedBy: string;
  readonly judgedAt: number;
  readonly judgmentInput: string;
}
/** Declared once here: the stage, judges and the CLI's progress read and write it through this. */
export const JUDGMENT = stageFields<JudgmentFields>();

/** A manual judgment's context as judges use it. */
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
  const fields = JUDGMENT.of(context);
  const status = fields.judgmentStatus;
  const inputs = fields.judgmentInputs ?? [];
  const roles = fields.requiredJudgmentRoles ?? [];
  return {
    ...(status === 'waiting' || status === 'continue' || status === 'stop' ? { judgmentStatus: status } : {}),
    instructions: typeof fields.instructions === 'string' ? fields.instructions : '',
    inputs: inputs.map((i) => String(i !== null && typeof i === 'object' && 'value' in i ? i.value : i)),
    requiredRoles: roles.filter((r): r is string => typeof r === 'string'),
    ...(typeof fields.judgmentInput === 'string' ? { judgmentInput: fields.judgmentInput } : {}),
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
  const policy = execution.skeleton.find((s) => s.refId === stage.refId)?.failurePolicy ?? 'haltPipeline';
  const pending = resumePending(stage, state);
  if (pending) {
    // Recorded before, not yet delivered: the same answer (from someone who may judge) sends it again.
    if (pending !== request.judgment) {
      throw new JudgmentError(
        `stage '${stage.name}' was judged '${pending}' by ${String(JUDGMENT.of(stage.context).lastModifiedBy)}; answer '${pending}' to retry resuming the pipeline`,
      );
    }
    checkJudge(request, stage, state);
    return deliver(execution.id, stage, stage.callbackToken!, policy, deps);
  }
  if (stage.status !== 'RUNNING' || state.judgmentStatus !== 'waiting') {
    throw new JudgmentError(`stage '${stage.name}' is ${stage.status}, not waiting for a judgment`);
  }
  checkJudge(request, stage, state);
  const status = request.judgment === 'continue' ? 'SUCCEEDED' : failedStatus(policy);
  const now = deps.clock.now();
  const { version: _v, ...rest } = stage;
  // The callback token stays until the resume succeeded (deliver drops it).
  const written = await deps.store.putStage(
    execution.id,
    {
      ...rest,
      status,
      endTime: now,
      context: {
        ...stage.context,
        ...JUDGMENT.save({
          judgmentStatus: request.judgment,
          lastModifiedBy: request.user,
          judgedAt: now,
          ...(request.input !== undefined ? { judgmentInput: request.input } : {}),
        }),
      },
      ...(request.judgment === 'stop' ? { error: `judgment: stop (by ${request.user})` } : {}),
    },
    stage,
  );
  if (status !== 'SUCCEEDED') await deps.store.noteHalt(execution.id);
  return written.callbackToken ? deliver(execution.id, written, written.callbackToken, policy, deps) : written;
}

/** The judgment recorded on a stage whose resume has not succeeded yet, if any. */
function resumePending(stage: StageRecord, state: JudgmentState): 'continue' | 'stop' | undefined {
  if (!stage.callbackToken || stage.status === 'RUNNING') return undefined;
  return state.judgmentStatus === 'continue' || state.judgmentStatus === 'stop' ? state.judgmentStatus : undefined;
}

function checkJudge(request: JudgmentRequest, stage: StageRecord, state: JudgmentState): void {
  const required = state.requiredRoles;
  if (required.length > 0 && !holdsAnyRole(required, request.roles ?? [], process.env[HOME_ACCOUNT_ENV])) {
    throw new JudgmentForbiddenError(`${request.user} may not judge '${stage.name}': requires one of the roles ${required.join(', ')}`);
  }
  const inputs = state.inputs;
  if (request.input !== undefined && inputs.length > 0 && !inputs.includes(request.input)) {
    throw new JudgmentInputError(`'${request.input}' is not one of the judgment inputs: ${inputs.join(', ')}`);
  }
}

/**
 * Step Functions' answers for a token that can no longer be resumed: the task already ended
 * (resumed by a concurrent answer, timed out, or its execution stopped).
 */
const SPENT_TOKEN_ERRORS = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/** Resumes the state machine with the recorded judgment, then drops the token; a failure keeps it. */
function deliver(
  executionId: string,
  stage: StageRecord,
  token: string,
  policy: FailurePolicy,
  deps: { store: ExecutionStore; resume: ResumeCallback },
): Promise<StageRecord> {
  const judgment = String(JUDGMENT.of(stage.context).judgmentStatus);
  return deliverCallback(executionId, stage, token, { status: stage.status, refId: stage.refId }, policy, deps, {
    what: `judgment '${judgment}' on '${stage.name}'`,
    retry: `answer '${judgment}' again to retry`,
  });
}

/**
 * Resumes a waiting stage's task token with `result`, then drops the token from the record; a
 * failure keeps it (ResumeFailedError: the answer is recorded, answering again retries). Shared by
 * judgments and promotes (promote.ts).
 */
export async function deliverCallback(
  executionId: string,
  stage: StageRecord,
  token: string,
  result: EngineResult,
  policy: FailurePolicy,
  deps: { store: ExecutionStore; resume: ResumeCallback },
  text: { readonly what: string; readonly retry: string },
): Promise<StageRecord> {
  try {
    await deps.resume(token, result, policy);
  } catch (error) {
    const name = errorCode(error) ?? '';
    if (!SPENT_TOKEN_ERRORS.has(name)) {
      throw new ResumeFailedError(`${text.what} is recorded, but resuming the pipeline failed (${name || 'error'}); ${text.retry}`, { cause: error });
    }
  }
  return retryOnConflict(async () => {
    const current = (await deps.store.load(executionId)).stages.find((s) => s.refId === stage.refId);
    if (!current || current.callbackToken !== token) return current ?? stage;
    const { version: _v, callbackToken: _t, ...rest } = current;
    return deps.store.putStage(executionId, rest, current);
  });
}
