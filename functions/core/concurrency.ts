/**
 * Admission of a pipeline's runs under its concurrency policy (concurrency/policy.ts), over the
 * slots that let a run start (concurrency/slots.ts, in the locks table) and the runs waiting for
 * one (execution records with status NOT_STARTED, their launch request and a `queueKey`, listed by
 * the execution store's `waitingRuns` from the sparse `byQueue` index).
 *
 * Whoever frees a slot (the lifecycle handler) and whoever queues a run calls `startWaiting`,
 * which takes a slot for the next waiting run and claims its record with a conditional write
 * (NOT_STARTED → RUNNING) before starting it: a waiting run starts once, and never while the slots
 * are full.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Pipeline } from '../../state-machines/model/pipeline.js';
import { type ConcurrencyPolicy, concurrencyPolicyOf, queueKeyOf } from './concurrency/policy.js';
import { ConcurrencySlots } from './concurrency/slots.js';
import { GennakerError } from '../../state-machines/errors.js';
import { ConcurrentUpdateError, ExecutionNotFoundError } from './errors.js';
import { type ExecutionRecord, FINAL_EXECUTION_STATUSES, type LaunchRequest, newExecutionRecord, type NewExecutionRecord } from './execution-model.js';
import type { ExecutionStore } from './execution-store.js';
import type { Notifier } from './notifications.js';
import type { PipelineLauncher } from './pipeline-launcher.js';
import type { Clock } from './stage-api.js';
import { textOf } from '../../state-machines/model/problems.js';

export { type ConcurrencyPolicy, concurrencyPolicyOf } from './concurrency/policy.js';
/** The execution is in a state that does not allow the operation (e.g. pausing a running one). */
export class ExecutionStateError extends GennakerError {
  override readonly kind = 'conflict';
}

/** What a waiting run's record carries beyond an execution record. */
interface WaitingFields {
  readonly queueKey: string;
  readonly queuedAt: number;
  readonly launch: LaunchRequest;
  readonly concurrency: ConcurrencyPolicy;
}

export type WaitingRecord = ExecutionRecord & WaitingFields;

export type Admission =
  | { readonly outcome: 'started'; readonly executionId: string }
  | { readonly outcome: 'waiting'; readonly executionId: string; readonly superseded: readonly string[] };

export interface ConcurrencyDeps {
  readonly store: ExecutionStore;
  readonly launcher: PipelineLauncher;
  readonly clock: Clock;
  readonly notifier: Notifier;
  /** @default the shared DynamoDB document client */
  readonly db?: DynamoDBDocumentClient;
  readonly locksTable?: string;
  /**
   * A slot whose holder never wrote an execution record (its start failed half way) is taken
   * over after this long.
   * @default 15 minutes
   */
  readonly orphanSlotMs?: number;
  /**
   * A claimed run whose state machine run was never started (the function that claimed it
   * stopped in between) is started by whoever next finds its slot taken, after this long: longer
   * than any trigger function runs.
   * @default 2 minutes
   */
  readonly pendingLaunchMs?: number;
}

const MAX_DEQUEUE_ROUNDS = 50;

export class ExecutionQueue {
  private readonly slots: ConcurrencySlots;
  private readonly orphanSlotMs: number;
  private readonly pendingLaunchMs: number;

  constructor(private readonly deps: ConcurrencyDeps) {
    this.slots = new ConcurrencySlots(deps.db, deps.locksTable);
    this.orphanSlotMs = deps.orphanSlotMs ?? 15 * 60_000;
    this.pendingLaunchMs = deps.pendingLaunchMs ?? 2 * 60_000;
  }

