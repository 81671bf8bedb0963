/**
 * The lifecycle handler on the real Step Functions status-change samples: it finalises the record
 * after an abort or a timeout (which never reach the state machine's complete step), releases every
 * lock the execution holds (cluster locks and its concurrency slot, not other executions' locks),
 * starts the next waiting run, notifies, and emits the pipeline-completed event that pipeline
 * triggers start downstream pipelines from.
 */
import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { awsClients } from '../../../functions/core/aws-clients.js';
import { releaseLocksHeldBy } from '../../../functions/core/locks-table.js';
import { tableName } from '../../../functions/core/tables.js';
import { triggerClients } from '../../../functions/triggers/clients.js';
import { COMPLETED_DETAIL_TYPE, type PipelineCompletedDetail, completedEvent } from '../../../functions/triggers/lifecycle/completed-event.js';
import { handleStatusChange, type LifecycleDeps } from '../../../functions/triggers/lifecycle/lifecycle.js';
import { triggerManually } from '../../../functions/triggers/manual/manual.js';
import { handlePipelineCompleted } from '../../../functions/triggers/pipeline/handler.js';
import type { Pipeline } from '../../../state-machines/model/pipeline.js';
import { crash, injectFault, removeAllFaults } from '../../support/faults.js';
import {
  captureInputs,
  deployStateMachines,
  executionInput,
  lifecycleDepsOf,
  pipelineOf,
  runStartStep,
  sfnExecutions,
  statusEvent,
  type TestDeps,
  triggerDeps,
  useTriggerAws,
} from './support.js';

useTriggerAws();
afterEach(() => removeAllFaults());

const upstream = pipelineOf({
  application: 'shop',
  name: 'build',
  stages: [
    { refId: '1', type: 'wait', name: 'Wait', waitTime: 1 },
    { refId: '2', type: 'wait', name: 'Deploy', waitTime: 1, requisiteStageRefIds: ['1'] },
  ],
  notifications: [{ type: 'email', address: 'team@example.com', level: 'pipeline', when: ['pipeline.failed'] }],
});
const downstream = pipelineOf({
  application: 'shop',
  name: 'verify',
  limitConcurrent: false,
  triggers: [{ type: 'pipeline', application: 'shop', pipeline: upstream.id, status: ['failed', 'canceled'] }],
  stages: [{ refId: '1', type: 'wait', name: 'Wait', waitTime: 1 }],
});

interface Ctx {
  deps: TestDeps;
  lifecycle: LifecycleDeps;
  machines: Record<string, string>;
  events: { inputs: Array<{ Entries?: Array<{ Detail?: string; DetailType?: string; Source?: string }> }>; remove(): void };
}

async function setup(pipelines: Pipeline[] = [upstream, downstream]): Promise<Ctx> {
  const machines = await deployStateMachines(pipelines);
  const deps = triggerDeps(pipelines);
  const events = captureInputs<{ Entries?: Array<{ Detail?: string; DetailType?: string; Source?: string }> }>(triggerClients.eventBridge(), 'PutEvents');
  return { deps, lifecycle: lifecycleDepsOf(deps), machines, events };
}

/** Starts `upstream` for real (moto), runs its start step and its first stage to RUNNING. */
async function runningExecution(ctx: Ctx): Promise<string> {
  const started = await triggerManually({ application: 'shop', pipeline: 'build', user: 'alice' }, ctx.deps);
  const arn = ctx.machines[`shop/${upstream.id}`]!;
  await runStartStep(arn, started.executionId, upstream);
  const view = await ctx.deps.store.load(started.executionId);
  await ctx.deps.store.putStage(started.executionId, { ...view.stages[0]!, status: 'RUNNING', startTime: Date.now() }, view.stages[0]!);
  return started.executionId;
}

async function putLock(pk: string, holder: string): Promise<void> {
  await awsClients.dynamoClient().send(new PutCommand({ TableName: tableName('locks'), Item: { pk, holder, expiresAt: Math.floor(Date.now() / 1000) + 600 } }));
}

