/**
 * Execution records in DynamoDB, the one owner of the executions table. Every write is
 * conditional: an execution is created once, and a stage or execution item is replaced only if its
 * version is the one the writer read, so a retried Lambda can never overwrite a newer state with an
 * older one (`retryOnConflict` / `update` read again and retry, a bounded number of times).
 *
 * Items of an execution (partition `pk` = execution id): `EXECUTION`, the header (small: what lists
 * and indexes need); `SKELETON`, the pipeline's stages as the run started them; `STAGE#<refId>`, one
 * per stage that has been written. A stage call reads the header and the stages it names
 * (`loadStages`, one BatchGetItem), so its cost does not grow with the pipeline; `load` reads all
 * of it for the API, the CLI and the console.
 */
import { escapeReservedKeys } from './stored-keys.js';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient } from './sdk-clients/dynamodb.js';
import { ConcurrentUpdateError, ExecutionNotFoundError, RecordTooLargeError } from './errors.js';
import { type ExecutionRecord, type ExecutionView, type StageRecord, type StageSkeleton, notStartedStage } from './execution-model.js';
import { tableName } from './tables.js';

const EXECUTION_SK = 'EXECUTION';
const SKELETON_SK = 'SKELETON';
const stageSk = (refId: string) => `STAGE#${refId}`;
/** DynamoDB's item limit is 400 KB; leave room for attribute names and overhead. */
const MAX_ITEM_BYTES = 350_000;
/** BatchGetItem's limit on keys per request. */
const MAX_BATCH_KEYS = 100;

/** How often a read-change-write is tried when someone else wrote in between. */
const MAX_UPDATE_ATTEMPTS = 3;

/**
 * Runs a read-change-write again while it loses to a concurrent writer (ConcurrentUpdateError),
 * at most `attempts` times in all; the last conflict is thrown. `work` must read afresh each time.
 */
export async function retryOnConflict<T>(work: () => Promise<T>, attempts = MAX_UPDATE_ATTEMPTS): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError) || attempt >= attempts) throw error;
    }
  }
}

/** A new execution: its header and the stages it will run. */
export type NewExecution = Omit<ExecutionRecord, 'version'> & { readonly skeleton: readonly StageSkeleton[] };