  /** Starts the run now if the policy allows, else records it as waiting. */
  async admit(pipeline: Pipeline, launch: LaunchRequest): Promise<Admission> {
    const policy = concurrencyPolicyOf(pipeline);
    const executionId = launch.executionId;
    if (policy.maxRunning === 0) {
      await this.deps.launcher.start(launch);
      return { outcome: 'started', executionId };
    }
    const queueKey = queueKeyOf(pipeline.application, pipeline.id);
    if ((await this.acquireSlot(queueKey, policy.maxRunning, executionId)) !== undefined) {
      try {
        await this.deps.launcher.start(launch);
      } catch (error) {
        await this.releaseSlots(queueKey, executionId, policy.maxRunning);
        throw error;
      }
      return { outcome: 'started', executionId };
    }
    const now = this.deps.clock.now();
    const waiting: Omit<WaitingRecord, 'version'> & NewExecutionRecord = {
      ...newExecutionRecord(pipeline, { id: executionId, status: 'NOT_STARTED', trigger: launch.trigger, parameters: launch.parameters, startTime: now }),
      queueKey,
      queuedAt: now,
      launch,
      concurrency: policy,
    };
    await this.deps.store.create(waiting);
    const superseded = policy.keepWaiting ? [] : await this.supersede(queueKey, waiting);
    // The running one may have ended between our slot attempt and our record: if a slot is free
    // now, start whoever is next (its lifecycle run may not have seen this record).
    if ((await this.acquireSlot(queueKey, policy.maxRunning, executionId, { takeOver: false })) === undefined) {
      return { outcome: 'waiting', executionId, superseded };
    }
    await this.releaseSlots(queueKey, executionId, policy.maxRunning);
    const started = await this.startWaiting(pipeline.application, pipeline.id, { policy, include: executionId });
    return started.includes(executionId) ? { outcome: 'started', executionId } : { outcome: 'waiting', executionId, superseded };
  }

  /**
   * Starts waiting runs of a pipeline while slots are free; returns the ids started. `include`
   * names a run just queued (the index may not show it yet); `policy` is the pipeline's current
   * one (default: what the waiting run recorded when it was queued).
   */
  async startWaiting(application: string, pipelineId: string, options: { policy?: ConcurrencyPolicy; include?: string } = {}): Promise<string[]> {
    const queueKey = queueKeyOf(application, pipelineId);
    const started: string[] = [];
    const passed = new Set<string>();
    for (let round = 0; round < MAX_DEQUEUE_ROUNDS; round++) {
      const queue = (await this.waiting(queueKey, options.include)).filter((r) => !passed.has(r.id));
      const first = queue[0];
      if (!first) break;
      const policy = options.policy ?? first.concurrency;
      const next = policy.keepWaiting ? first : queue[queue.length - 1]!;
      if (!policy.keepWaiting && queue.length > 1) await this.supersede(queueKey, next);
      const slot = policy.maxRunning === 0 ? -1 : await this.acquireSlot(queueKey, policy.maxRunning, next.id);
      if (slot === undefined) break;
      passed.add(next.id);
      // The index may lag: claim against the record as it is now.
      const fresh = await this.deps.store.getExecution(next.id);
      const candidate = fresh && isWaiting(fresh) && fresh.status === 'NOT_STARTED' ? fresh : undefined;
      if (!candidate) {
        if (slot >= 0 && fresh?.status !== 'RUNNING') await this.releaseSlots(queueKey, next.id, policy.maxRunning);
        continue;
      }
      let claimed: boolean;
      try {
        claimed = await this.claimAndStart(candidate);
      } catch (error) {
        if (slot >= 0) await this.releaseSlots(queueKey, candidate.id, policy.maxRunning).catch(() => undefined);
        throw error;
      }
      if (!claimed) {
        // Someone else claimed it (their slot is this same holder's: keep it), or it was canceled
        // or paused meanwhile (then the slot is free again).
        const now = await this.deps.store.getExecution(candidate.id);
        if (slot >= 0 && now?.status !== 'RUNNING') await this.releaseSlots(queueKey, candidate.id, policy.maxRunning);
        continue;
      }
      started.push(candidate.id);
    }
    return started;
  }

