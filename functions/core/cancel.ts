/**
 * Canceling an execution: a waiting run is simply marked CANCELED; a running one is marked with
 * who canceled, stopped (StopExecution in AWS, its process or abort locally), then ended as
 * CANCELED by the one end of an execution (engine/execution-end.ts: stage cleanup, notification,
 * locks, next waiting run, completed event). Canceling a finished execution changes nothing.
 * Every caller cancels through here: the API, the console, the CLI in local mode.
 *
 * The lifecycle handler sees the ABORTED status change afterwards and ends it again; every step
 * is idempotent.
 */
import { ExecutionDoesNotExist, type SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { sfnClient } from './sdk-clients/sfn.js';
import { isWaiting, type ExecutionQueue } from './concurrency.js';
import { endExecution, type ExecutionEndDeps } from './engine/execution-end.js';
import { ConcurrentUpdateError, ExecutionNotFoundError } from './errors.js';
import { type ExecutionRecord, FINAL_EXECUTION_STATUSES } from './execution-model.js';
import { type ExecutionStore, retryOnConflict } from './execution-store.js';
import { executionArnFor, stateMachineArnFor } from './pipeline-launcher.js';

/** Stops the running state machine execution behind a record. */
export interface ExecutionStopper {
  stop(execution: ExecutionRecord, cause: string): Promise<void>;
}

/** StopExecution on the execution's ARN (recorded, or derived from GENNAKER_STATE_MACHINES). */
export function stepFunctionsStopper(
  sfn: SFNClient = sfnClient(),
  resolve: (application: string, pipeline: string) => string = stateMachineArnFor,
): ExecutionStopper {
  return {
    async stop(execution, cause) {
      const arn = execution.stateMachineExecutionArn ?? arnFromMap(execution, resolve);
      try {
        await sfn.send(new StopExecutionCommand({ executionArn: arn, error: 'Gennaker.Canceled', cause: cause.slice(0, 32_000) }));
      } catch (error) {
        // Already gone (never started, or ended meanwhile): the record is what we finalise.
        if (!(error instanceof ExecutionDoesNotExist)) throw error;
      }
    },
  };
}

function arnFromMap(execution: ExecutionRecord, resolve: (application: string, pipeline: string) => string): string {
  let stateMachineArn: string;
  try {
    stateMachineArn = resolve(execution.application, execution.pipelineId);
  } catch {
    stateMachineArn = resolve(execution.application, execution.pipelineName);
  }
  return executionArnFor(stateMachineArn, execution.id);
}

/** The end's deps, and what stops a running execution and cancels a waiting one. */
export interface CancelDeps extends ExecutionEndDeps {
  readonly stopper: ExecutionStopper;
  /** Cancels waiting runs (they hold no slot and have no state machine execution). */
  readonly queue: Pick<ExecutionQueue, 'cancelWaiting'>;
}

export interface CancelRequest {
  readonly user: string;
  readonly reason?: string;
}

export interface CancelResult {
  readonly execution: ExecutionRecord;
  /** false when the execution had already ended. */
  readonly changed: boolean;
}

export async function cancelExecution(executionId: string, deps: CancelDeps, request: CancelRequest): Promise<CancelResult> {
  const reason = `canceled by ${request.user}${request.reason ? `: ${request.reason}` : ''}`;
  return retryOnConflict(async () => {
    const record = await deps.store.getExecution(executionId);
    if (!record) throw new ExecutionNotFoundError(`no execution '${executionId}'`);
    if (FINAL_EXECUTION_STATUSES.has(record.status)) return { execution: record, changed: false };

    if (isWaiting(record) && (record.status === 'NOT_STARTED' || record.status === 'PAUSED')) {
      if (await deps.queue.cancelWaiting(executionId, reason, request.user)) {
        return { execution: (await deps.store.getExecution(executionId))!, changed: true };
      }
      // Claimed meanwhile: read again, it is running now.
      throw new ConcurrentUpdateError(`execution ${executionId} changed while it was being canceled`);
    }

    const marked = await markCanceling(deps.store, record, request.user, reason);
    await deps.stopper.stop(marked, reason);
    // Also when the stopped run finalised it first: its locks are released and what follows runs.
    await endExecution(executionId, { forced: 'CANCELED', reason }, deps);
    return { execution: (await deps.store.getExecution(executionId))!, changed: true };
  });
}

/** Records who canceled before stopping anything (Orca's canceledBy / cancellationReason). */
async function markCanceling(store: ExecutionStore, record: ExecutionRecord, user: string, reason: string): Promise<ExecutionRecord> {
  try {
    return await store.update(record.id, (current) => {
      if (FINAL_EXECUTION_STATUSES.has(current.status) || current.canceledBy) return undefined;
      const { version: _v, ...rest } = current;
      const next: Omit<ExecutionRecord, 'version'> & { cancellationReason: string } = { ...rest, canceledBy: user, cancellationReason: reason };
      return next;
    });
  } catch (error) {
    // Still changing after the helper's attempts: stop it anyway, with the record as it is now.
    if (!(error instanceof ConcurrentUpdateError)) throw error;
    return (await store.getExecution(record.id)) ?? record;
  }
}
