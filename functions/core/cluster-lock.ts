/**
 * Cluster locks: one mutating operation per cluster at a time. A lock is a lease in the locks table
 * (TABLES.locks):
 *
 *   pk = lock#<account>/<region>/<cluster>   holder = executionId   stage = refId   expiresAt = epoch s
 *
 * Taking it is a conditional put that succeeds when nobody holds it, the lease has expired, or the
 * same execution holds it already (a re-run after a crash, or the next call of a stage that waits:
 * the put then extends the lease, which is the heartbeat). Releasing deletes it only while this
 * execution and stage still hold it. `releaseLocksHeldBy` (locks-release.ts) frees whatever an
 * execution still holds when it ends, however it ends, so a crashed stage never leaves a cluster
 * locked for longer than the lifecycle handler takes to run.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient } from './aws-clients.js';
import { GennakerError } from '../../state-machines/errors.js';
import type { Clock } from './stage-api.js';
import { tableName } from './tables.js';

/** The cluster a lock protects. */
export interface ClusterKey {
  readonly account: string;
  readonly region: string;
  readonly cluster: string;
}

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

export function lockKey(key: ClusterKey): string {
  return `lock#${key.account}/${key.region}/${key.cluster}`;
}

export function describeKey(key: ClusterKey): string {
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
  private readonly dbOption?: DynamoDBDocumentClient;
  private readonly tableOption?: string;

  constructor(options: ClusterLocksOptions) {
    this.clock = options.clock;
    if (options.db) this.dbOption = options.db;
    if (options.table) this.tableOption = options.table;
  }

  // Resolved per call: tests and local mode point AWS_ENDPOINT_URL somewhere after construction.
  private get db(): DynamoDBDocumentClient {
    return this.dbOption ?? dynamoClient();
  }
  private get table(): string {
    return this.tableOption ?? tableName('locks');
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

  private async put(key: ClusterKey, holder: LockHolder, leaseSeconds: number): Promise<boolean> {
    const now = Math.floor(this.clock.now() / 1000);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: lockKey(key), holder: holder.executionId, stage: holder.stage, expiresAt: now + Math.ceil(leaseSeconds) },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR holder = :holder',
          ExpressionAttributeValues: { ':now': now, ':holder': holder.executionId },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Who holds the lock now (an expired lease counts as free). */
  async holderOf(key: ClusterKey): Promise<HeldLock | undefined> {
    const pk = lockKey(key);
    const response = await this.db.send(new GetCommand({ TableName: this.table, Key: { pk }, ConsistentRead: true }));
    const item = response.Item;
    if (!item) return undefined;
    const expiresAt = Number(item.expiresAt ?? 0);
    if (expiresAt < Math.floor(this.clock.now() / 1000)) return undefined;
    return { pk, executionId: String(item.holder), stage: String(item.stage ?? ''), expiresAt };
  }

  /**
   * Releases the lock if this execution's stage still holds it. Another stage of the same
   * execution that took it over in between keeps it.
   */
  async release(key: ClusterKey, holder: LockHolder): Promise<boolean> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: lockKey(key) },
          ConditionExpression: 'holder = :holder AND #stage = :stage',
          ExpressionAttributeNames: { '#stage': 'stage' },
          ExpressionAttributeValues: { ':holder': holder.executionId, ':stage': holder.stage },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
