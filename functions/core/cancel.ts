/**
 * Canceling an execution: a waiting run is simply marked CANCELED; a running one is stopped
 * (StopExecution in AWS, abort locally), its record finalised as CANCELED (running stages become
 * CANCELED too) and every lock it holds released. Canceling a finished execution changes nothing.
 *
 * The lifecycle handler sees the ABORTED status change afterwards and does its part again
 * (release, next waiting run, completed event); every step is idempotent.
 */
import { ExecutionDoesNotExist, type SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoClient, sfnClient } from './aws-clients.js';
import { isWaiting, type ExecutionQueue } from './concurrency.js';
import type { EngineDeps } from './engine/deps.js';
import { finalizeExecution } from './engine/lifecycle-ops.js';
import { finalizerDeps } from './engine/stage-cleanup.js';
import { ConcurrentUpdateError, ExecutionNotFoundError } from './errors.js';
import { type ExecutionRecord, type ExecutionView, FINAL_EXECUTION_STATUSES } from './execution-model.js';
import { type ExecutionStore, retryOnConflict } from './execution-store.js';
import { releaseLocksHeldBy } from './locks-release.js';
import type { Notifier } from './notifications.js';
import { stateMachineArnFor } from './pipeline-launcher.js';
import type { Clock } from './stage-api.js';

/** Stops the running state machine execution behind a record. */
export interface ExecutionStopper {
  stop(execution: ExecutionRecord, cause: string): Promise<void>;
}

/** `arn:aws:states:r:a:stateMachine:name` + execution name → `arn:aws:states:r:a:execution:name:exec`. */
export function executionArnFor(stateMachineArn: string, executionName: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
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

export interface CancelDeps {
  readonly store: ExecutionStore;
  readonly clock: Clock;
  readonly notifier: Notifier;
  readonly stopper: ExecutionStopper;
  /** Cancels waiting runs (they hold no slot and have no state machine execution). */
  readonly queue: ExecutionQueue;
  /** @default the shared DynamoDB document client and locks table */
  readonly db?: DynamoDBDocumentClient;
  /** Runs once when this cancel finalised the record: start the next waiting run, emit events. */
  readonly afterFinished?: (execution: ExecutionView) => Promise<void>;
  /** Asks stages' own functions to stop what they started (AWS; see engine/stage-cleanup.ts). */
  readonly cancelElsewhere?: EngineDeps['cancelElsewhere'];
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
    const engine = finalizerDeps({
      ...deps,
      onExecutionFinished: async (execution) => {
        await releaseLocksHeldBy(execution.id, deps.db ?? dynamoClient());
        await deps.afterFinished?.(execution);
      },
    });
    await finalizeExecution(executionId, engine, { forced: 'CANCELED', reason });
    // Also when something else finalised it first: the locks must not outlive the execution.
    await releaseLocksHeldBy(executionId, deps.db ?? dynamoClient());
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
