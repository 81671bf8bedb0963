/** Every execution in the local environment's emulator (a scan: local tables are small). */
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient } from '../functions/core/aws-clients.js';
import type { ExecutionRecord } from '../functions/core/execution-model.js';
import { tableName } from '../functions/core/tables.js';

export async function scanExecutions(db: DynamoDBDocumentClient = dynamoClient()): Promise<ExecutionRecord[]> {
  const records: ExecutionRecord[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db.send(
      new ScanCommand({
        TableName: tableName('executions'),
        FilterExpression: 'sk = :e',
        ExpressionAttributeValues: { ':e': 'EXECUTION' },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) {
      const { pk: _pk, sk: _sk, ...record } = item;
      records.push(record as ExecutionRecord);
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return records.sort((a, b) => b.startTime - a.startTime);
}
