/**
 * DynamoDB table layouts, shared by the runtime, local mode, tests and the CDK stacks so they
 * cannot drift apart.
 */
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { clientConfig } from './client-cache.js';

export const TABLES = {
  executions: {
    envVar: 'GENNAKER_EXECUTIONS_TABLE',
    defaultName: 'gennaker-executions',
    partitionKey: 'pk',
    sortKey: 'sk',
    /** Execution items by application, newest first by startedAt. */
    indexes: [
      { name: 'byApplication', partitionKey: 'application', sortKey: 'startedAt' },
      /**
       * Sparse: only runs waiting for a concurrency slot carry `queueKey` ("app/pipelineId"), oldest
       * first by `queuedAt` (functions/core/concurrency.ts).
       */
      { name: 'byQueue', partitionKey: 'queueKey', sortKey: 'queuedAt' },
    ],
    ttlAttribute: 'expiresAt',
  },
  locks: {
    envVar: 'GENNAKER_LOCKS_TABLE',
    defaultName: 'gennaker-locks',
    partitionKey: 'pk',
    sortKey: undefined,
    indexes: [] as Array<{ name: string; partitionKey: string; sortKey: string }>,
    ttlAttribute: 'expiresAt',
  },
  dedupe: {
    envVar: 'GENNAKER_DEDUPE_TABLE',
    defaultName: 'gennaker-dedupe',
    partitionKey: 'pk',
    sortKey: undefined,
    indexes: [] as Array<{ name: string; partitionKey: string; sortKey: string }>,
    ttlAttribute: 'expiresAt',
  },
} as const;

export type TableKey = keyof typeof TABLES;

export function tableName(key: TableKey): string {
  const spec = TABLES[key];
  return process.env[spec.envVar] ?? spec.defaultName;
}

/** Creates the tables if missing (local mode and tests; production tables come from CDK). */
export async function ensureTables(keys: readonly TableKey[] = ['executions', 'locks', 'dedupe']): Promise<void> {
  const client = new DynamoDBClient(clientConfig());
  for (const key of keys) {
    const spec = TABLES[key];
    const name = tableName(key);
    try {
      await client.send(new DescribeTableCommand({ TableName: name }));
      continue;
    } catch {
      // missing: create below
    }
    const attributes = new Map<string, 'S' | 'N'>([[spec.partitionKey, 'S']]);
    if (spec.sortKey) attributes.set(spec.sortKey, 'S');
    for (const index of spec.indexes) {
      attributes.set(index.partitionKey, 'S');
      attributes.set(index.sortKey, 'N');
    }
    try {
      await client.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
          KeySchema: [
            { AttributeName: spec.partitionKey, KeyType: 'HASH' },
            ...(spec.sortKey ? [{ AttributeName: spec.sortKey, KeyType: 'RANGE' as const }] : []),
          ],
          ...(spec.indexes.length > 0
            ? {
                GlobalSecondaryIndexes: spec.indexes.map((index) => ({
                  IndexName: index.name,
                  KeySchema: [
                    { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
                    { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
                  ],
                  Projection: { ProjectionType: 'ALL' as const },
                })),
              }
            : {}),
        }),
      );
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
  client.destroy();
}
