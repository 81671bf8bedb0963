/**
 * A judgment cannot be stranded (issue 11 item 6): the stage keeps its task token until
 * SendTaskSuccess/Failure succeeded. A resume that fails at the SDK boundary leaves the judgment
 * recorded and the token kept, and answering the same again sends it; a different answer is refused;
 * a concurrent double answer writes the stage once and resumes the state machine once.
 */
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../functions/core/engine/dispatch.js';
import type { EngineDeps } from '../../functions/core/engine/deps.js';
import { JudgmentError, ResumeFailedError } from '../../functions/core/errors.js';
import { ExecutionStore } from '../../functions/core/execution-store.js';
import { submitJudgment, type ResumeCallback } from '../../functions/core/judgment.js';
import { MemoryNotifier } from '../../functions/core/notifications.js';
import { systemClock } from '../../functions/core/stage-api.js';
import { sfnTaskResumer } from '../../functions/core/task-resume.js';
import { sfnClient } from '../../functions/core/aws-client-factories.js';
import { flowStages } from '../../functions/stages/flow/index.js';
import { httpStatusOf } from '../../state-machines/errors.js';
import { pipelineSkeleton } from '../../state-machines/compiler/payloads.js';
import { crash, injectFault } from '../support/faults.js';
import { pipelineOf, useLocalAws } from '../support/local.js';

useLocalAws();

const pipeline = pipelineOf({
  stages: [{ refId: 'J', name: 'Approve', type: 'manualJudgment', instructions: 'Ship?', judgmentInputs: [{ value: 'ship' }] }],
});

function engineDeps(store: ExecutionStore): EngineDeps {
  const notifier = new MemoryNotifier();
  const launcher = { start: async () => ({ executionId: 'x' }), status: async () => undefined };
  return {
    store,
    clock: systemClock,
    random: () => 0.5,
    notifier,
    implementations: new Map(flowStages({ notifier, launcher }).map((i) => [i.type, i])),
    awaitPollSeconds: 1,
  };
}

/** An execution whose judgment stage waits on `token`, as the flow function leaves it. */
async function waitingJudgment(store: ExecutionStore, executionId: string, token: string): Promise<void> {
  const d = engineDeps(store);
  await dispatch({ op: 'start', executionId, input: { trigger: { type: 'manual', user: 'u' } }, pipeline: pipelineSkeleton(pipeline) }, d);
  const s = pipeline.stages[0]!;
  const stage = { refId: s.refId, name: s.name, type: s.type, failurePolicy: s.failurePolicy, sendNotifications: false, config: s.config };
  const result = await dispatch({ op: 'run', executionId, stage, taskToken: token }, d);
  expect(result).toMatchObject({ awaitingCallback: true });
  expect((await store.load(executionId)).stages[0]!.callbackToken).toBe(token);
}

const answer = (executionId: string, judgment: 'continue' | 'stop', user = 'bob') => ({ executionId, stage: 'Approve', judgment, user, roles: [] }) as const;

describe('manual judgment resume', () => {
  it('keeps the token when SendTaskSuccess fails, and answering again resumes and drops it', async () => {
    const store = new ExecutionStore();
    await waitingJudgment(store, 'j1', 'token-1');
    const sfn = sfnClient();
    const deps = { store, clock: systemClock, resume: sfnTaskResumer(sfn) };
    const fault = injectFault(sfn, { command: 'SendTaskSuccess', error: crash('connection reset') });

    const failed = await submitJudgment(answer('j1', 'continue'), deps).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ResumeFailedError);
    expect(httpStatusOf(failed)).toBe(503);
    expect((failed as Error).message).toMatch(/judgment 'continue' on 'Approve' is recorded, but resuming the pipeline failed.*answer 'continue' again/);
    const kept = (await store.load('j1')).stages[0]!;
    expect(kept).toMatchObject({ status: 'SUCCEEDED', callbackToken: 'token-1', context: { judgmentStatus: 'continue', lastModifiedBy: 'bob' } });

    // Another answer cannot flip the recorded judgment.
    await expect(submitJudgment(answer('j1', 'stop', 'eve'), deps)).rejects.toThrow(/judged 'continue' by bob; answer 'continue' to retry/);

    const retried = await submitJudgment(answer('j1', 'continue', 'carol'), deps);
    expect(fault.calls).toBe(2);
    expect(fault.triggered).toBe(1);
    expect(retried.callbackToken).toBeUndefined();
    const after = (await store.load('j1')).stages[0]!;
    expect(after.callbackToken).toBeUndefined();
    // The judgment stands as first recorded.
    expect(after.context).toMatchObject({ judgmentStatus: 'continue', lastModifiedBy: 'bob' });

    // Delivered: now the stage is simply no longer waiting.
    await expect(submitJudgment(answer('j1', 'continue'), deps)).rejects.toThrow(JudgmentError);
    expect(fault.calls).toBe(2);
    fault.remove();
  });

  it('keeps the token of a stop whose SendTaskFailure failed', async () => {
    const store = new ExecutionStore();
    await waitingJudgment(store, 'j2', 'token-2');
    const sfn = sfnClient();
    const fault = injectFault(sfn, { command: 'SendTaskFailure', error: crash() });
    const deps = { store, clock: systemClock, resume: sfnTaskResumer(sfn) };
    await expect(submitJudgment(answer('j2', 'stop'), deps)).rejects.toThrow(ResumeFailedError);
    expect((await store.load('j2')).stages[0]).toMatchObject({ status: 'TERMINAL', callbackToken: 'token-2' });
    await submitJudgment(answer('j2', 'stop'), deps);
    expect(fault.calls).toBe(2);
    expect((await store.load('j2')).stages[0]!.callbackToken).toBeUndefined();
    fault.remove();
  });

  it('resolves a concurrent double answer once: one write, one resume', async () => {
    const store = new ExecutionStore();
    await waitingJudgment(store, 'j3', 'token-3');
    // Step Functions' side: a token resumes its task once; a second use is TaskTimedOut.
    const used: string[] = [];
    const resume: ResumeCallback = async (token) => {
      await new Promise((r) => setTimeout(r, 5));
      if (used.includes(token)) throw Object.assign(new Error('Task Timed Out'), { name: 'TaskTimedOut' });
      used.push(token);
    };
    const deps = { store, clock: systemClock, resume };
    const results = await Promise.allSettled(Array.from({ length: 4 }, (_, i) => submitJudgment(answer('j3', 'continue', `judge${i}`), deps)));
    expect(used).toEqual(['token-3']);
    const stage = (await store.load('j3')).stages[0]!;
    expect(stage.callbackToken).toBeUndefined();
    expect(stage.status).toBe('SUCCEEDED');
    // Every answer that succeeded reports the one recorded judge; the others were told it is no longer waiting.
    const judges = new Set(results.flatMap((r) => (r.status === 'fulfilled' ? [String(r.value.context.lastModifiedBy)] : [])));
    expect(judges).toEqual(new Set([String(stage.context.lastModifiedBy)]));
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(JudgmentError);
  });

  it('refuses opposite concurrent answers but one', async () => {
    const store = new ExecutionStore();
    await waitingJudgment(store, 'j4', 'token-4');
    const sent: string[] = [];
    const deps = { store, clock: systemClock, resume: (async (token) => void sent.push(token)) as ResumeCallback };
    const results = await Promise.allSettled([submitJudgment(answer('j4', 'continue'), deps), submitJudgment(answer('j4', 'stop'), deps)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(sent).toEqual(['token-4']);
  });
});
