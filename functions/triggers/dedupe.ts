/**
 * The dedupe table: one item per (delivery, pipeline), put with a condition so that of any number
 * of concurrent deliveries of the same event exactly one goes on to start the pipeline. Items
 * expire (DynamoDB TTL on `expiresAt`); an expired item that TTL has not removed yet counts as gone.
 * The execution name is derived from the same key, so Step Functions refuses a second start too.
 *
 * A delivery may have more than one identity: what its signature covers (the body) and the id the
 * provider gives it (GitHub's X-GitHub-Delivery, GitLab's Idempotency-Key, ...). It is a duplicate
 * when any of them was claimed: a replayed body under a new id, or a provider's retry whose body
 * differs. The keys are claimed one by one with the same conditional put, the first (the one the
 * execution is named after) first; when a later key is another execution's, the earlier ones are
 * handed to it.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient } from '../core/sdk-clients/dynamodb.js';
import type { Clock } from '../core/stage-api.js';
import { tableName } from '../core/tables.js';

export const DEFAULT_DEDUPE_TTL_SECONDS = 7 * 24 * 3600;

export type DedupeClaim = { readonly first: true } | { readonly first: false; readonly executionId: string };

export class DedupeTable {
  constructor(
    private readonly clock: Clock,
    private readonly db: DynamoDBDocumentClient = dynamoClient(),
    private readonly table: string = tableName('dedupe'),
    private readonly ttlSeconds = DEFAULT_DEDUPE_TTL_SECONDS,
  ) {}

  /**
   * Records the keys for this execution; says whether this call was the first. A later key that
   * this execution already holds (a crashed attempt's) does not make it a duplicate.
   */
  async claim(keys: string | readonly string[], executionId: string): Promise<DedupeClaim> {
    const all = typeof keys === 'string' ? [keys] : keys;
    const held: string[] = [];
    // This execution already held the first key: an earlier attempt of this very delivery got that far.
    let redelivered = false;
    for (const key of all) {
      const owner = await this.claimOne(key, executionId);
      if (owner === undefined || owner === executionId) {
        if (owner === executionId && held.length === 0) redelivered = true;
        held.push(key);
        continue;
      }
      // Another delivery of the same event holds this key: this one is its duplicate, and what it
      // was known by is that execution's too (a replay of this body under a new id starts nothing).
      // An earlier attempt that died while handing over is finished here, and names the first run.
      for (const mine of held) await this.handOver(mine, executionId, owner);
      return { first: false, executionId: owner };
    }
    return redelivered ? { first: false, executionId } : { first: true };
  }

  /** Puts the key for this execution unless it is held; returns the execution holding it, if it was. */
  private async claimOne(key: string, executionId: string): Promise<string | undefined> {
    const nowSeconds = Math.floor(this.clock.now() / 1000);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: `trigger#${key}`, executionId, createdAt: this.clock.now(), expiresAt: nowSeconds + this.ttlSeconds },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': nowSeconds },
        }),
      );
      return undefined;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: `trigger#${key}` }, ConsistentRead: true }));
    return String(out.Item?.executionId ?? executionId);
  }

  /** Gives a key this execution holds to another. */
  private async handOver(key: string, from: string, to: string): Promise<void> {
    const nowSeconds = Math.floor(this.clock.now() / 1000);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: `trigger#${key}`, executionId: to, createdAt: this.clock.now(), expiresAt: nowSeconds + this.ttlSeconds },
          ConditionExpression: 'executionId = :from',
          ExpressionAttributeValues: { ':from': from },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Forgets a claim whose start failed, so a redelivery may try again. */
  async release(keys: string | readonly string[], executionId: string): Promise<void> {
    for (const key of typeof keys === 'string' ? [keys] : keys) await this.releaseOne(key, executionId);
  }

  private async releaseOne(key: string, executionId: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: `trigger#${key}` },
          ConditionExpression: 'executionId = :e',
          ExpressionAttributeValues: { ':e': executionId },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
