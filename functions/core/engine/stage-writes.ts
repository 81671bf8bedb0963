/** Status changes of a stage, written conditionally, with the matching notification. */
import type { FailurePolicy } from '../../../state-machines/model/pipeline.js';
import type { ExecutionView, StageRecord } from '../execution-model.js';
import type { StageStatus } from '../stage-api.js';
import { HALTING_STATUSES } from '../readiness.js';
import type { EngineDeps } from './deps.js';
import type { StageIdentity } from '../../../state-machines/contract/engine.js';

/** Orca's mapping from "if stage fails" options to the failed stage's status. */
export function failedStatus(policy: FailurePolicy): StageStatus {
  switch (policy) {
    case 'haltPipeline':
      return 'TERMINAL';
    case 'haltBranch':
    case 'haltBranchThenFail':
      return 'STOPPED';
    case 'ignore':
      return 'FAILED_CONTINUE';
  }
}

export async function writeStage(
  deps: EngineDeps,
  execution: ExecutionView,
  current: StageRecord,
  change: Partial<Omit<StageRecord, 'version' | 'refId'>>,
): Promise<StageRecord> {
  const { version: _v, ...rest } = current;
  return deps.store.putStage(execution.id, { ...rest, ...change }, current);
}

export async function finishStage(
  deps: EngineDeps,
  execution: ExecutionView,
  current: StageRecord,
  payload: Pick<StageIdentity, 'refId' | 'name' | 'type' | 'sendNotifications'>,
  outcome: { status: StageStatus; error?: string; context?: Record<string, unknown>; outputs?: Record<string, unknown> },
): Promise<StageRecord> {
  const now = deps.clock.now();
  const written = await writeStage(deps, execution, current, {
    status: outcome.status,
    startTime: current.startTime ?? now,
    endTime: now,
    context: { ...current.context, ...outcome.context },
    outputs: { ...current.outputs, ...outcome.outputs },
    ...(outcome.error !== undefined ? { error: outcome.error } : {}),
  });
  // Noted on the header, so stages polling for requisites in other branches learn to look further.
  if (HALTING_STATUSES.has(outcome.status)) await deps.store.noteHalt(execution.id);
  if (payload.sendNotifications || outcome.status === 'TERMINAL') {
    const failed = outcome.status !== 'SUCCEEDED' && outcome.status !== 'SKIPPED';
    await deps.notifier.publish({
      event: failed ? 'stage.failed' : 'stage.complete',
      application: execution.application,
      pipeline: execution.pipelineName,
      executionId: execution.id,
      stage: { refId: payload.refId, name: payload.name, type: payload.type },
      summary: `Stage '${payload.name}' of ${execution.application}/${execution.pipelineName} ${outcome.status}${outcome.error ? `: ${outcome.error}` : ''}`,
    });
  }
  return written;
}
