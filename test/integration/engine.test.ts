/**
 * The engine against DynamoDB in the emulator: Step Functions may deliver a Task twice (retry after
 * a timeout or crash), so every operation must converge and never corrupt the record.
 */
import { describe, expect, it } from 'vitest';
import { engineCall } from '../../functions/core/engine/dispatch.js';
import type { EngineResult } from '../../state-machines/contract/engine.js';
import type { EngineDeps } from '../../functions/core/engine/deps.js';
import { InvalidInputError } from '../../functions/core/errors.js';
import { ExecutionStore } from '../../functions/core/execution-store.js';
import { MemoryNotifier } from '../../functions/core/notifications.js';
import { pauseRunning, resumeRunning } from '../../functions/core/pause.js';
import { recordNotificationTargets } from '../../functions/core/record-notification-targets.js';
import { systemClock } from '../../functions/core/stage-api.js';
import { flowStages } from '../../functions/stages/flow/index.js';
import { pipelineSkeleton } from '../../state-machines/compiler/payloads.js';
import { pipelineOf, useLocalAws } from '../support/local.js';

useLocalAws();

/** An engine call's result, with the signal its Task fails with when the branch cannot go on. */
async function dispatch(payload: unknown, d: EngineDeps): Promise<EngineResult & { signal?: string }> {
  const { result, answer } = await engineCall(payload, d);
  return answer.kind === 'failure' ? { ...result, signal: answer.error } : result;
}

function deps(): EngineDeps & { notifier: MemoryNotifier } {
  const notifier = new MemoryNotifier();
  const launcher = { start: async () => ({ executionId: 'x' }), status: async () => undefined };
  return {
    store: new ExecutionStore(),
    clock: systemClock,
    random: () => 0.5,
    notifier,
    implementations: new Map(flowStages({ notifier, launcher }).map((i) => [i.type, i])),
    awaitPollSeconds: 1,
  };
}

const pipeline = pipelineOf({
  parameterConfig: [{ name: 'env', default: 'staging' }],
  stages: [
    { refId: '1', name: 'Vars', type: 'evaluateVariables', variables: [{ key: 'x', value: '${parameters.env}' }] },
    {
      refId: '2',
      name: 'Check',
      type: 'checkPreconditions',
      requisiteStageRefIds: ['1'],
      preconditions: [{ type: 'expression', context: { expression: '${false}' } }],
    },
  ],
});
const stagePayload = (i: number) => {
  const s = pipeline.stages[i]!;
  return { refId: s.refId, name: s.name, type: s.type, failurePolicy: s.failurePolicy, sendNotifications: false, config: s.config };
};
const start = (executionId: string) => ({ op: 'start', executionId, input: { trigger: { type: 'manual', user: 'u' } }, pipeline: pipelineSkeleton(pipeline) });

describe('engine idempotency', () => {
  it('creates the record once however often start is delivered', async () => {
    const d = deps();
    await Promise.all([dispatch(start('e1'), d), dispatch(start('e1'), d), dispatch(start('e1'), d)]);
    const record = await d.store.load('e1');
    expect(record.version).toBe(1);
    expect(record.parameters).toEqual({ env: 'staging' });
    expect(d.notifier.events.filter((e) => e.event === 'pipeline.starting')).toHaveLength(1);
  });

  it('returns the recorded result when a finished stage is run again', async () => {
    const d = deps();
    await dispatch(start('e2'), d);
    const first = await dispatch({ op: 'run', executionId: 'e2', stage: stagePayload(0) }, d);
    const before = await d.store.load('e2');
    const again = await dispatch({ op: 'run', executionId: 'e2', stage: stagePayload(0) }, d);
    const after = await d.store.load('e2');
    expect(first).toEqual({ status: 'SUCCEEDED', refId: '1' });
    expect(again).toEqual(first);
    expect(after.stages[0]).toEqual(before.stages[0]);
    expect(after.stages[0]!.outputs).toEqual({ x: 'staging' });
  });

  it('converges when the same stage is delivered concurrently', async () => {
    const d = deps();
    await dispatch(start('e3'), d);
    const results = await Promise.all(Array.from({ length: 5 }, () => dispatch({ op: 'run', executionId: 'e3', stage: stagePayload(0) }, d)));
    expect(new Set(results.map((r) => r.status))).toEqual(new Set(['SUCCEEDED']));
    const record = await d.store.load('e3');
    expect(record.stages[0]!.status).toBe('SUCCEEDED');
  });

  it('records a failure once, by the failure options, even if the catch runs twice', async () => {
    const d = deps();
    await dispatch(start('e4'), d);
    await dispatch({ op: 'run', executionId: 'e4', stage: stagePayload(0) }, d);
    const error = { Error: 'Lambda.Unknown', Cause: JSON.stringify({ errorType: 'Error', errorMessage: 'out of memory' }) };
    const stages = [stagePayload(0), stagePayload(1)].map(({ config: _c, ...identity }) => identity);
    const a = await dispatch({ op: 'record', executionId: 'e4', stages, error }, d);
    const b = await dispatch({ op: 'record', executionId: 'e4', stages, error: { Error: 'other' } }, d);
    expect(a).toEqual({ status: 'TERMINAL', refId: '2', signal: 'Gennaker.HaltPipeline' });
    expect(b).toEqual({ status: 'TERMINAL', refId: '2', signal: 'Gennaker.HaltPipeline' });
    const stage = (await d.store.load('e4')).stages[1]!;
    expect(stage.error).toBe('Error: out of memory');
  });

  it('finalises once: complete twice gives one status and one notification', async () => {
    const d = deps();
    await dispatch(start('e5'), d);
    await dispatch({ op: 'run', executionId: 'e5', stage: stagePayload(0) }, d);
    await dispatch({ op: 'run', executionId: 'e5', stage: stagePayload(1) }, d);
    const [a, b] = await Promise.all([
      dispatch({ op: 'complete', executionId: 'e5', caught: false }, d),
      dispatch({ op: 'complete', executionId: 'e5', caught: false }, d),
    ]);
    expect(a).toMatchObject({ status: 'TERMINAL', signal: 'Gennaker.PipelineFailed' });
    expect(b).toMatchObject({ status: 'TERMINAL', signal: 'Gennaker.PipelineFailed' });
    expect(d.notifier.events.filter((e) => e.event === 'pipeline.failed')).toHaveLength(1);
  });

  it('refuses a malformed payload with a clear error', async () => {
    await expect(dispatch({ op: 'run', executionId: 'e6' }, deps())).rejects.toThrow(InvalidInputError);
    await expect(dispatch({ op: 'explode' }, deps())).rejects.toThrow(/invalid engine payload/);
  });
});

