/**
 * The engine families' Lambda entry. A stage that failed, halted or routed its pipeline ends its
 * Task through the task token (SendTaskFailure with the signal, to a real HTTP server standing in
 * for Step Functions) while the function itself returns normally: Lambda reports no function
 * error, so its `Errors` metric and the alarm on it see only what nobody expected.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SFNClient } from '@aws-sdk/client-sfn';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EngineDeps } from '../../functions/core/engine/deps.js';
import { ExecutionStore } from '../../functions/core/execution-store.js';
import { engineHandler } from '../../functions/core/lambda-handler.js';
import { recordEngineCall } from '../../functions/core/metrics.js';
import { MemoryNotifier } from '../../functions/core/notifications.js';
import { type StageImplementation, systemClock } from '../../functions/core/stage-api.js';
import { sfnTaskAnswerer } from '../../functions/core/task-resume.js';
import { flowStages } from '../../functions/stages/flow/index.js';
import { compilePipeline } from '../../state-machines/compiler/compile.js';
import type { AslState } from '../../state-machines/compiler/asl.js';
import { pipelineSkeleton } from '../../state-machines/compiler/payloads.js';
import { statesOfType } from '../../local/asl-walk.js';
import { pipelineOf, useLocalAws } from '../support/local.js';

useLocalAws();

/** Step Functions' SendTask* API as a real server: records what it was told, answers as the service does. */
interface Answer {
  readonly action: string;
  readonly body: { taskToken: string; error?: string; cause?: string; output?: string };
}
let server: Server;
const answers: Answer[] = [];
let sfn: SFNClient;
beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const action = String(req.headers['x-amz-target'] ?? '').replace('AWSStepFunctions.', '');
      const body = JSON.parse(text) as Answer['body'];
      answers.push({ action, body });
      // A token whose Task is gone (timed out, replaced by a retry) is refused like this.
      if (body.taskToken === 'gone') {
        res
          .writeHead(400, { 'content-type': 'application/x-amz-json-1.0' })
          .end(JSON.stringify({ __type: 'com.amazonaws.states#TaskTimedOut', message: 'timed out' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sfn = new SFNClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  sfn.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const notifier = new MemoryNotifier();
const launcher = { start: async () => ({ executionId: 'x' }), status: async () => undefined };
const deps =
  (extra: StageImplementation[] = []) =>
  (): EngineDeps => ({
    store: new ExecutionStore(),
    clock: systemClock,
    random: () => 0.5,
    notifier,
    implementations: new Map([...flowStages({ notifier, launcher }), ...extra].map((i) => [i.type, i])),
    awaitPollSeconds: 1,
  });
const context = {} as Context;
const failing = (refId: string, options: Record<string, unknown>) => ({
  refId,
  name: `Fail ${refId}`,
  type: 'checkPreconditions',
  preconditions: [{ type: 'expression', context: { expression: '${1 == 2}', failureMessage: 'one is not two' } }],
  ...options,
});
const pipeline = pipelineOf({
  stages: [
    failing('halt', { failPipeline: true }),
    failing('branch', { failPipeline: false, continuePipeline: false }),
    failing('then', { failPipeline: false, continuePipeline: false, completeOtherBranchesThenFail: true }),
    failing('ignore', { failPipeline: false, continuePipeline: true }),
    { refId: 'crash', name: 'Crash', type: 'wait', waitTime: 1 },
  ],
});

/** The Payload the compiled Task sends for a stage, with the token Step Functions puts in. */
function compiledPayload(stageName: string, executionId: string, taskToken: string): Record<string, unknown> {
  const state = statesOfType(compilePipeline(pipeline) as never, 'Task').find((s) => s.name === stageName)!.state as unknown as Extract<
    AslState,
    { Type: 'Task' }
  >;
  expect(state.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
  const template = (state.Parameters as { Payload: Record<string, unknown> }).Payload;
  const filled = Object.entries(template).map(([key, value]) =>
    key === 'executionId.$' ? ['executionId', executionId] : key === 'taskToken.$' ? ['taskToken', taskToken] : [key, value],
  );
  return Object.fromEntries(filled) as Record<string, unknown>;
}

async function started(executionId: string, handler: ReturnType<typeof engineHandler>): Promise<void> {
  await handler({ op: 'start', executionId, input: {}, pipeline: pipelineSkeleton(pipeline) }, context);
}

describe('engineHandler: business outcomes are not function errors', () => {
  it.each([
    ['Fail halt', 'Gennaker.HaltPipeline'],
    ['Fail branch', 'Gennaker.HaltBranch'],
    ['Fail then', 'Gennaker.CompleteThenFail'],
  ])('%s: the function returns normally and the Task fails with %s through its token', async (stage, signal) => {
    const handler = engineHandler(deps(), { answerTask: sfnTaskAnswerer(sfn) });
    const executionId = `lh-${stage.replace(' ', '-')}`;
    await started(executionId, handler);
    answers.length = 0;
    // Lambda reports a function error exactly when the handler rejects.
    const result = await handler(compiledPayload(stage, executionId, `token-${stage}`), context);
    expect(result.status).toMatch(/TERMINAL|STOPPED/);
    expect(answers).toEqual([{ action: 'SendTaskFailure', body: { taskToken: `token-${stage}`, error: signal, cause: expect.any(String) } }]);
  });

  it('answers a stage that may be ignored, and the pipeline that failed, the same way', async () => {
    const handler = engineHandler(deps(), { answerTask: sfnTaskAnswerer(sfn) });
    await started('lh-ignore', handler);
    answers.length = 0;
    await expect(handler(compiledPayload('Fail ignore', 'lh-ignore', 'token-i'), context)).resolves.toMatchObject({ status: 'FAILED_CONTINUE' });
    await expect(handler(compiledPayload('Fail halt', 'lh-ignore', 'token-h'), context)).resolves.toMatchObject({ status: 'TERMINAL' });
    const complete = compilePipeline(pipeline).States['Complete pipeline'] as Extract<AslState, { Type: 'Task' }>;
    expect(complete.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    await expect(
      handler({ op: 'complete', executionId: 'lh-ignore', caught: { Error: 'Gennaker.HaltPipeline', Cause: 'x' }, taskToken: 'token-c' }, context),
    ).resolves.toMatchObject({
      status: 'TERMINAL',
    });
    expect(answers.map((a) => [a.action, a.body.taskToken, a.body.error])).toEqual([
      ['SendTaskSuccess', 'token-i', undefined],
      ['SendTaskFailure', 'token-h', 'Gennaker.HaltPipeline'],
      ['SendTaskFailure', 'token-c', 'Gennaker.PipelineFailed'],
    ]);
    expect(JSON.parse(answers[0]!.body.output!)).toMatchObject({ status: 'FAILED_CONTINUE', refId: 'ignore' });
  });

  it('fails the function itself only for what nobody expected: a stage implementation that crashes', async () => {
    const crashing: StageImplementation = { type: 'wait', run: () => Promise.reject(new Error('wait implementation bug')) };
    const handler = engineHandler(deps([crashing]), { answerTask: sfnTaskAnswerer(sfn) });
    await started('lh-crash', handler);
    answers.length = 0;
    await expect(handler(compiledPayload('Crash', 'lh-crash', 'token-x'), context)).rejects.toThrow('wait implementation bug');
    // The token stays unanswered: the function error fails the Task (and its Retry and Catch apply).
    expect(answers).toEqual([]);
  });

  it('takes a token whose Task is gone (timed out, replaced by a retry) as answered', async () => {
    const handler = engineHandler(deps(), { answerTask: sfnTaskAnswerer(sfn) });
    await started('lh-gone', handler);
    answers.length = 0;
    await expect(handler(compiledPayload('Fail halt', 'lh-gone', 'gone'), context)).resolves.toMatchObject({ status: 'TERMINAL' });
    expect(answers.map((a) => a.action)).toEqual(['SendTaskFailure']);
  });

  it('raises the signal as its own error only for a call without a token (a definition compiled before Tasks carried one)', async () => {
    const handler = engineHandler(deps(), { answerTask: sfnTaskAnswerer(sfn) });
    await started('lh-legacy', handler);
    const { taskToken: _token, ...payload } = compiledPayload('Fail halt', 'lh-legacy', 'unused');
    await expect(handler(payload, context)).rejects.toMatchObject({ name: 'Gennaker.HaltPipeline' });
  });
});

describe('engine metrics', () => {
  /** The embedded-metric-format documents a Metrics instance publishes. */
  function captured(metrics: Metrics): Array<Record<string, unknown>> {
    const published: Array<Record<string, unknown>> = [];
    vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(function (this: Metrics) {
      published.push(this.serializeMetrics());
      this.clearMetrics();
      this.clearDimensions();
      return this;
    });
    return published;
  }

  it('counts a pipeline that ended, by status, and writes nothing for calls that end nothing', async () => {
    const metrics = new Metrics({ namespace: 'GennakerTest', serviceName: 'test' });
    const published = captured(metrics);
    const handler = engineHandler(deps(), { metrics, answerTask: sfnTaskAnswerer(sfn) });
    await handler({ op: 'start', executionId: 'lh-3', input: {}, pipeline: pipelineSkeleton(pipeline) }, context);
    expect(published).toEqual([]);
    await handler({ op: 'complete', executionId: 'lh-3', caught: false, taskToken: 't-3' }, context);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ status: 'SUCCEEDED', PipelinesEnded: 1 });
    const directives = (published[0]!._aws as { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][] }> }).CloudWatchMetrics[0]!;
    expect(directives.Namespace).toBe('GennakerTest');
    expect(directives.Dimensions[0]).toEqual(expect.arrayContaining(['status']));
  });

  it('counts a pipeline that did not succeed by status, answering its Task with the named signal', async () => {
    const metrics = new Metrics({ namespace: 'GennakerTest', serviceName: 'test' });
    const published = captured(metrics);
    const handler = engineHandler(deps(), { metrics, answerTask: sfnTaskAnswerer(sfn) });
    await handler({ op: 'start', executionId: 'lh-4', input: {}, pipeline: pipelineSkeleton(pipeline) }, context);
    answers.length = 0;
    const failed = { Error: 'States.TaskFailed', Cause: 'boom' };
    await expect(handler({ op: 'complete', executionId: 'lh-4', caught: failed, taskToken: 't-4' }, context)).resolves.toMatchObject({ status: 'TERMINAL' });
    expect(published).toEqual([expect.objectContaining({ status: 'TERMINAL', PipelinesEnded: 1 })]);
    expect(answers.map((a) => [a.action, a.body.error])).toEqual([['SendTaskFailure', 'Gennaker.PipelineFailed']]);
  });

  it('counts a stage that ended by status and stage type, and no poll', () => {
    const metrics = new Metrics({ namespace: 'GennakerTest', serviceName: 'test' });
    const published = captured(metrics);
    recordEngineCall(metrics, { op: 'run', stageType: 'deploy', status: 'RUNNING' });
    recordEngineCall(metrics, { op: 'start', status: 'RUNNING' });
    expect(published).toEqual([]);
    recordEngineCall(metrics, { op: 'run', stageType: 'deploy', status: 'TERMINAL' });
    expect(published).toEqual([expect.objectContaining({ status: 'TERMINAL', stageType: 'deploy', StagesEnded: 1 })]);
  });
});
