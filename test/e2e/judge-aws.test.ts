/**
 * `gennaker judge` against a deployed stack answers the waiting Task's token as the API does: a
 * continue is SendTaskSuccess, a stop that halts the pipeline is SendTaskFailure with the signal the
 * compiled Catch routes (a SendTaskSuccess would let the state machine run on past a stopped
 * judgment). The CLI runs as a user runs it, in AWS mode (credentials, no AWS_ENDPOINT_URL, outside
 * any project), with DynamoDB on the emulator and Step Functions a real HTTP server on 127.0.0.1.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../functions/core/engine/dispatch.js';
import type { EngineDeps } from '../../functions/core/engine/deps.js';
import { stageAnswer } from '../../functions/core/engine/route.js';
import { ExecutionStore } from '../../functions/core/execution-store.js';
import { MemoryNotifier } from '../../functions/core/notifications.js';
import { systemClock } from '../../functions/core/stage-api.js';
import { flowStages } from '../../functions/stages/flow/index.js';
import { pipelineSkeleton } from '../../state-machines/compiler/payloads.js';
import { cli, projectRoot } from '../support/cli-process.js';
import { pipelineOf, useLocalAws } from '../support/local.js';

const moto = useLocalAws();

interface SfnCall {
  readonly target: string;
  readonly body: { taskToken: string; output?: string; error?: string };
}
const calls: SfnCall[] = [];
let sfn: Server;
let sfnEndpoint: string;
const outside = mkdtempSync(join(tmpdir(), 'gennaker-judge-aws-'));

beforeAll(async () => {
  sfn = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      calls.push({ target: String(req.headers['x-amz-target']), body: JSON.parse(body) as SfnCall['body'] });
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => sfn.listen(0, '127.0.0.1', resolve));
  sfnEndpoint = `http://127.0.0.1:${(sfn.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => sfn.close(resolve));
  rmSync(outside, { recursive: true, force: true });
});

const pipeline = pipelineOf({ stages: [{ refId: 'J', name: 'Approve', type: 'manualJudgment', instructions: 'Ship?' }] });

/** An execution whose judgment stage waits on `token`, as the flow function leaves it. */
async function waitingJudgment(executionId: string, token: string): Promise<void> {
  const notifier = new MemoryNotifier();
  const launcher = { start: async () => ({ executionId: 'x' }), status: async () => undefined };
  const deps: EngineDeps = {
    store: new ExecutionStore(),
    clock: systemClock,
    random: () => 0.5,
    notifier,
    implementations: new Map(flowStages({ notifier, launcher }).map((i) => [i.type, i])),
    awaitPollSeconds: 1,
  };
  await dispatch({ op: 'start', executionId, input: { trigger: { type: 'manual', user: 'u' } }, pipeline: pipelineSkeleton(pipeline) }, deps);
  const s = pipeline.stages[0]!;
  const stage = { refId: s.refId, name: s.name, type: s.type, failurePolicy: s.failurePolicy, sendNotifications: false, config: s.config };
  expect(await dispatch({ op: 'run', executionId, stage, taskToken: token }, deps)).toMatchObject({ awaitingCallback: true });
}

/** `gennaker judge` in AWS mode: no AWS_ENDPOINT_URL (env -u), DynamoDB and Step Functions by their own endpoint variables. */
const judgeInAws = (...args: string[]) =>
  cli([], {
    cwd: outside,
    env: { AWS_ENDPOINT_URL_DYNAMODB: moto.endpoint, AWS_ENDPOINT_URL_SFN: sfnEndpoint },
    program: ['env', '-u', 'AWS_ENDPOINT_URL', process.execPath, join(projectRoot, 'cli/bin.mjs'), 'judge', ...args],
  });

describe('gennaker judge against a deployed stack', () => {
  it('GIVEN a judgment waiting on its token WHEN judged stop THEN the Task gets SendTaskFailure with the halt signal, and continue gets SendTaskSuccess', async () => {
    await waitingJudgment('stop-1', 'token-stop');
    const stopped = await judgeInAws('stop-1', 'Approve', 'stop', '--user', 'carol');
    expect(stopped.err).toBe('');
    expect(stopped.code).toBe(0);
    const expected = stageAnswer({ status: 'TERMINAL', refId: 'J' }, pipeline.stages[0]!.failurePolicy);
    expect(expected.kind).toBe('failure');
    expect(calls).toEqual([
      { target: 'AWSStepFunctions.SendTaskFailure', body: expect.objectContaining({ taskToken: 'token-stop', error: (expected as { error: string }).error }) },
    ]);

    calls.length = 0;
    await waitingJudgment('go-1', 'token-go');
    const continued = await judgeInAws('go-1', 'Approve', 'continue', '--user', 'carol');
    expect(continued.code).toBe(0);
    expect(calls.map((c) => [c.target, c.body.taskToken])).toEqual([['AWSStepFunctions.SendTaskSuccess', 'token-go']]);
    expect(JSON.parse(calls[0]!.body.output!)).toMatchObject({ status: 'SUCCEEDED', refId: 'J' });
    // The token is dropped once delivered.
    expect((await new ExecutionStore().load('stop-1')).stages[0]!.callbackToken).toBeUndefined();
  }, 120_000);
});
