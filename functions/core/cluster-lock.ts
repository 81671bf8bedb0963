/**
 * Cluster locks: one mutating operation per cluster at a time. A lock is a lease in the locks table
 * (locks-table.ts owns its keys and conditions):
 *
 *   pk = lock#<account>/<region>/<cluster>   holder = executionId   stage = refId   expiresAt = epoch s
 *
 * Taking it is a conditional put that succeeds when nobody holds it, the lease has expired, or the
 * same execution holds it already (a re-run after a crash, or the next call of a stage that waits:
 * the put then extends the lease, which is the heartbeat). Releasing deletes it only while this
 * execution and stage still hold it. `releaseLocksHeldBy` (locks-table.ts) frees whatever an
 * execution still holds when it ends, however it ends, so a crashed stage never leaves a cluster
 * locked for longer than the lifecycle handler takes to run.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GennakerError } from '../../state-machines/errors.js';
import type { Clock } from './stage-api.js';
import { type ClusterKey, lockKey, LocksTable } from './locks-table.js';

export type { ClusterKey } from './locks-table.js';
export { lockKey } from './locks-table.js';

export interface LockHolder {
  /** The execution that holds it (what `releaseLocksHeldBy` looks for). */
  readonly executionId: string;
  /** refId of the stage that took it. */
  readonly stage: string;
}

export interface HeldLock extends LockHolder {
  readonly pk: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

export type LockOutcome = { readonly acquired: true } | { readonly acquired: false; readonly heldBy: HeldLock };

/** A lock could not be taken within the wait timeout; names who holds it. */
export class ClusterLockedError extends GennakerError {
  override readonly kind = 'conflict';
  constructor(
    readonly key: ClusterKey,
    readonly heldBy: HeldLock,
    waitedSeconds: number,
  ) {
    super(`cluster ${describeKey(key)} is locked by execution ${heldBy.executionId} (stage ${heldBy.stage}); ` + `gave up after waiting ${waitedSeconds} s`);
  }
}

/** A lease long enough for one call of a stage (the cloud Lambda runs at most 5 minutes). */
export const DEFAULT_LEASE_SECONDS = 600;

function describeKey(key: ClusterKey): string {
  return `${key.cluster} (${key.account}/${key.region})`;
}

/** Locks in a stable order, so two stages locking the same clusters never wait on each other in a cycle. */
export function sortedKeys(keys: readonly ClusterKey[]): ClusterKey[] {
  const unique = new Map(keys.map((k) => [lockKey(k), k]));
  return [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, k]) => k);
}

export interface ClusterLocksOptions {
  readonly clock: Clock;
  /** @default the shared DynamoDB document client */
  readonly db?: DynamoDBDocumentClient;
  /** @default tableName('locks') */
  readonly table?: string;
}

export class ClusterLocks {
  private readonly clock: Clock;
  private readonly table: LocksTable;

  constructor(options: ClusterLocksOptions) {
    this.clock = options.clock;
    this.table = new LocksTable({ ...(options.db ? { db: options.db } : {}), ...(options.table ? { table: options.table } : {}) });
  }

  /** Takes or renews the lock for `leaseSeconds` from now. */
  async acquire(key: ClusterKey, holder: LockHolder, leaseSeconds = DEFAULT_LEASE_SECONDS): Promise<LockOutcome> {
    // Two rounds: a lock released between our failed put and our read is tried once more rather
    // than reported with a holder that no longer exists.
    for (let round = 0; round < 2; round += 1) {
      if (await this.put(key, holder, leaseSeconds)) return { acquired: true };
      const held = await this.holderOf(key);
      if (held) return { acquired: false, heldBy: held };
    }
    return (await this.put(key, holder, leaseSeconds))
      ? { acquired: true }
      : { acquired: false, heldBy: (await this.holderOf(key)) ?? { pk: lockKey(key), executionId: '(unknown)', stage: '', expiresAt: 0 } };
  }

  private put(key: ClusterKey, holder: LockHolder, leaseSeconds: number): Promise<boolean> {
    const now = Math.floor(this.clock.now() / 1000);
    const item = { pk: lockKey(key), holder: holder.executionId, stage: holder.stage, expiresAt: now + Math.ceil(leaseSeconds) };
    return this.table.take(item, { kind: 'lease', now });
  }

  /** Who holds the lock now (an expired lease counts as free). */
  async holderOf(key: ClusterKey): Promise<HeldLock | undefined> {
    const pk = lockKey(key);
    const item = (await this.table.read(pk)) as { holder?: string; stage?: string; expiresAt?: number } | undefined;
    if (!item) return undefined;
    const expiresAt = Number(item.expiresAt ?? 0);
    if (expiresAt < Math.floor(this.clock.now() / 1000)) return undefined;
    return { pk, executionId: String(item.holder), stage: item.stage ?? '', expiresAt };
  }

  /**
   * Releases the lock if this execution's stage still holds it. Another stage of the same
   * execution that took it over in between keeps it.
   */
  release(key: ClusterKey, holder: LockHolder): Promise<boolean> {
    return this.table.release(lockKey(key), holder.executionId, holder.stage);
  }
}
