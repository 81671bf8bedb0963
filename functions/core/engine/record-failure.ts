/**
 * The shared error recorder of a branch (one per Parallel branch, one for the pipeline's top
 * level): a stage's function failed for good (a crash, a timeout, retries spent), and Step Functions
 * caught it here. The stage that failed is the first of the branch's stages, in the order they run,
 * that has not ended; it is recorded failed by its failure options.
 */
import { type EngineResult, type RecordPayload, SIGNALS } from '../../../state-machines/contract/engine.js';
import { notStartedStage } from '../execution-model.js';
import { retryOnConflict } from '../execution-store.js';
import { FINAL_STATUSES } from '../stage-api.js';
import type { EngineDeps } from './deps.js';
import { failedStatus, finishStage } from './stage-writes.js';

/** Step Functions hands us {Error, Cause}; for Lambda errors Cause is JSON with errorMessage. */
function describeError(error: { Error?: string | undefined; Cause?: string | undefined }): string {
  if (error.Error === 'States.Timeout') return 'stage timed out';
  let message = error.Cause ?? '';
  try {
    const parsed = JSON.parse(message) as { errorMessage?: string; errorType?: string };
    if (parsed.errorMessage) message = parsed.errorType ? `${parsed.errorType}: ${parsed.errorMessage}` : parsed.errorMessage;
  } catch {
    // plain text cause
  }
  const text = message || error.Error || 'unknown error';
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

const FAILED_STATUSES: ReadonlySet<string> = new Set(['TERMINAL', 'STOPPED', 'FAILED_CONTINUE']);

export async function recordFailure(payload: RecordPayload, deps: EngineDeps): Promise<EngineResult> {
  // A halted pipeline inside a Parallel branch passes through here: its stage recorded it already,
  // and the recorder's Task fails with the same signal (route.ts).
  if (payload.error.Error === SIGNALS.haltPipeline) return { status: 'TERMINAL', error: describeError(payload.error) };
  return retryOnConflict(async () => {
    const part = await deps.store.loadStages(
      payload.executionId,
      payload.stages.map((s) => s.refId),
    );
    const statusOf = (refId: string) => part.stages.get(refId)?.status ?? 'NOT_STARTED';
    const failed = payload.stages.find((s) => !FINAL_STATUSES.has(statusOf(s.refId)));
    if (!failed) {
      // Delivered again after it recorded (a retried Task): answer as the first delivery did.
      const recorded = payload.stages.findLast((s) => FAILED_STATUSES.has(statusOf(s.refId)));
      if (!recorded) return { status: 'HALTED' };
      const status = statusOf(recorded.refId);
      return { status, refId: recorded.refId, ...(status === 'FAILED_CONTINUE' ? { resume: recorded.refId } : {}) };
    }
    const current =
      part.stages.get(failed.refId) ??
      notStartedStage((await deps.store.getSkeleton(payload.executionId)).find((s) => s.refId === failed.refId) ?? { ...failed, requisiteStageRefIds: [] });
    const written = await finishStage(deps, { ...part.execution, skeleton: [], stages: [] }, current, failed, {
      status: failedStatus(failed.failurePolicy),
      error: describeError(payload.error),
    });
    return { status: written.status, refId: failed.refId, ...(written.status === 'FAILED_CONTINUE' ? { resume: failed.refId } : {}) };
  });
}
