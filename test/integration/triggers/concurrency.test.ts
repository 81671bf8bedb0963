/**
 * Orca's concurrency policy against the emulator: limitConcurrent, maxConcurrentExecutions and
 * keepWaitingPipelines, with triggers arriving at once, and waiting runs started by the lifecycle
 * handler when a running one ends.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { awsClients } from '../../../functions/core/aws-clients.js';
import { tableName } from '../../../functions/core/tables.js';
import { handleStatusChange, type LifecycleDeps } from '../../../functions/triggers/lifecycle/lifecycle.js';
import { triggerManually } from '../../../functions/triggers/manual/manual.js';
import type { Pipeline } from '../../../state-machines/model/pipeline.js';
import {
  deployStateMachines,
  lifecycleDepsOf,
  pipelineOf,
  runStartStep,
  sfnExecutions,
  statusEvent,
  type TestDeps,
  triggerDeps,
  useTriggerAws,
  WAIT_STAGE,
} from './support.js';

useTriggerAws();

function pipelineWith(name: string, policy: { limitConcurrent?: boolean; maxConcurrentExecutions?: number; keepWaitingPipelines?: boolean }): Pipeline {
  return pipelineOf({ application: 'conc', name, ...policy, stages: WAIT_STAGE });
}

async function setup(pipeline: Pipeline): Promise<{ deps: TestDeps; arn: string; lifecycle: LifecycleDeps }> {
  const machines = await deployStateMachines([pipeline]);
  const deps = triggerDeps([pipeline]);
  return { deps, arn: machines[`conc/${pipeline.id}`]!, lifecycle: lifecycleDepsOf(deps) };
}

const trigger = (deps: TestDeps, pipeline: Pipeline, n: number) =>
  triggerManually({ application: 'conc', pipeline: pipeline.name, user: `user${n}`, parameters: { n: String(n) } }, deps);

async function statuses(deps: TestDeps, ids: readonly string[]): Promise<string[]> {
  return Promise.all(ids.map(async (id) => (await deps.store.getExecution(id))?.status ?? 'none'));
}

/** The running execution ends: its record exists (start step) and its status change arrives. */
async function finish(ctx: { arn: string; lifecycle: LifecycleDeps }, pipeline: Pipeline, executionId: string, file = 'execution-status-succeeded.json') {
  if (!(await ctx.lifecycle.store.getExecution(executionId))) await runStartStep(ctx.arn, executionId, pipeline);
  return handleStatusChange(statusEvent(file, executionId, ctx.arn), ctx.lifecycle);
}

