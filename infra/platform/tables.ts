/**
 * The DynamoDB tables, laid out by functions/core/tables.ts TABLES (the same spec local mode and
 * tests create tables from): on-demand, point-in-time recovery, KMS encryption, TTL on expiresAt.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLES, type TableKey } from '../../functions/core/tables.js';

export interface PlatformTablesProps {
  /** @default RemovalPolicy.RETAIN: execution history outlives a stack deletion */
  readonly removalPolicy?: RemovalPolicy;
}

export class PlatformTables extends Construct {
  private readonly tables = new Map<TableKey, Table>();

  constructor(scope: Construct, id: string, props: PlatformTablesProps = {}) {
    super(scope, id);
    for (const key of Object.keys(TABLES) as TableKey[]) {
      const spec = TABLES[key];
      const table = new Table(this, logicalName(key), {
        partitionKey: { name: spec.partitionKey, type: AttributeType.STRING },
        ...(spec.sortKey ? { sortKey: { name: spec.sortKey, type: AttributeType.STRING } } : {}),
        billingMode: BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: TableEncryption.AWS_MANAGED,
        timeToLiveAttribute: spec.ttlAttribute,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      });
      for (const index of spec.indexes) {
        // Index sort keys are epoch milliseconds (ensureTables declares them as numbers too).
        table.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
          sortKey: { name: index.sortKey, type: AttributeType.NUMBER },
        });
      }
      this.tables.set(key, table);
    }
  }

  table(key: TableKey): ITable {
    const table = this.tables.get(key);
    if (!table) throw new Error(`internal: no ${key} table`);
    return table;
  }

  /** The environment variables the runtime reads table names from (tables.ts tableName()). */
  environment(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [key, table] of this.tables) env[TABLES[key].envVar] = table.tableName;
    return env;
  }
}

function logicalName(key: TableKey): string {
  return `${key[0]!.toUpperCase()}${key.slice(1)}`;
}