async function lockKeys(): Promise<string[]> {
  const out = await awsClients.dynamoClient().send(new ScanCommand({ TableName: tableName('locks') }));
  return (out.Items ?? []).map((i) => String(i.pk)).sort();
}

describe.each([
  ['execution-status-aborted.json', 'CANCELED', 'stopped'],
  ['execution-status-timed-out.json', 'TERMINAL', 'timed out'],
  ['execution-status-failed.json', 'TERMINAL', 'failed'],
])('after %s', (file, status, reason) => {
  it(`records ${status}, releases every lock the execution holds, notifies and emits the completed event`, async () => {
    const ctx = await setup();
    const id = await runningExecution(ctx);
    await putLock('cluster#aws/default/us-east-1/shop-prod', id);
    await putLock('cluster#aws/default/us-east-1/shop-staging', id);
    await putLock('cluster#aws/default/us-east-1/other-prod', 'someone-else');
    expect(await lockKeys()).toContain(`concurrency#shop/${upstream.id}#0`);

    const result = await handleStatusChange(statusEvent(file, id, ctx.machines[`shop/${upstream.id}`]), ctx.lifecycle);
    expect(result.action).toBe('finalised');

    const record = await ctx.deps.store.load(id);
    expect(record.status).toBe(status);
    expect(record.error).toContain(reason);
    expect(record.stages.map((s) => s.status)).toEqual(['CANCELED', 'NOT_STARTED']);
    expect(await lockKeys()).toEqual(['cluster#aws/default/us-east-1/other-prod']);
    expect(result.released).toHaveLength(3);

    const failed = ctx.deps.notifier.events.filter((e) => e.event === 'pipeline.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.summary).toContain(status);

    const entries = ctx.events.inputs.flatMap((i) => i.Entries ?? []);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ Source: 'gennaker', DetailType: COMPLETED_DETAIL_TYPE });
    expect(JSON.parse(entries[0]!.Detail!)).toMatchObject({ executionId: id, application: 'shop', pipelineId: upstream.id, status });
  });
});

describe('lifecycle handler', () => {
  it('leaves a record the state machine already completed as it was, and still releases and emits', async () => {
    const ctx = await setup();
    const id = await runningExecution(ctx);
    const view = await ctx.deps.store.load(id);
    for (const stage of view.stages) await ctx.deps.store.putStage(id, { ...stage, status: 'SUCCEEDED', endTime: Date.now() }, stage);
    const { version: _v, stages: _s, ...rest } = await ctx.deps.store.load(id);
    await ctx.deps.store.putExecution({ ...rest, status: 'SUCCEEDED', endTime: Date.now() }, (await ctx.deps.store.getExecution(id)) as never);

    await handleStatusChange(statusEvent('execution-status-succeeded.json', id), ctx.lifecycle);
    expect((await ctx.deps.store.getExecution(id))?.status).toBe('SUCCEEDED');
    expect(ctx.deps.notifier.events.filter((e) => e.event.startsWith('pipeline.') && e.event !== 'pipeline.starting')).toHaveLength(0);
    expect(await lockKeys()).toEqual([]);
    expect(ctx.events.inputs).toHaveLength(1);
  });

  it('ignores RUNNING and is idempotent when an end is delivered twice', async () => {
    const ctx = await setup();
    const id = await runningExecution(ctx);
    expect((await handleStatusChange(statusEvent('execution-status-running.json', id), ctx.lifecycle)).action).toBe('ignored');
    await handleStatusChange(statusEvent('execution-status-aborted.json', id), ctx.lifecycle);
    await handleStatusChange(statusEvent('execution-status-aborted.json', id), ctx.lifecycle);
    expect(ctx.deps.notifier.events.filter((e) => e.event === 'pipeline.failed')).toHaveLength(1);
    expect((await ctx.deps.store.getExecution(id))?.status).toBe('CANCELED');
  });

  it('releases the locks of an execution that never wrote a record', async () => {
    const ctx = await setup();
    await putLock('cluster#x', 'ghost-execution');
    const result = await handleStatusChange(statusEvent('execution-status-failed.json', 'ghost-execution'), ctx.lifecycle);
    expect(result.action).toBe('no-record');
    expect(await lockKeys()).toEqual([]);
  });

  it('refuses a malformed event', async () => {
    const ctx = await setup();
    await expect(handleStatusChange({ detail: { status: 'ABORTED' } }, ctx.lifecycle)).rejects.toThrow(/not a Step Functions status change/);
  });

  it('throws when EventBridge refuses the event (so it is retried), and the retry emits it', async () => {
    const ctx = await setup();
    const id = await runningExecution(ctx);
    injectFault(triggerClients.eventBridge(), { command: 'PutEvents', error: crash('EventBridge is down') });
    await expect(handleStatusChange(statusEvent('execution-status-aborted.json', id), ctx.lifecycle)).rejects.toThrow('EventBridge is down');
    expect((await ctx.deps.store.getExecution(id))?.status).toBe('CANCELED');
    await handleStatusChange(statusEvent('execution-status-aborted.json', id), ctx.lifecycle);
    expect(ctx.events.inputs.length).toBeGreaterThanOrEqual(1);
  });
});

