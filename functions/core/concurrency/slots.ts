/**
 * Concurrency slots: a run may start only while it holds one. A slot is an item
 * `concurrency#<app>/<pipelineId>#<n>` in the locks table, put with `attribute_not_exists(pk)`, so
 * two triggers at once cannot both take the last slot. Its `holder` is the execution id, so
 * `releaseLocksHeldBy` (run by the lifecycle handler when the execution ends, however it ends)
 * frees it with the execution's other locks.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient } from '../aws-clients.js';
import { tableName } from '../tables.js';

export function slotKey(queueKey: string, slot: number): string {
  return `concurrency#${queueKey}#${slot}`;
}

/** Whether a full slot's holder has ended (so its slot may be taken over), given when it took it. */
export type HolderEnded = (holder: string, acquiredAt: number) => Promise<boolean>;

export class ConcurrencySlots {
  constructor(
    private readonly db: DynamoDBDocumentClient = dynamoClient(),
    private readonly table: string = tableName('locks'),
  ) {}

  /**
   * Takes a free slot (or, unless `takeOver` is false, one whose holder `ended`) for `holder`;
   * returns its number, or undefined when every slot is held.
   */
  async acquire(
    queueKey: string,
    maxRunning: number,
    holder: string,
    now: number,
    options: { takeOver?: false; ended?: HolderEnded } = {},
  ): Promise<number | undefined> {
    const item = (slot: number) => ({ pk: slotKey(queueKey, slot), holder, kind: 'concurrency', queueKey, acquiredAt: now });
    for (let slot = 0; slot < maxRunning; slot++) {
      if (await this.put(item(slot), 'attribute_not_exists(pk) OR holder = :h', { ':h': holder })) return slot;
    }
    // Every slot is taken. A holder that has ended but was never released (its lifecycle event was
    // lost) must not block the pipeline for ever: take its slot over.
    if (options.takeOver === false || !options.ended) return undefined;
    for (let slot = 0; slot < maxRunning; slot++) {
      const out = await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: slotKey(queueKey, slot) }, ConsistentRead: true }));
      const current = out.Item as { holder?: string; acquiredAt?: number } | undefined;
      if (!current?.holder || !(await options.ended(current.holder, current.acquiredAt ?? 0))) continue;
      if (await this.put(item(slot), 'holder = :old', { ':old': current.holder })) return slot;
    }
    return undefined;
  }

  /** Releases the slot `holder` has (also done by releaseLocksHeldBy). */
  async release(queueKey: string, holder: string, maxRunning = 64): Promise<void> {
    for (let slot = 0; slot < maxRunning; slot++) {
      try {
        await this.db.send(
          new DeleteCommand({
            TableName: this.table,
            Key: { pk: slotKey(queueKey, slot) },
            ConditionExpression: 'holder = :h',
            ExpressionAttributeValues: { ':h': holder },
          }),
        );
        return;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
  }

  private async put(item: Record<string, unknown>, condition: string, values: Record<string, unknown>): Promise<boolean> {
    try {
      await this.db.send(new PutCommand({ TableName: this.table, Item: item, ConditionExpression: condition, ExpressionAttributeValues: values }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