describe('notification settings from the record', () => {
  it("delivers a stage event to the stage's own notification settings, and a pipeline event to the pipeline's", async () => {
    const withSettings = pipelineOf({
      notifications: [{ type: 'email', address: 'team@example.com', level: 'pipeline', when: ['pipeline.failed'] }],
      stages: [
        {
          refId: '1',
          name: 'Gate',
          type: 'checkPreconditions',
          sendNotifications: true,
          notifications: [{ type: 'slack', address: '#deploys', level: 'stage', when: ['stage.failed'], message: { 'stage.failed': { text: 'gate closed' } } }],
          preconditions: [{ type: 'expression', context: { expression: '${false}' } }],
        },
      ],
    });
    const d = deps();
    const notifier = new MemoryNotifier(undefined, recordNotificationTargets(d.store));
    const withTargets = { ...d, notifier };
    await dispatch({ op: 'start', executionId: 'n1', input: {}, pipeline: pipelineSkeleton(withSettings) }, withTargets);
    const s = withSettings.stages[0]!;
    await dispatch(
      {
        op: 'run',
        executionId: 'n1',
        stage: { refId: s.refId, name: s.name, type: s.type, failurePolicy: s.failurePolicy, sendNotifications: true, config: s.config },
      },
      withTargets,
    );
    await dispatch({ op: 'complete', executionId: 'n1', caught: false }, withTargets);
    expect(notifier.deliveries.map((x) => [x.event.event, x.target.type, x.target.address, x.target.text])).toEqual([
      ['stage.failed', 'slack', '#deploys', 'gate closed'],
      ['pipeline.failed', 'email', 'team@example.com', undefined],
    ]);
  });
});

describe('a paused execution', () => {
  it('GIVEN a paused execution WHEN a stage without a wait loop is called THEN it holds, raises Gennaker.Paused for the Retry, and runs once resumed', async () => {
    const d = { ...deps(), pause: { holdMs: 300, checkMs: 50 } };
    await dispatch(start('p1'), d);
    await pauseRunning(d.store, d.clock, 'p1', 'alice');
    // The Task fails with Gennaker.Paused, which its Retry matches.
    expect(await dispatch({ op: 'run', executionId: 'p1', stage: stagePayload(0) }, d)).toMatchObject({ signal: 'Gennaker.Paused' });
    expect((await d.store.load('p1')).stages[0]!.status).toBe('NOT_STARTED');

    const long = { ...d, pause: { holdMs: 10_000, checkMs: 50 } };
    const call = dispatch({ op: 'run', executionId: 'p1', stage: stagePayload(0) }, long);
    await new Promise((r) => setTimeout(r, 300));
    expect((await d.store.load('p1')).stages[0]!.status).toBe('NOT_STARTED');
    await resumeRunning(d.store, d.clock, 'p1', 'bob');
    expect(await call).toEqual({ status: 'SUCCEEDED', refId: '1' });
    expect((await d.store.getExecution('p1'))?.paused).toMatchObject({ pausedBy: 'alice', resumedBy: 'bob' });
  });

  it('tells a stage with a wait loop to check again later, without calling its implementation', async () => {
    const d = { ...deps(), pause: { pollSeconds: 7 } };
    await dispatch(start('p2'), d);
    await pauseRunning(d.store, d.clock, 'p2', 'alice');
    const wait = { refId: '9', name: 'Soak', type: 'wait', failurePolicy: 'haltPipeline', sendNotifications: false, config: { waitTime: 1 } };
    expect(await dispatch({ op: 'run', executionId: 'p2', stage: wait }, d)).toEqual({ status: 'NOT_STARTED', waitSeconds: 7, refId: '9' });
  });
});