describe('pipeline triggers', () => {
  it('start the downstream pipeline once from the completed event, with the parent execution', async () => {
    const ctx = await setup();
    const id = await runningExecution(ctx);
    await handleStatusChange(statusEvent('execution-status-aborted.json', id), ctx.lifecycle);
    const detail = JSON.parse(ctx.events.inputs[0]!.Entries![0]!.Detail!) as PipelineCompletedDetail;

    const first = await handlePipelineCompleted(completedEvent(detail, 'event-1'), ctx.deps);
    expect(first.outcomes).toMatchObject([{ status: 'started', pipeline: 'shop/verify' }]);
    // Emitted twice (a retried lifecycle run): still one downstream execution.
    const second = await handlePipelineCompleted(completedEvent(detail, 'event-2'), ctx.deps);
    expect(second.outcomes).toMatchObject([{ status: 'duplicate' }]);
    const arn = ctx.machines[`shop/${downstream.id}`]!;
    const [execution] = await sfnExecutions(arn);
    const input = await executionInput(arn, execution!.name);
    expect(input.trigger).toMatchObject({
      type: 'pipeline',
      user: 'alice',
      parentPipelineId: upstream.id,
      parentStatus: 'canceled',
      parentExecution: { id, application: 'shop', name: 'build', status: 'CANCELED' },
    });
  });

  it('do not start for a status they do not list', async () => {
    const ctx = await setup();
    const detail: PipelineCompletedDetail = {
      executionId: 'parent-1',
      application: 'shop',
      pipelineId: upstream.id,
      pipelineName: 'build',
      status: 'SUCCEEDED',
      startTime: 1,
      endTime: 2,
      trigger: {},
      parameters: {},
      stages: [],
    };
    expect((await handlePipelineCompleted(completedEvent(detail), ctx.deps)).outcomes).toEqual([]);
    expect(await sfnExecutions(ctx.machines[`shop/${downstream.id}`]!)).toHaveLength(0);
    expect(
      (await handlePipelineCompleted({ source: 'gennaker', 'detail-type': COMPLETED_DETAIL_TYPE, id: 'x', detail: { status: 'WAT' } }, ctx.deps)).refused,
    ).toBeDefined();
  });
});

describe('releaseLocksHeldBy', () => {
  it('deletes exactly the holder’s items, and nothing re-taken meanwhile', async () => {
    await putLock('a', 'e1');
    await putLock('b', 'e2');
    await putLock('c', 'e1');
    expect((await releaseLocksHeldBy('e1')).sort()).toEqual(['a', 'c']);
    const left = await awsClients.dynamoClient().send(new GetCommand({ TableName: tableName('locks'), Key: { pk: 'b' } }));
    expect(left.Item?.holder).toBe('e2');
    expect(await releaseLocksHeldBy('e1')).toEqual([]);
  });
});