/** The header and the stages a stage call asked for (absent: not written yet, so NOT_STARTED). */
export interface ExecutionPart {
  readonly execution: ExecutionRecord;
  readonly stages: ReadonlyMap<string, StageRecord>;
}

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

  /**
   * Creates the execution: its skeleton item, then the header; returns false (and writes no header)
   * if the header already exists. The skeleton of one execution id is always the same, so writing
   * it again on a retry changes nothing.
   */
  async create(record: NewExecution): Promise<boolean> {
    const { skeleton, ...header } = record;
    await this.put({ id: record.id, stages: skeleton, version: 1 }, SKELETON_SK, 'attribute_not_exists(pk) OR version = :v', undefined, 1);
    try {
      await this.put({ ...header, version: 1 }, EXECUTION_SK, 'attribute_not_exists(pk)');
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async getExecution(executionId: string): Promise<ExecutionRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: executionId, sk: EXECUTION_SK }, ConsistentRead: true }));
    return out.Item ? headerOf(out.Item) : undefined;
  }

  /**
   * Reads the header, changes it with `change` and writes it conditionally, reading again when
   * someone wrote in between (at most MAX_UPDATE_ATTEMPTS times). `change` returns undefined to
   * write nothing; the result is the header as written (or as read when nothing was written).
   */
  async update(
    executionId: string,
    change: (current: ExecutionRecord) => Omit<ExecutionRecord, 'version'> | undefined | Promise<Omit<ExecutionRecord, 'version'> | undefined>,
  ): Promise<ExecutionRecord> {
    return retryOnConflict(async () => {
      const current = await this.getExecution(executionId);
      if (!current) throw new ExecutionNotFoundError(`no execution '${executionId}'`);
      const next = await change(current);
      return next === undefined ? current : this.putExecution(next, current);
    });
  }

  /** The stages the execution started with (stage notification settings, failure options). */
  async getSkeleton(executionId: string): Promise<readonly StageSkeleton[]> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: executionId, sk: SKELETON_SK }, ConsistentRead: true }));
    return (out.Item?.stages as StageSkeleton[] | undefined) ?? [];
  }

  /**
   * The header and the named stages, in one BatchGetItem (strongly consistent): what a stage call
   * reads, whatever the size of the pipeline.
   */
  async loadStages(executionId: string, refIds: readonly string[]): Promise<ExecutionPart> {
    const keys = [{ pk: executionId, sk: EXECUTION_SK }, ...[...new Set(refIds)].map((r) => ({ pk: executionId, sk: stageSk(r) }))];
    const items: Record<string, unknown>[] = [];
    for (let i = 0; i < keys.length; i += MAX_BATCH_KEYS) {
      let pending: Record<string, unknown>[] | undefined = keys.slice(i, i + MAX_BATCH_KEYS);
      for (let round = 0; pending && pending.length > 0; round++) {
        if (round >= 10) throw new Error(`reading execution ${executionId}: DynamoDB kept keys unprocessed`);
        const out = await this.db.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: pending, ConsistentRead: true } } }));
        items.push(...(out.Responses?.[this.table] ?? []));
        pending = out.UnprocessedKeys?.[this.table]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    const header = items.find((i) => i.sk === EXECUTION_SK);
    if (!header) throw new ExecutionNotFoundError(`no execution '${executionId}'`);
    const stages = new Map(items.filter((i) => i.sk !== EXECUTION_SK).map((i) => [String(i.refId), stripKeys<StageRecord>(i)]));
    return { execution: headerOf(header), stages };
  }

  /**
   * Notes on the header that a stage of the execution halted (its branch or the pipeline), so a
   * stage polling for requisites in another branch knows to look further than those requisites.
   */
  async noteHalt(executionId: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: executionId, sk: EXECUTION_SK },
        UpdateExpression: 'ADD halts :one, version :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
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
    const skeleton = (items.find((i) => i.sk === SKELETON_SK)?.stages as StageSkeleton[] | undefined) ?? [];
    const stageItems = new Map(
      items.filter((i) => typeof i.sk === 'string' && i.sk.startsWith('STAGE#')).map((i) => [String(i.refId), stripKeys<StageRecord>(i)]),
    );
    return {
      ...headerOf(executionItem),
      skeleton,
      stages: skeleton.map((s) => stageItems.get(s.refId) ?? notStartedStage(s)),
    };
  }

  /** Writes a stage item if nobody wrote it since `expected.version` was read. */
  async putStage(executionId: string, next: Omit<StageRecord, 'version'>, expected: StageRecord): Promise<StageRecord> {
    const record = { ...next, version: expected.version + 1 };
    const condition = expected.version === 0 ? 'attribute_not_exists(pk)' : 'version = :v';
    await this.conditional(() => this.put(record, stageSk(next.refId), condition, executionId, expected.version));
    return record;
  }

  /** Writes the header if nobody wrote it since `expected.version` was read (a view's stages and skeleton are not part of it). */
  async putExecution(next: Omit<ExecutionRecord, 'version'>, expected: Pick<ExecutionRecord, 'version'>): Promise<ExecutionRecord> {
    const record = { ...headerOf(next), version: expected.version + 1 };
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
        const record = headerOf(item);
        if (query.pipelineName && record.pipelineName !== query.pipelineName) continue;
        if (query.status && record.status !== query.status) continue;
        results.push(record);
      }
      start = out.LastEvaluatedKey;
    } while (start && results.length < limit);
    return results.slice(0, limit);
  }

  /**
   * Runs waiting for a concurrency slot of a queue (the sparse `byQueue` index: status NOT_STARTED),
   * as the index shows them; it may lag, so callers claim against a fresh read.
   */
  async waitingRuns(queueKey: string, max = 1000): Promise<ExecutionRecord[]> {
    const records: ExecutionRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'byQueue',
          KeyConditionExpression: 'queueKey = :q',
          FilterExpression: '#status = :waiting',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':q': queueKey, ':waiting': 'NOT_STARTED' },
          ExclusiveStartKey: start,
        }),
      );
      records.push(...(page.Items ?? []).map(headerOf));
      start = page.LastEvaluatedKey;
    } while (start && records.length < max);
    return records;
  }

  /** Every execution's header, newest first: a scan, for the local environment (its tables are small). */
  async scanHeaders(): Promise<ExecutionRecord[]> {
    const records: ExecutionRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new ScanCommand({ TableName: this.table, FilterExpression: 'sk = :e', ExpressionAttributeValues: { ':e': EXECUTION_SK }, ExclusiveStartKey: start }),
      );
      records.push(...(out.Items ?? []).map(headerOf));
      start = out.LastEvaluatedKey;
    } while (start);
    return records.sort((a, b) => b.startTime - a.startTime);
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
    // Hostile but legal keys in payloads, contexts and outputs are stored escaped (stored-keys.ts).
    const item: Record<string, unknown> = escapeReservedKeys({ ...record, pk, sk });
    if (sk === EXECUTION_SK) item.startedAt = record.startTime;
    const size = Buffer.byteLength(JSON.stringify(item));
    if (size > MAX_ITEM_BYTES) {
      throw new RecordTooLargeError(
        `${sk === EXECUTION_SK ? 'execution' : sk === SKELETON_SK ? 'skeleton' : `stage ${sk.slice(6)}`} record would be ${size} bytes (limit ${MAX_ITEM_BYTES})`,
      );
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

/** The header alone: never a view's stages or a skeleton (older records kept it on the header). */
function headerOf(item: Record<string, unknown>): ExecutionRecord {
  const { stages: _stages, skeleton: _skeleton, ...rest } = stripKeys<Record<string, unknown>>(item);
  return rest as unknown as ExecutionRecord;
}

function stripKeys<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, startedAt: _startedAt, ...rest } = item;
  return rest as T;
}
