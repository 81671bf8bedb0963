/**
 * The end of an execution is one module (functions/core/engine/execution-end.ts): whoever ends a
 * running execution — the API's cancel, the CLI's local cancel, the lifecycle handler after an
 * abort, a local run's own cancel — reaches the same steps: the record CANCELED once, the running
 * stage's work stopped (here, or requested from its function), one notification, the execution's
 * locks released, and (where the queue is reachable) the completed event.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Io } from '../../cli/io.js';
import { cancelLocal } from '../../cli/commands/operations.js';
import { cancelExecution as apiCancel } from '../../functions/api/operations.js';
import { dynamoClient } from '../../functions/core/aws-clients.js';
import type { EngineDeps } from '../../functions/core/engine/deps.js';
import { dispatch } from '../../functions/core/engine/dispatch.js';
import { endExecution } from '../../functions/core/engine/execution-end.js';
import { CLEANUP_KEY } from '../../functions/core/engine/stage-cleanup.js';
import { ExecutionStore } from '../../functions/core/execution-store.js';
import { MemoryNotifier } from '../../functions/core/notifications.js';
import { StaticPipelineRegistry } from '../../functions/core/pipeline-registry.js';
import { type StageImplementation, stageFields, systemClock } from '../../functions/core/stage-api.js';
import { tableName } from '../../functions/core/tables.js';
import { buildTriggerDeps } from '../../functions/triggers/deps.js';
import type { PipelineCompletedDetail } from '../../functions/triggers/lifecycle/completed-event.js';
import { handleStatusChange, lifecycleSuccessors } from '../../functions/triggers/lifecycle/lifecycle.js';
import { MemoryLog } from '../../functions/core/log.js';
import { LocalRuntime } from '../../local/runtime.js';
import { pipelineSkeleton } from '../../state-machines/compiler/payloads.js';
import { pipelineOf, statusEvent, useTriggerAws } from './triggers/support.js';

useTriggerAws();

const pipeline = pipelineOf({ stages: [{ refId: '1', name: 'Job', type: 'runJob', cluster: 'c', taskDefinition: 'td' }] });

/** The stand-in's state. */
const TASK = stageFields<{ readonly taskArn: string }>();

/** A stand-in runJob: starts a "task" and keeps running; its cancel stops it. */
function taskStage(stopped: string[]): StageImplementation {
  return {
    type: 'runJob',
    run: async () => ({ status: 'RUNNING', waitSeconds: 30, context: TASK.save({ taskArn: 'task-1' }) }),
    cancel: async (ctx) => {
      stopped.push(String(TASK.of(ctx.state).taskArn));
      return `task ${String(TASK.of(ctx.state).taskArn)} stopped`;
    },
  };
}

/** An execution whose runJob stage runs and which holds a cluster lock. */
async function runningExecution(id: string): Promise<string> {
  const deps: EngineDeps = {
    store: new ExecutionStore(),
    clock: systemClock,
    random: () => 0.5,
    notifier: new MemoryNotifier(),
    implementations: new Map([['runJob', taskStage([])]]),
    awaitPollSeconds: 1,
  };
  await dispatch({ op: 'start', executionId: id, input: { trigger: { type: 'manual', user: 'u' } }, pipeline: pipelineSkeleton(pipeline) }, deps);
  const stage = pipeline.stages[0]!;
  await dispatch(
    { op: 'run', executionId: id, stage: { refId: stage.refId, name: stage.name, type: stage.type, failurePolicy: stage.failurePolicy, config: stage.config } },
    deps,
  );
  const lock = `lock#local/us-east-1/app-${id}`;
  await dynamoClient().send(new PutCommand({ TableName: tableName('locks'), Item: { pk: lock, holder: id, stage: '1', expiresAt: 4102444800 } }));
  return lock;
}

interface Ender {
  end(id: string): Promise<void>;
}

function harness() {
  const notifier = new MemoryNotifier();
  const stopped: string[] = [];
  const requested: string[] = [];
  const completed: PipelineCompletedDetail[] = [];
  const triggers = buildTriggerDeps({ registry: new StaticPipelineRegistry([pipeline]), notifier, log: new MemoryLog() });
  const successors = lifecycleSuccessors({ registry: triggers.registry, queue: triggers.queue, events: { publish: async (d) => void completed.push(d) } });
  const cancelElsewhere = async (r: { refId: string }) => void requested.push(r.refId);
  const quiet: Io = { out: () => undefined, err: () => undefined, write: () => undefined, exit: () => undefined };
  const enders: Record<string, Ender> = {
    'the API cancel': {
      end: async (id) =>
        void (await apiCancel(
          id,
          { user: 'ops', roles: [] },
          { triggers, stopper: { stop: async () => undefined }, resume: async () => undefined, successors, cancelElsewhere },
          'wrong build',
        )),
    },
    "the CLI's local cancel": {
      end: async (id) => void (await cancelLocal(id, 'wrong build', quiet, { families: [() => [taskStage(stopped)]], notifier })),
    },
    'the lifecycle handler after an abort': {
      end: async (id) =>
        void (await handleStatusChange(statusEvent('execution-status-aborted.json', id), {
          store: triggers.store,
          clock: systemClock,
          notifier,
          registry: triggers.registry,
          queue: triggers.queue,
          events: { publish: async (d) => void completed.push(d) },
          log: new MemoryLog(),
          cancelElsewhere,
        })),
    },
  };
  return { notifier, stopped, requested, completed, enders };
}

