/**
 * Releases every lock an execution holds: cluster locks (functions/core/cloud) and concurrency
 * slots (concurrency.ts) both live in the locks table with a `holder` attribute naming the
 * execution. The lifecycle handler and cancel call this after an execution ends however it ended
 * (success, failure, abort, timeout), so a crashed stage never leaves a cluster locked.
 *
 * The locks table only holds locks that are held right now, so a filtered scan stays small.
 * Each delete is conditional on the holder: a lock taken over by another execution in between is
 * left alone.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient } from './aws-clients.js';
import { tableName } from './tables.js';

/** Deletes the locks-table items whose `holder` is this execution; returns their keys. */
export async function releaseLocksHeldBy(
  executionId: string,
  db: DynamoDBDocumentClient = dynamoClient(),
  table: string = tableName('locks'),
): Promise<string[]> {
  const held: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: 'holder = :holder',
        ExpressionAttributeValues: { ':holder': executionId },
        ProjectionExpression: 'pk',
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) held.push(String(item.pk));
    start = page.LastEvaluatedKey;
  } while (start);

  const released: string[] = [];
  for (const pk of held) {
    try {
      await db.send(
        new DeleteCommand({
          TableName: table,
          Key: { pk },
          ConditionExpression: 'holder = :holder',
          ExpressionAttributeValues: { ':holder': executionId },
        }),
      );
      released.push(pk);
    } catch (error) {
      // Released or taken over since the scan: either way it is no longer ours.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
  return released;
}
