/**
 * The dedupe table: one item per (delivery, pipeline), put with a condition so that of any number
 * of concurrent deliveries of the same event exactly one goes on to start the pipeline. Items
 * expire (DynamoDB TTL on `expiresAt`); an expired item that TTL has not removed yet counts as gone.
 * The execution name is derived from the same key, so Step Functions refuses a second start too.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient } from '../core/aws-clients.js';
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

  /** Records the key for this execution; says whether this call was the first. */
  async claim(key: string, executionId: string): Promise<DedupeClaim> {
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
      return { first: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: `trigger#${key}` }, ConsistentRead: true }));
    return { first: false, executionId: String(out.Item?.executionId ?? executionId) };
  }

  /** Forgets a claim whose start failed, so a redelivery may try again. */
  async release(key: string, executionId: string): Promise<void> {
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
