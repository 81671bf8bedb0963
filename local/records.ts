/** Every execution in the local environment's emulator (a scan: local tables are small). */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoClient } from '../functions/core/aws-clients.js';
import type { ExecutionRecord } from '../functions/core/execution-model.js';
import { ExecutionStore } from '../functions/core/execution-store.js';

export async function scanExecutions(db: DynamoDBDocumentClient = dynamoClient()): Promise<ExecutionRecord[]> {
  // The execution store owns the executions table: its items' layout is its business.
  return new ExecutionStore(db).scanHeaders();
}