describe('limitConcurrent (one at a time)', () => {
  const pipeline = pipelineWith('single', { limitConcurrent: true, keepWaitingPipelines: true });

  it('starts exactly one of many simultaneous triggers; the others wait as NOT_STARTED records', async () => {
    const ctx = await setup(pipeline);
    const results = await Promise.all(Array.from({ length: 12 }, (_, n) => trigger(ctx.deps, pipeline, n)));
    expect(results.filter((r) => r.status === 'started')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'waiting')).toHaveLength(11);
    expect(await sfnExecutions(ctx.arn)).toHaveLength(1);
    const waiting = results.filter((r) => r.status === 'waiting').map((r) => r.executionId);
    expect(new Set(await statuses(ctx.deps, waiting))).toEqual(new Set(['NOT_STARTED']));
    const record = (await ctx.deps.store.getExecution(waiting[0]!)) as unknown as Record<string, unknown>;
    expect(record.launch).toMatchObject({ application: 'conc', executionId: waiting[0], trigger: { type: 'manual' } });
  });

  it('records a waiting run with the same skeleton as a run that starts at once (stage notifications kept)', async () => {
    const notifying = pipelineOf({
      application: 'conc',
      name: 'notifying',
      limitConcurrent: true,
      keepWaitingPipelines: true,
      notifications: [{ type: 'email', address: 'team@example.com', level: 'pipeline', when: ['pipeline.failed'] }],
      stages: [
        {
          refId: '1',
          type: 'wait',
          name: 'Wait',
          waitTime: 1,
          sendNotifications: true,
          notifications: [{ type: 'email', address: 'ops@example.com', level: 'stage', when: ['stage.failed'] }],
        },
        { refId: '2', type: 'wait', name: 'Then', waitTime: 1, requisiteStageRefIds: ['1'] },
      ],
    });
    const ctx = await setup(notifying);
    const a = await trigger(ctx.deps, notifying, 1);
    const b = await trigger(ctx.deps, notifying, 2);
    expect([a.status, b.status]).toEqual(['started', 'waiting']);
    await runStartStep(ctx.arn, a.executionId, notifying);
    const started = await ctx.deps.store.load(a.executionId);
    const waiting = await ctx.deps.store.load(b.executionId);
    expect(waiting.skeleton).toEqual(started.skeleton);
    expect(waiting.skeleton[0]!.notifications).toEqual([{ type: 'email', address: 'ops@example.com', level: 'stage', when: ['stage.failed'] }]);
    expect(waiting.notifications).toEqual(started.notifications);
    expect(waiting.trigger).toMatchObject({ type: 'manual', user: 'user2', parameters: { n: '2' } });
  });

  it('starts waiting runs first in, first out as running ones finish', async () => {
    const ctx = await setup(pipeline);
    const a = await trigger(ctx.deps, pipeline, 1);
    const b = await trigger(ctx.deps, pipeline, 2);
    const c = await trigger(ctx.deps, pipeline, 3);
    expect([a.status, b.status, c.status]).toEqual(['started', 'waiting', 'waiting']);

    const first = await finish(ctx, pipeline, a.executionId);
    expect(first.started).toEqual([b.executionId]);
    expect(await statuses(ctx.deps, [a.executionId, b.executionId, c.executionId])).toEqual(['SUCCEEDED', 'RUNNING', 'NOT_STARTED']);
    expect((await sfnExecutions(ctx.arn)).map((e) => e.name).sort()).toEqual([a.executionId, b.executionId].sort());
    expect(ctx.deps.notifier.events.filter((e) => e.event === 'pipeline.starting' && e.executionId === b.executionId)).toHaveLength(1);

    // The claimed record already exists when the state machine's start step runs: it stays RUNNING.
    await runStartStep(ctx.arn, b.executionId, pipeline);
    expect((await ctx.deps.store.getExecution(b.executionId))?.status).toBe('RUNNING');

    const second = await finish(ctx, pipeline, b.executionId, 'execution-status-aborted.json');
    expect(second.started).toEqual([c.executionId]);
    expect(await statuses(ctx.deps, [b.executionId, c.executionId])).toEqual(['CANCELED', 'RUNNING']);
  });

  it('a duplicate status change does not start a second waiting run', async () => {
    const ctx = await setup(pipeline);
    const a = await trigger(ctx.deps, pipeline, 1);
    const b = await trigger(ctx.deps, pipeline, 2);
    const c = await trigger(ctx.deps, pipeline, 3);
    const results = await Promise.all([finish(ctx, pipeline, a.executionId), finish(ctx, pipeline, a.executionId)]);
    expect(results.flatMap((r) => r.started ?? [])).toEqual([b.executionId]);
    expect(await statuses(ctx.deps, [b.executionId, c.executionId])).toEqual(['RUNNING', 'NOT_STARTED']);
  });

  it('takes over the slot of an execution that ended without releasing it', async () => {
    const ctx = await setup(pipeline);
    const a = await trigger(ctx.deps, pipeline, 1);
    await runStartStep(ctx.arn, a.executionId, pipeline);
    const record = (await ctx.deps.store.getExecution(a.executionId))!;
    const { version: _v, ...rest } = record;
    await ctx.deps.store.putExecution({ ...rest, status: 'TERMINAL', endTime: Date.now() }, record); // its lifecycle event was lost
    const b = await trigger(ctx.deps, pipeline, 2);
    expect(b.status).toBe('started');
  });

  it('can pause and resume a waiting run', async () => {
    const ctx = await setup(pipeline);
    const a = await trigger(ctx.deps, pipeline, 1);
    const b = await trigger(ctx.deps, pipeline, 2);
    await ctx.deps.queue.pause(b.executionId, 'ops');
    expect((await finish(ctx, pipeline, a.executionId)).started).toEqual([]);
    expect(await statuses(ctx.deps, [b.executionId])).toEqual(['PAUSED']);
    const resumed = await ctx.deps.queue.resume(b.executionId, 'ops');
    expect(resumed.started).toBe(true);
    expect(await statuses(ctx.deps, [b.executionId])).toEqual(['RUNNING']);
    await expect(ctx.deps.queue.pause(b.executionId, 'ops')).rejects.toThrow(/only runs waiting/);
  });
});

describe('keepWaitingPipelines off (only the newest waits)', () => {
  const pipeline = pipelineWith('newest', { limitConcurrent: true, keepWaitingPipelines: false });

  it('cancels the older waiting run when a newer one queues', async () => {
    const ctx = await setup(pipeline);
    const a = await trigger(ctx.deps, pipeline, 1);
    const b = await trigger(ctx.deps, pipeline, 2);
    const c = await trigger(ctx.deps, pipeline, 3);
    // a runs (its record appears when the state machine's start step runs), b was superseded by c.
    expect(await statuses(ctx.deps, [a.executionId, b.executionId, c.executionId])).toEqual(['none', 'CANCELED', 'NOT_STARTED']);
    expect((await ctx.deps.store.getExecution(b.executionId))?.error).toContain('keepWaitingPipelines is off');
    expect((await finish(ctx, pipeline, a.executionId)).started).toEqual([c.executionId]);
  });

  it('leaves at most one waiting run of many simultaneous triggers', async () => {
    const ctx = await setup(pipeline);
    const results = await Promise.all(Array.from({ length: 10 }, (_, n) => trigger(ctx.deps, pipeline, n)));
    const runningOrWaiting = results.filter((r) => r.status === 'started');
    expect(runningOrWaiting).toHaveLength(1);
    const waitingIds = results.filter((r) => r.status === 'waiting').map((r) => r.executionId);
    const after = await statuses(ctx.deps, waitingIds);
    expect(after.filter((s) => s === 'NOT_STARTED').length).toBeLessThanOrEqual(1);
    // Whatever the index showed each enqueuer, the next start picks the newest and cancels the rest.
    const done = await finish(ctx, pipeline, runningOrWaiting[0]!.executionId);
    expect(done.started).toHaveLength(1);
    const final = await statuses(ctx.deps, waitingIds);
    expect(final.filter((s) => s === 'RUNNING')).toHaveLength(1);
    expect(final.filter((s) => s === 'NOT_STARTED')).toHaveLength(0);
    expect(await sfnExecutions(ctx.arn)).toHaveLength(2);
  });
});

