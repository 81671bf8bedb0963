/**
 * Execution records in DynamoDB. Every write is conditional: an execution is created once, and a
 * stage or execution item is replaced only if its version is the one the writer read, so a retried
 * Lambda can never overwrite a newer state with an older one.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient } from './aws-clients.js';
import { ConcurrentUpdateError, ExecutionNotFoundError, RecordTooLargeError } from './errors.js';
import {
  type ExecutionRecord,
  type ExecutionView,
  type StageRecord,
  notStartedStage,
} from './execution-model.js';
import { tableName } from './tables.js';

const EXECUTION_SK = 'EXECUTION';
const stageSk = (refId: string) => `STAGE#${refId}`;
/** DynamoDB's item limit is 400 KB; leave room for attribute names and overhead. */
const MAX_ITEM_BYTES = 350_000;

export interface ListQuery {
  readonly application: string;
  readonly pipelineName?: string;
  readonly status?: string;
  readonly limit?: number;
}

export class ExecutionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient = dynamoClient(),
    private readonly table: string = tableName('executions'),
  ) {}

  /** Creates the execution item; returns false (and writes nothing) if it already exists. */
  async create(record: Omit<ExecutionRecord, 'version'>): Promise<boolean> {
    try {
      await this.put({ ...record, version: 1 }, EXECUTION_SK, 'attribute_not_exists(pk)');
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async getExecution(executionId: string): Promise<ExecutionRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { pk: executionId, sk: EXECUTION_SK }, ConsistentRead: true }),
    );
    return out.Item ? stripKeys<ExecutionRecord>(out.Item) : undefined;
  }

  /** The execution with every stage (NOT_STARTED for stages without an item yet). */
  async load(executionId: string): Promise<ExecutionView> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': executionId },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    const executionItem = items.find((i) => i.sk === EXECUTION_SK);
    if (!executionItem) throw new ExecutionNotFoundError(`no execution '${executionId}'`);
    const execution = stripKeys<ExecutionRecord>(executionItem);
    const stageItems = new Map(
      items.filter((i) => i.sk !== EXECUTION_SK).map((i) => [String(i.refId), stripKeys<StageRecord>(i)]),
    );
    return {
      ...execution,
      stages: execution.skeleton.map((s) => stageItems.get(s.refId) ?? notStartedStage(s)),
    };
  }

  /** Writes a stage item if nobody wrote it since `expected.version` was read. */
  async putStage(executionId: string, next: Omit<StageRecord, 'version'>, expected: StageRecord): Promise<StageRecord> {
    const record = { ...next, version: expected.version + 1 };
    const condition = expected.version === 0 ? 'attribute_not_exists(pk)' : 'version = :v';
    await this.conditional(() => this.put(record, stageSk(next.refId), condition, executionId, expected.version));
    return record;
  }

  async putExecution(next: Omit<ExecutionRecord, 'version'>, expected: ExecutionRecord): Promise<ExecutionRecord> {
    const record = { ...next, version: expected.version + 1 };
    await this.conditional(() => this.put(record, EXECUTION_SK, 'version = :v', undefined, expected.version));
    return record;
  }

  /** Newest first. Filters on pipeline and status apply after the index query. */
  async list(query: ListQuery): Promise<ExecutionRecord[]> {
    const limit = query.limit ?? 50;
    const results: ExecutionRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'byApplication',
          KeyConditionExpression: 'application = :a',
          ExpressionAttributeValues: { ':a': query.application },
          ScanIndexForward: false,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) {
        const record = stripKeys<ExecutionRecord>(item);
        if (query.pipelineName && record.pipelineName !== query.pipelineName) continue;
        if (query.status && record.status !== query.status) continue;
        results.push(record);
      }
      start = out.LastEvaluatedKey;
    } while (start && results.length < limit);
    return results.slice(0, limit);
  }

  private async conditional(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ConcurrentUpdateError('the record changed since it was read', { cause: error });
      }
      throw error;
    }
  }

  private async put(
    record: { version: number } & Record<string, unknown>,
    sk: string,
    condition: string,
    executionId?: string,
    expectedVersion?: number,
  ): Promise<void> {
    const pk = executionId ?? String(record.id);
    const item: Record<string, unknown> = { ...record, pk, sk };
    if (sk === EXECUTION_SK) item.startedAt = record.startTime;
    const size = Buffer.byteLength(JSON.stringify(item));
    if (size > MAX_ITEM_BYTES) {
      throw new RecordTooLargeError(`${sk === EXECUTION_SK ? 'execution' : `stage ${sk.slice(6)}`} record would be ${size} bytes (limit ${MAX_ITEM_BYTES})`);
    }
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: item,
        ConditionExpression: condition,
        ...(condition.includes(':v') ? { ExpressionAttributeValues: { ':v': expectedVersion } } : {}),
      }),
    );
  }
}

function stripKeys<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, startedAt: _startedAt, ...rest } = item;
  return rest as T;
}