  /**
   * Waiting (NOT_STARTED) runs of a queue, oldest first, as the index shows them; `include` is read
   * from the table itself. The index may lag: callers claim against a fresh read.
   */
  async waiting(queueKey: string, include?: string): Promise<WaitingRecord[]> {
    const byId = new Map<string, WaitingRecord>();
    for (const record of await this.deps.store.waitingRuns(queueKey)) if (isWaiting(record)) byId.set(record.id, record);
    if (include && !byId.has(include)) {
      const record = await this.deps.store.getExecution(include);
      if (record && isWaiting(record)) byId.set(include, record);
    }
    return [...byId.values()]
      .filter((r) => r.status === 'NOT_STARTED' && isWaiting(r) && r.queueKey === queueKey)
      .sort((a, b) => a.queuedAt - b.queuedAt || a.id.localeCompare(b.id));
  }

  /** Cancels a waiting (NOT_STARTED or PAUSED) run; false when it is no longer waiting. */
  async cancelWaiting(executionId: string, reason: string, user?: string): Promise<boolean> {
    let canceled = false;
    try {
      await this.deps.store.update(executionId, (record) => {
        canceled = isWaiting(record) && (record.status === 'NOT_STARTED' || record.status === 'PAUSED');
        if (!canceled) return undefined;
        return {
          ...notWaiting(record as WaitingRecord),
          status: 'CANCELED',
          endTime: this.deps.clock.now(),
          error: reason,
          ...(user ? { canceledBy: user } : {}),
        };
      });
    } catch (error) {
      // Gone, or it kept changing (claimed, paused): it is not waiting to be canceled here.
      if (error instanceof ExecutionNotFoundError || error instanceof ConcurrentUpdateError) return false;
      throw error;
    }
    return canceled;
  }

  /** Holds a waiting run back: it keeps its place but is not started until resumed. */
  async pause(executionId: string, user: string): Promise<ExecutionRecord> {
    return this.transition(executionId, 'NOT_STARTED', 'PAUSED', user);
  }

  /** Lets a paused waiting run start again (now, if a slot is free). */
  async resume(executionId: string, user: string, policy?: ConcurrencyPolicy): Promise<{ execution: ExecutionRecord; started: boolean }> {
    const resumed = await this.transition(executionId, 'PAUSED', 'NOT_STARTED', user);
    const started = await this.startWaiting(resumed.application, resumed.pipelineId, { include: executionId, ...(policy ? { policy } : {}) });
    const execution = (await this.deps.store.getExecution(executionId)) ?? resumed;
    return { execution, started: started.includes(executionId) };
  }

  /**
   * Takes a slot for a finished run that starts again (a restarted stage): true when the policy
   * lets it run now. It does not wait: a restart is refused while the slots are full.
   */
  async takeSlot(application: string, pipelineId: string, executionId: string, policy: ConcurrencyPolicy): Promise<boolean> {
    if (policy.maxRunning === 0) return true;
    return (await this.acquireSlot(queueKeyOf(application, pipelineId), policy.maxRunning, executionId)) !== undefined;
  }

  /** Releases the concurrency slot an execution holds (also done by releaseLocksHeldBy). */
  async releaseSlots(queueKey: string, holder: string, maxRunning = 64): Promise<void> {
    await this.slots.release(queueKey, holder, maxRunning);
  }

  private async transition(executionId: string, from: 'NOT_STARTED' | 'PAUSED', to: 'NOT_STARTED' | 'PAUSED', user: string): Promise<ExecutionRecord> {
    return this.deps.store.update(executionId, (record) => {
      if (record.status === to && isWaiting(record)) return undefined;
      if (record.status !== from || !isWaiting(record)) {
        throw new ExecutionStateError(
          `execution ${executionId} is ${record.status}: only runs waiting for a concurrency slot can be ${to === 'PAUSED' ? 'paused' : 'resumed'}`,
        );
      }
      const { version: _v, ...rest } = record;
      const next: Omit<WaitingRecord, 'version'> & { lastModifiedBy: string } = { ...rest, status: to, lastModifiedBy: user };
      return next;
    });
  }