describe('the end of an execution', () => {
  it.each(['the API cancel', "the CLI's local cancel", 'the lifecycle handler after an abort'])(
    '%s: cleanup, one notification, locks released',
    async (caller) => {
      const h = harness();
      const id = `end-${caller.replace(/\W+/g, '-')}`;
      const lock = await runningExecution(id);

      await h.enders[caller]!.end(id);

      const record = await new ExecutionStore().load(id);
      expect(record.status).toBe('CANCELED');
      const job = record.stages.find((s) => s.refId === '1')!;
      expect(job.status).toBe('CANCELED');
      // The stage's work is stopped where its implementation is loaded, else requested from its function.
      if (h.stopped.length > 0) expect(job.error).toBe('canceled: task task-1 stopped');
      else {
        expect(h.requested).toEqual(['1']);
        expect(job.context[CLEANUP_KEY]).toBe('requested');
      }
      expect(h.stopped.length + h.requested.length).toBe(1);
      expect(h.notifier.events.filter((e) => e.event === 'pipeline.failed').map((e) => e.executionId)).toEqual([id]);
      const held = await dynamoClient()
        .send(new PutCommand({ TableName: tableName('locks'), Item: { pk: lock, holder: 'next' }, ConditionExpression: 'attribute_not_exists(pk)' }))
        .then(
          () => 'free',
          () => 'held',
        );
      expect(held).toBe('free');

      // Ending it again (EventBridge redelivers; cancel and the lifecycle handler both run) changes nothing.
      await h.enders[caller]!.end(id).catch(() => undefined);
      expect(h.notifier.events.filter((e) => e.event === 'pipeline.failed')).toHaveLength(1);
      expect(h.stopped.length + h.requested.length).toBe(1);
    },
  );

  it("stops a stage's work once when the stage saves its own state while the end is written", async () => {
    const id = 'end-racing-save';
    await runningExecution(id);
    const stopped: string[] = [];
    const store = new ExecutionStore();
    const racing: StageImplementation = {
      ...taskStage(stopped),
      // The stage's poll saves its state in between: the end's stage write loses and retries.
      cancel: async (ctx) => {
        stopped.push(String(TASK.of(ctx.state).taskArn));
        const current = (await store.load(id)).stages.find((s) => s.refId === '1')!;
        const { version: _v, ...rest } = current;
        await store.putStage(id, { ...rest, context: { ...current.context, polledAt: Date.now() } }, current);
        return 'task stopped';
      },
    };
    const notifier = new MemoryNotifier();
    await cancelLocal(
      id,
      'race',
      { out: () => undefined, err: () => undefined, write: () => undefined, exit: () => undefined },
      {
        families: [() => [racing]],
        notifier,
      },
    );
    const record = await store.load(id);
    expect(record.status).toBe('CANCELED');
    expect(record.stages[0]!.status).toBe('CANCELED');
    expect(stopped).toEqual(['task-1']);
    expect(notifier.events.filter((e) => e.event === 'pipeline.failed')).toHaveLength(1);
  });

  it('a run a restart superseded ends nothing: the record, its locks and its queue belong to the newer run', async () => {
    const id = 'end-superseded';
    const lock = await runningExecution(id);
    const store = new ExecutionStore();
    const view = await store.load(id);
    const { version: _v, stages: _s, skeleton: _k, ...header } = view;
    // As restart.ts leaves it: RUNNING again, for attempt 1.
    await store.putExecution(
      { ...header, restart: { attempt: 1, stage: '1', restartedBy: 'u', restartTime: Date.now(), stages: ['1'], pending: false } },
      view,
    );
    const notifier = new MemoryNotifier();
    // The first run (attempt 0) ends late, as a local run's own end does after its state machine returns.
    const ended = await endExecution(id, { caught: { Error: 'States.Runtime' }, ofAttempt: 0 }, { store, clock: systemClock, notifier });
    expect(ended).toMatchObject({ finalised: false, released: [], started: [] });
    expect((await store.load(id)).status).toBe('RUNNING');
    expect(notifier.events).toEqual([]);
    const held = await dynamoClient()
      .send(new PutCommand({ TableName: tableName('locks'), Item: { pk: lock, holder: 'next' }, ConditionExpression: 'attribute_not_exists(pk)' }))
      .then(
        () => 'free',
        () => 'held',
      );
    expect(held).toBe('held');
    // The newer run's own end does end it.
    const own = await endExecution(id, { forced: 'CANCELED', ofAttempt: 1 }, { store, clock: systemClock, notifier });
    expect(own).toMatchObject({ finalised: true, status: 'CANCELED' });
  });

  it('a local run canceled in its own process ends the same way', async () => {
    const stopped: string[] = [];
    const notifier = new MemoryNotifier();
    const runtime = new LocalRuntime({ timeScale: 100, tickMs: 10, notifier, families: [() => [taskStage(stopped)]] });
    const run = runtime.start(pipeline, { executionId: 'end-local-run' });
    // Running, and its first call's state saved (a cancel in between would find no task to stop).
    const started = async () => {
      const stage = (await runtime.store.load('end-local-run').catch(() => undefined))?.stages[0];
      return stage?.status === 'RUNNING' && stage.context?.taskArn === 'task-1';
    };
    for (let i = 0; i < 400 && !(await started()); i++) await new Promise((r) => setTimeout(r, 25));
    await dynamoClient().send(new PutCommand({ TableName: tableName('locks'), Item: { pk: 'lock#local/us-east-1/app-run', holder: 'end-local-run' } }));
    await run.cancel('tester');
    const result = await run.result;
    expect(result.status).toBe('CANCELED');
    expect(stopped).toEqual(['task-1']);
    expect(notifier.events.filter((e) => e.event === 'pipeline.failed')).toHaveLength(1);
    const held = await dynamoClient()
      .send(
        new PutCommand({
          TableName: tableName('locks'),
          Item: { pk: 'lock#local/us-east-1/app-run', holder: 'next' },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      )
      .then(
        () => 'free',
        () => 'held',
      );
    expect(held).toBe('free');
  });
});
