/** The Catch target of every stage Task: records the error by the stage's failure options. */
import { ConcurrentUpdateError } from '../errors.js';
import { FINAL_STATUSES } from '../stage-api.js';
import type { EngineDeps } from './deps.js';
import type { EngineResult, FailPayload } from './payloads.js';
import { findStage } from './run-stage.js';
import { failedStatus, finishStage } from './stage-writes.js';

/** Step Functions hands us {Error, Cause}; for Lambda errors Cause is JSON with errorMessage. */
export function describeError(error: { Error?: string | undefined; Cause?: string | undefined }): string {
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

export async function failStage(payload: FailPayload, deps: EngineDeps): Promise<EngineResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      const execution = await deps.store.load(payload.executionId);
      const stage = findStage(execution, payload.stage.refId);
      if (FINAL_STATUSES.has(stage.status)) return { status: stage.status };
      const written = await finishStage(deps, execution, stage, payload.stage, {
        status: failedStatus(payload.stage.failurePolicy),
        error: describeError(payload.error),
      });
      return { status: written.status };
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError) || attempt >= 3) throw error;
    }
  }
}
