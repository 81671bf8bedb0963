/**
 * One pipeline-completed event per end of an execution, whoever observes the end: the API's cancel
 * and the lifecycle handler after it, a redelivered status change, a retried call. The record
 * carries the mark (`completedEvent`, cleared by a restart): a caller claims it with a conditional
 * write before it emits, and marks it sent after. Whoever finds it sent does nothing; whoever finds
 * it claimed waits briefly for the claimer, and takes it over only once the claim is older than any
 * function runs (the claimer died). A claimer whose emit fails gives the claim back before it
 * throws, so its retry (or the next observer) emits.
 *
 * The one case no record can tell apart: EventBridge took the event, then the caller died (or the
 * sent mark could not be written). The event is emitted again after the claim lapses; pipeline
 * triggers start a child once per parent execution (triggers/pipeline), so nothing runs twice.
 */
import { randomUUID } from 'node:crypto';
import { CompletedEventPendingError } from '../errors.js';
import { type ExecutionRecord, type ExecutionView, FINAL_EXECUTION_STATUSES } from '../execution-model.js';
import type { ExecutionStore } from '../execution-store.js';
import type { Clock } from '../stage-api.js';

/** Longer than any function that ends executions may run (60 s): a claim this old is a dead caller's. */
export const COMPLETED_CLAIM_MS = 120_000;

export interface CompletedEventOnceDeps {
  readonly store: ExecutionStore;
  readonly clock: Clock;
  /** How long to wait for another caller's claim to end before throwing (transient). @default 5000 */
  readonly waitMs?: number;
  /** @default 100 */
  readonly pollMs?: number;
}

type Claim = 'claimed' | 'sent' | 'in-flight' | 'not-final';

/** Emits the execution's completed event unless this end's was emitted (or is being emitted); true when this call emitted it. */
export async function emitCompletedOnce(
  execution: ExecutionView,
  emit: (execution: ExecutionView) => Promise<void>,
  deps: CompletedEventOnceDeps,
): Promise<boolean> {
  const by = randomUUID();
  const waitUntil = Date.now() + (deps.waitMs ?? 5_000);
  for (;;) {
    const claim = await claimCompletedEvent(execution.id, by, deps);
    if (claim === 'sent' || claim === 'not-final') return false;
    if (claim === 'claimed') break;
    if (Date.now() >= waitUntil) {
      throw new CompletedEventPendingError(`execution ${execution.id} ended and another caller is emitting its completed event: try again`);
    }
    await new Promise((resolve) => setTimeout(resolve, deps.pollMs ?? 100));
  }
  try {
    await emit(execution);
  } catch (error) {
    // Not known to be emitted: the claim goes back so a retry emits (a throw cannot say whether EventBridge took it).
    await settleClaim(execution.id, by, undefined, deps.store).catch(() => undefined);
    throw error;
  }
  await settleClaim(execution.id, by, 'sent', deps.store);
  return true;
}

async function claimCompletedEvent(executionId: string, by: string, deps: CompletedEventOnceDeps): Promise<Claim> {
  let claim: Claim = 'claimed';
  await deps.store.update(executionId, (current) => {
    const now = deps.clock.now();
    const mark = current.completedEvent;
    if (!FINAL_EXECUTION_STATUSES.has(current.status)) claim = 'not-final';
    else if (mark?.state === 'sent') claim = 'sent';
    else if (mark && now - mark.at < COMPLETED_CLAIM_MS) claim = 'in-flight';
    else {
      claim = 'claimed';
      return { ...header(current), completedEvent: { state: 'sending', by, at: now } };
    }
    return undefined;
  });
  return claim;
}

/** Marks our claim sent, or gives it back (state undefined); a claim someone else holds now is left alone. */
async function settleClaim(executionId: string, by: string, state: 'sent' | undefined, store: ExecutionStore): Promise<void> {
  await store.update(executionId, (current) => {
    const mark = current.completedEvent;
    if (mark?.by !== by || mark.state === 'sent') return undefined;
    const { completedEvent: _mark, ...rest } = header(current);
    return state ? { ...rest, completedEvent: { ...mark, state } } : rest;
  });
}

function header(record: ExecutionRecord): Omit<ExecutionRecord, 'version'> {
  const { version: _v, ...rest } = record;
  return rest;
}
