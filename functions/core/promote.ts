/**
 * Promote: a progressive traffic step without `pauseSec` holds its weight until a person says go on
 * (`gennaker promote <id>`, POST /executions/{id}/promote, the console). Like a manual
 * judgment, the stage then waits on its Step Functions task token, so a pause costs nothing while
 * it lasts; unlike one, the stage stays RUNNING after the promote and goes on shifting traffic.
 * Any stage that shifts traffic in steps (deploys on EC2 and ECS, Lambda alias shifting) uses this
 * module: `awaitPromote` for the RUNNING result, `isPromoted` to go on, `submitPromote` to answer.
 *
 * The stage's context keeps `promotion: { awaiting?: {step, weight}, promoted: [steps], by, at }`.
 */
import type { FailurePolicy } from '../../state-machines/model/pipeline.js';
import { PromoteError } from './errors.js';
import { type ExecutionStore, retryOnConflict } from './execution-store.js';
import type { StageRecord } from './execution-model.js';
import { deliverCallback, type ResumeCallback } from './judgment.js';
import { type Clock, type SavedContext, type StatePatch, type TaskResult, stageFields } from './stage-api.js';

/** Without a task token (a stage compiled to poll, the test harness), how often a waiting stage looks for its promote. */
const PROMOTE_POLL_SECONDS = 60;

export interface PromotionState {
  /** The step (index into trafficSteps) waiting for a promote, and its weight. */
  readonly awaiting?: { readonly step: number; readonly weight: number };
  /** Steps promoted so far. */
  readonly promoted: readonly number[];
  readonly by?: string;
  readonly at?: number;
}

/** What a stage that shifts traffic in steps keeps in its context for promotes (any such stage type). */
interface PromotionFields {
  readonly promotion: Partial<PromotionState>;
  /** Who promoted last (Orca's field, as a judgment sets it). */
  readonly lastModifiedBy: string;
}
const PROMOTION = stageFields<PromotionFields>();

export function promotionOf(context: SavedContext): PromotionState {
  const raw = PROMOTION.of(context).promotion;
  const awaiting = raw?.awaiting;
  return {
    ...(awaiting && typeof awaiting.step === 'number' ? { awaiting: { step: awaiting.step, weight: Number(awaiting.weight) } } : {}),
    promoted: Array.isArray(raw?.promoted) ? raw.promoted.filter((s): s is number => typeof s === 'number') : [],
    ...(typeof raw?.by === 'string' ? { by: raw.by } : {}),
    ...(typeof raw?.at === 'number' ? { at: raw.at } : {}),
  };
}

export function isPromoted(context: SavedContext, step: number): boolean {
  return promotionOf(context).promoted.includes(step);
}

/**
 * The result of a stage whose step waits for a promote: on its task token when the state machine
 * gave one (the engine stores it for submitPromote), otherwise polling every PROMOTE_POLL_SECONDS.
 * A stage with gates to watch while it waits (rollback alarms) gives `watchSeconds`: it is called
 * again that often instead of parking on its token, so an alarm that fires during the wait rolls
 * back without anyone promoting; the promote is then found in the record at the next call.
 */
export function awaitPromote(
  context: SavedContext,
  awaiting: { readonly step: number; readonly weight: number },
  result: { readonly outputs?: Record<string, unknown>; readonly context?: StatePatch; readonly watchSeconds?: number } = {},
): TaskResult {
  const current = promotionOf(context);
  return {
    status: 'RUNNING',
    waitSeconds: result.watchSeconds ?? PROMOTE_POLL_SECONDS,
    ...(result.watchSeconds === undefined ? { awaitCallback: true } : {}),
    context: { ...result.context, ...PROMOTION.save({ promotion: { ...current, awaiting } }) },
    ...(result.outputs ? { outputs: result.outputs } : {}),
  };
}

export interface PromoteRequest {
  readonly executionId: string;
  /** Stage name or refId; absent: the one stage waiting for a promote. */
  readonly stage?: string;
  readonly user: string;
}

/** Records the promote on the waiting stage and resumes its task token (none in local mode, which watches the record). */
export async function submitPromote(request: PromoteRequest, deps: { store: ExecutionStore; clock: Clock; resume: ResumeCallback }): Promise<StageRecord> {
  return retryOnConflict(() => promoteOnce(request, deps));
}

async function promoteOnce(request: PromoteRequest, deps: { store: ExecutionStore; clock: Clock; resume: ResumeCallback }): Promise<StageRecord> {
  const execution = await deps.store.load(request.executionId);
  const policyOf = (stage: StageRecord) => execution.skeleton.find((s) => s.refId === stage.refId)?.failurePolicy ?? 'haltPipeline';
  const waiting = execution.stages.filter((s) => s.status === 'RUNNING' && (promotionOf(s.context).awaiting !== undefined || pendingResume(s)));
  let stage: StageRecord | undefined;
  if (request.stage !== undefined) {
    const named = execution.stages.find((s) => s.refId === request.stage || s.name === request.stage);
    if (!named) throw new PromoteError(`execution ${request.executionId} has no stage '${request.stage}'`);
    if (!waiting.includes(named)) throw new PromoteError(`stage '${named.name}' is ${named.status}, not waiting for a promote`);
    stage = named;
  } else {
    if (waiting.length === 0) throw new PromoteError(`execution ${request.executionId} has no stage waiting for a promote`);
    if (waiting.length > 1) throw new PromoteError(`several stages wait for a promote (${waiting.map((s) => s.name).join(', ')}): name one`);
    stage = waiting[0]!;
  }
  // Recorded before, not delivered yet (the resume failed): send it again.
  if (pendingResume(stage)) return deliver(execution.id, stage, policyOf(stage), deps);
  const state = promotionOf(stage.context);
  const now = deps.clock.now();
  const { version: _v, ...rest } = stage;
  // The callback token stays until the resume succeeded (deliverCallback drops it).
  const written = await deps.store.putStage(
    execution.id,
    {
      ...rest,
      context: {
        ...stage.context,
        ...PROMOTION.save({
          promotion: { promoted: [...new Set([...state.promoted, state.awaiting!.step])], by: request.user, at: now },
          lastModifiedBy: request.user,
        }),
      },
    },
    stage,
  );
  return written.callbackToken ? deliver(execution.id, written, policyOf(written), deps) : written;
}

/** A promote recorded on a stage whose token has not been resumed yet. */
function pendingResume(stage: StageRecord): boolean {
  const state = promotionOf(stage.context);
  return stage.callbackToken !== undefined && state.awaiting === undefined && state.promoted.length > 0;
}

function deliver(
  executionId: string,
  stage: StageRecord,
  policy: FailurePolicy,
  deps: { store: ExecutionStore; resume: ResumeCallback },
): Promise<StageRecord> {
  // The stage goes on at once: its Choice sees waitSeconds and calls it again.
  return deliverCallback(executionId, stage, stage.callbackToken!, { status: 'RUNNING', refId: stage.refId, waitSeconds: 1 }, policy, deps, {
    what: `the promote of '${stage.name}'`,
    retry: 'promote again to retry',
  });
}
