/**
 * The locks table's one owner (TABLES.locks): its keys, its items and every condition a write to it
 * carries. Two kinds of item live there, both naming the execution that holds them in `holder`:
 *
 *   lock#<account>/<region>/<cluster>        a cluster lock's lease (cluster-lock.ts): stage, expiresAt
 *   concurrency#<app>/<pipelineId>#<n>       a concurrency slot (concurrency/slots.ts): queueKey, acquiredAt
 *
 * The table only holds what is held right now, so releasing whatever an execution holds is a small
 * filtered scan, and every delete is conditional on the holder: an item taken over by another
 * execution in between is left alone.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient } from './sdk-clients/dynamodb.js';
import { tableName } from './tables.js';

/** The cluster a lock protects. */
export interface ClusterKey {
  readonly account: string;
  readonly region: string;
  readonly cluster: string;
}

export function lockKey(key: ClusterKey): string {
  return `lock#${key.account}/${key.region}/${key.cluster}`;
}

export function slotKey(queueKey: string, slot: number): string {
  return `concurrency#${queueKey}#${slot}`;
}

/** An item of the table: its key and the execution that holds it, with the kind's own fields. */
export interface LocksItem {
  readonly pk: string;
  readonly holder: string;
  readonly [field: string]: unknown;
}

/**
 * When a put may take an item:
 * - `lease`: nobody holds it, its lease ended before `now` (epoch s), or the same holder renews it;
 * - `free`: nobody holds it, or the same holder takes it again;
 * - `takeOver`: `from` still holds it (its holder ended without releasing it).
 */
export type TakeCondition = { readonly kind: 'lease'; readonly now: number } | { readonly kind: 'free' } | { readonly kind: 'takeOver'; readonly from: string };

export interface LocksTableOptions {
  /** @default the shared DynamoDB document client */
  readonly db?: DynamoDBDocumentClient;
  /** @default tableName('locks') */
  readonly table?: string;
}

export class LocksTable {
  constructor(private readonly options: LocksTableOptions = {}) {}

  // Resolved per call: tests and local mode point AWS_ENDPOINT_URL somewhere after construction.
  private get db(): DynamoDBDocumentClient {
    return this.options.db ?? dynamoClient();
  }
  private get table(): string {
    return this.options.table ?? tableName('locks');
  }

  /** Puts `item` if `when` allows it; false when someone else holds it. */
  async take(item: LocksItem, when: TakeCondition): Promise<boolean> {
    const condition =
      when.kind === 'lease'
        ? {
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR holder = :holder',
            ExpressionAttributeValues: { ':now': when.now, ':holder': item.holder },
          }
        : when.kind === 'free'
          ? { ConditionExpression: 'attribute_not_exists(pk) OR holder = :holder', ExpressionAttributeValues: { ':holder': item.holder } }
          : { ConditionExpression: 'holder = :old', ExpressionAttributeValues: { ':old': when.from } };
    return conditional(this.db.send(new PutCommand({ TableName: this.table, Item: item, ...condition })));
  }

  /** The item as it is now (a consistent read). */
  async read(pk: string): Promise<Record<string, unknown> | undefined> {
    return (await this.db.send(new GetCommand({ TableName: this.table, Key: { pk }, ConsistentRead: true }))).Item;
  }

  /** Deletes the item while `holder` (and, when given, its `stage`) still holds it; false when it does not. */
  async release(pk: string, holder: string, stage?: string): Promise<boolean> {
    const byStage = stage !== undefined;
    return conditional(
      this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk },
          ConditionExpression: byStage ? 'holder = :holder AND #stage = :stage' : 'holder = :holder',
          ...(byStage ? { ExpressionAttributeNames: { '#stage': 'stage' } } : {}),
          ExpressionAttributeValues: { ':holder': holder, ...(byStage ? { ':stage': stage } : {}) },
        }),
      ),
    );
  }

  /** Deletes every item `holder` holds (cluster locks and concurrency slots); returns their keys. */
  async releaseAllHeldBy(holder: string): Promise<string[]> {
    const held: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression: 'holder = :holder',
          ExpressionAttributeValues: { ':holder': holder },
          ProjectionExpression: 'pk',
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) held.push(String(item.pk));
      start = page.LastEvaluatedKey;
    } while (start);
    const released: string[] = [];
    // Released or taken over since the scan: either way it is no longer ours.
    for (const pk of held) if (await this.release(pk, holder)) released.push(pk);
    return released;
  }
}

/**
 * Releases every lock an execution holds. The lifecycle handler, the engine's completion and
 * cancel call this after an execution ends however it ended (success, failure, abort, timeout), so
 * a crashed stage never leaves a cluster locked or a concurrency slot taken.
 */
export function releaseLocksHeldBy(executionId: string, db?: DynamoDBDocumentClient, table?: string): Promise<string[]> {
  return new LocksTable({ ...(db ? { db } : {}), ...(table ? { table } : {}) }).releaseAllHeldBy(executionId);
}

/** A conditional write: true when it happened, false when its condition did not hold. */
async function conditional(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