describe('maxConcurrentExecutions', () => {
  it('runs at most N at once and starts waiting runs as slots free up', async () => {
    const pipeline = pipelineWith('three', { limitConcurrent: false, maxConcurrentExecutions: 3, keepWaitingPipelines: true });
    const ctx = await setup(pipeline);
    const results = await Promise.all(Array.from({ length: 8 }, (_, n) => trigger(ctx.deps, pipeline, n)));
    const started = results.filter((r) => r.status === 'started');
    expect(started).toHaveLength(3);
    expect(await sfnExecutions(ctx.arn)).toHaveLength(3);
    const done = await finish(ctx, pipeline, started[0]!.executionId);
    expect(done.started).toHaveLength(1);
    expect(await sfnExecutions(ctx.arn)).toHaveLength(4);
  });
});

describe('no limit', () => {
  it('starts every trigger at once', async () => {
    const pipeline = pipelineWith('free', { limitConcurrent: false });
    const ctx = await setup(pipeline);
    const results = await Promise.all(Array.from({ length: 8 }, (_, n) => trigger(ctx.deps, pipeline, n)));
    expect(results.every((r) => r.status === 'started')).toBe(true);
    expect(await sfnExecutions(ctx.arn)).toHaveLength(8);
    // No slot bookkeeping when there is no limit.
    const { Items } = await awsClients.dynamoClient().send(new ScanCommand({ TableName: tableName('locks') }));
    expect(Items).toEqual([]);
  });
});

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a start cut short after the claim', () => {
  const pipeline = pipelineWith('crash', { limitConcurrent: true, keepWaitingPipelines: true });

  it('is started by the next trigger that finds its slot taken, once the claiming function must be gone', async () => {
    let offset = 0;
    const clock = { now: () => Date.now() + offset };
    const machines = await deployStateMachines([pipeline]);
    const arn = machines[`conc/${pipeline.id}`]!;
    const deps = triggerDeps([pipeline], { clock });
    const lifecycle = lifecycleDepsOf(deps);
    const a = await trigger(deps, pipeline, 1);
    const b = await trigger(deps, pipeline, 2);
    expect(b.status).toBe('waiting');

    // a ends; the lifecycle function claims b and then never gets past StartExecution (it timed
    // out or crashed: nothing after the claim runs, not the re-queue, not the slot release).
    const sfn = awsClients.sfnClient();
    let frozen = 0;
    sfn.middlewareStack.add(
      (next, context) => async (args) => {
        if ((context as { commandName?: string }).commandName !== 'StartExecutionCommand') return next(args);
        frozen += 1;
        return new Promise<never>(() => undefined);
      },
      { step: 'initialize', name: 'frozenStart' },
    );
    void finish({ arn, lifecycle }, pipeline, a.executionId);
    try {
      await until(async () => frozen > 0);
    } finally {
      sfn.middlewareStack.remove('frozenStart');
    }
    const stuck = (await deps.store.getExecution(b.executionId))!;
    expect(stuck.status).toBe('RUNNING');
    expect(stuck.pendingLaunch).toMatchObject({ executionId: b.executionId });
    expect((await sfnExecutions(arn)).map((e) => e.name)).not.toContain(b.executionId);

    // Soon after, the next trigger waits behind b and leaves b alone (its claimer may still be at work).
    const c = await trigger(deps, pipeline, 3);
    expect(c.status).toBe('waiting');
    expect((await sfnExecutions(arn)).map((e) => e.name)).not.toContain(b.executionId);

    // Later, one that finds b's slot taken starts b (the same execution name: at most once).
    offset = 3 * 60_000;
    const d = await trigger(deps, pipeline, 4);
    expect(d.status).toBe('waiting');
    expect((await sfnExecutions(arn)).filter((e) => e.name === b.executionId)).toHaveLength(1);
    expect((await deps.store.getExecution(b.executionId))?.pendingLaunch).toBeUndefined();
    expect(await statuses(deps, [b.executionId, c.executionId, d.executionId])).toEqual(['RUNNING', 'NOT_STARTED', 'NOT_STARTED']);
  });
});