  /** Claims a waiting run (NOT_STARTED → RUNNING, conditional) and starts it; false if someone else did. */
  private async claimAndStart(candidate: WaitingRecord): Promise<boolean> {
    const now = this.deps.clock.now();
    let claimed: ExecutionRecord;
    try {
      claimed = await this.deps.store.putExecution({ ...notWaiting(candidate), status: 'RUNNING', startTime: now, pendingLaunch: candidate.launch }, candidate);
    } catch (error) {
      if (error instanceof ConcurrentUpdateError) return false;
      throw error;
    }
    try {
      await this.deps.launcher.start(candidate.launch);
    } catch (error) {
      // Put it back in the queue so a later finish retries it, then report the failure.
      const { version: _v, pendingLaunch: _p, ...rest } = claimed;
      const requeued: Omit<WaitingRecord, 'version'> = {
        ...rest,
        status: 'NOT_STARTED',
        queueKey: candidate.queueKey,
        queuedAt: candidate.queuedAt,
        launch: candidate.launch,
        concurrency: candidate.concurrency,
      };
      await this.deps.store.putExecution(requeued, claimed).catch(() => undefined);
      throw error;
    }
    await this.launched(claimed);
    await this.deps.notifier.publish({
      event: 'pipeline.starting',
      application: candidate.application,
      pipeline: candidate.pipelineName,
      executionId: candidate.id,
      summary: `Pipeline ${candidate.application}/${candidate.pipelineName} is starting after waiting ${Math.round((now - candidate.queuedAt) / 1000)} s (${textOf(candidate.trigger.type ?? 'manual')} trigger)`,
    });
    return true;
  }

  /** Cancels waiting runs queued before `newest` (keepWaitingPipelines off). */
  private async supersede(queueKey: string, newest: Pick<WaitingRecord, 'id' | 'queuedAt'>): Promise<string[]> {
    const canceled: string[] = [];
    for (const older of await this.waiting(queueKey)) {
      if (older.id === newest.id) continue;
      if (older.queuedAt > newest.queuedAt || (older.queuedAt === newest.queuedAt && older.id > newest.id)) continue;
      if (await this.cancelWaiting(older.id, `canceled: a newer run (${newest.id}) is waiting and keepWaitingPipelines is off`)) {
        canceled.push(older.id);
      }
    }
    return canceled;
  }

  /** Takes a free slot (or one whose holder has ended) for `holder`; returns its number, or undefined. */
  private async acquireSlot(queueKey: string, maxRunning: number, holder: string, options: { takeOver?: false } = {}): Promise<number | undefined> {
    const now = this.deps.clock.now();
    return this.slots.acquire(queueKey, maxRunning, holder, now, {
      ...options,
      ended: (current, acquiredAt) => this.freeOrRevive(current, acquiredAt, now),
    });
  }

  /**
   * Whether a full slot's holder has ended, so the slot may be taken over. A holder stranded between
   * its claim and its start is started instead, and keeps the slot.
   */
  private async freeOrRevive(holder: string, acquiredAt: number, now: number): Promise<boolean> {
    const record = await this.deps.store.getExecution(holder);
    if (!record) return now - acquiredAt > this.orphanSlotMs;
    if (FINAL_EXECUTION_STATUSES.has(record.status)) return true;
    // Claimed but never started: start it now (the start is idempotent by execution name). It
    // keeps its slot: it is running from here on.
    if (record.pendingLaunch && now - record.startTime > this.pendingLaunchMs) {
      await this.deps.launcher.start(record.pendingLaunch);
      await this.launched(record);
    }
    return false;
  }

  /**
   * Forgets a started run's launch request. Best effort, never throws: the run is started and
   * keeps its slot either way, and starting it again later changes nothing (same execution name).
   */
  private async launched(record: ExecutionRecord): Promise<void> {
    const { version: _v, pendingLaunch: _p, ...rest } = record;
    await this.deps.store.putExecution(rest, record).catch(() => undefined);
  }
}

export function isWaiting(record: ExecutionRecord): record is WaitingRecord {
  const r = record as Partial<WaitingFields>;
  return typeof r.queueKey === 'string' && typeof r.queuedAt === 'number' && r.launch !== undefined && r.concurrency !== undefined;
}

/** The record without its queue fields (it leaves the byQueue index). */
function notWaiting(record: WaitingRecord): Omit<ExecutionRecord, 'version'> {
  const { version: _v, queueKey: _q, launch: _l, concurrency: _c, ...rest } = record;
  return rest;
}
