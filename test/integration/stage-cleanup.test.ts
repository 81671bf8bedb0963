/**
 * Canceling in AWS: the function that finalises an ended execution (the API's cancel, the
 * lifecycle handler) does not carry the stages' implementations, so it asks each running stage's
 * own function to stop what the stage started (`cancelStage`), and the record says what happened.
 * The records live in DynamoDB in the emulator; the asynchronous Invoke is the one thing done
 * in-process (moto cannot run our functions), with the real engine dispatch on the receiving side.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { secretsManagerClient } from '../../functions/core/aws-clients.js';
import { dispatch } from '../../functions/core/engine/dispatch.js';
import type { EngineDeps } from '../../functions/core/engine/deps.js';
import { endExecution } from '../../functions/core/engine/execution-end.js';
import { CLEANUP_KEY } from '../../functions/core/engine/stage-cleanup.js';
import { ExecutionStore } from '../../functions/core/execution-store.js';
import { MemoryNotifier } from '../../functions/core/notifications.js';
import { type StageImplementation, stageFields, systemClock } from '../../functions/core/stage-api.js';
import { lambdaCancelElsewhere, stageFunctionsFromEnv } from '../../functions/core/stage-functions.js';
import { externalStages } from '../../functions/stages/external/index.js';
import { httpSender } from '../../functions/core/http/client.js';
import { pipelineSkeleton } from '../../state-machines/compiler/payloads.js';
import { PRECONFIGURED_WEBHOOKS_FILE_ENV } from '../../state-machines/stage-types/preconfigured-webhooks.js';
import { stageTypeInfo } from '../../state-machines/stage-types/index.js';
import { pipelineOf, useLocalAws } from '../support/local.js';
import { json, startServer } from './external/support/http-server.js';

useLocalAws();

/** The stand-in's state. */
const TASK = stageFields<{ readonly taskArn: string }>();

/** A stand-in runJob: starts a "task" and keeps running; its cancel stops it and counts. */
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

const pipeline = pipelineOf({
  stages: [
    { refId: '1', name: 'Job', type: 'runJob', cluster: 'c', taskDefinition: 'td' },
    { refId: '2', name: 'Pause', type: 'wait', waitTime: 600 },
  ],
});

function engineDeps(implementations: readonly StageImplementation[], extra: Partial<EngineDeps> = {}): EngineDeps {
  return {
    store: new ExecutionStore(),
    clock: systemClock,
    random: () => 0.5,
    notifier: new MemoryNotifier(),
    implementations: new Map(implementations.map((i) => [i.type, i])),
    awaitPollSeconds: 1,
    ...extra,
  };
}

/** Starts an execution whose runJob and wait stages are both running. */
async function runningExecution(id: string, stopped: string[]): Promise<void> {
  const stageFunction = engineDeps([taskStage(stopped), { type: 'wait', run: async () => ({ status: 'RUNNING', waitSeconds: 600 }) }]);
  await dispatch({ op: 'start', executionId: id, input: { trigger: { type: 'manual', user: 'u' } }, pipeline: pipelineSkeleton(pipeline) }, stageFunction);
  for (const stage of pipeline.stages) {
    await dispatch(
      {
        op: 'run',
        executionId: id,
        stage: { refId: stage.refId, name: stage.name, type: stage.type, failurePolicy: stage.failurePolicy, config: stage.config },
      },
      stageFunction,
    );
  }
}

describe('stage cleanup after a cancel, across functions', () => {
  it('asks the stage family function, which stops the task once and records it', async () => {
    const stopped: string[] = [];
    await runningExecution('c1', stopped);
    const stageFunction = engineDeps([taskStage(stopped)]);
    const requests: Array<{ executionId: string; refId: string; type: string }> = [];
    const finaliser = engineDeps([], { cancelElsewhere: async (request) => void requests.push(request) });

    await endExecution('c1', { forced: 'CANCELED', reason: 'canceled by ops' }, finaliser);
    const canceled = await finaliser.store.load('c1');
    expect(canceled.status).toBe('CANCELED');
    const job = canceled.stages.find((s) => s.refId === '1')!;
    expect(job).toMatchObject({ status: 'CANCELED', error: 'canceled: cleanup requested from the external function' });
    expect(job.context[CLEANUP_KEY]).toBe('requested');
    // A wait started nothing outside the record: nothing to ask for.
    expect(canceled.stages.find((s) => s.refId === '2')).toMatchObject({ status: 'CANCELED' });
    expect(requests).toEqual([{ executionId: 'c1', refId: '1', type: 'runJob' }]);
    expect(stopped).toEqual([]);

    // The runJob function receives the request (twice: asynchronous invokes are retried).
    await expect(dispatch({ op: 'cancelStage', executionId: 'c1', refId: '1' }, stageFunction)).resolves.toMatchObject({ status: 'SUCCEEDED' });
    await expect(dispatch({ op: 'cancelStage', executionId: 'c1', refId: '1' }, stageFunction)).resolves.toMatchObject({ status: 'SKIPPED' });
    expect(stopped).toEqual(['task-1']);
    const cleaned = (await finaliser.store.load('c1')).stages.find((s) => s.refId === '1')!;
    expect(cleaned).toMatchObject({ status: 'CANCELED', error: 'canceled: task task-1 stopped' });
    expect(cleaned.context[CLEANUP_KEY]).toBe('done');
  });

  it('writes on the stage when the request cannot be sent', async () => {
    await runningExecution('c2', []);
    const finaliser = engineDeps([], {
      cancelElsewhere: async () => {
        throw new Error('AccessDeniedException: not allowed to invoke');
      },
    });
    await endExecution('c2', { forced: 'CANCELED' }, finaliser);
    const job = (await finaliser.store.load('c2')).stages.find((s) => s.refId === '1')!;
    expect(job.error).toBe('canceled: cleanup could not be requested: AccessDeniedException: not allowed to invoke');
    expect(job.context[CLEANUP_KEY]).toBe('failed');
  });

  it('stops the task where the implementation is loaded, without asking anyone', async () => {
    const stopped: string[] = [];
    await runningExecution('c3', stopped);
    const requests: unknown[] = [];
    await endExecution('c3', { forced: 'CANCELED' }, engineDeps([taskStage(stopped)], { cancelElsewhere: async (r) => void requests.push(r) }));
    expect(stopped).toEqual(['task-1']);
    expect(requests).toEqual([]);
  });
});

/** A Lambda client answered at the SDK boundary as Lambda does for an Event invocation (202, no body); what was sent. */
function recordingLambda(): { lambda: LambdaClient; sent: Array<Record<string, unknown>> } {
  const lambda = new LambdaClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const sent: Array<Record<string, unknown>> = [];
  lambda.middlewareStack.add(
    () => async (args) => {
      sent.push(args.input as Record<string, unknown>);
      return { output: { StatusCode: 202, $metadata: { httpStatusCode: 202 } }, response: {} };
    },
    { step: 'initialize' },
  );
  return { lambda, sent };
}

describe('a preconfigured webhook stage canceled by a finalising function', () => {
  it("the lifecycle handler's and API's cancel path knows the settings' types, requests the cleanup, and the external function signals the cancel with the secret", async () => {
    const token = 'cancel-Secr3t-77c1';
    await secretsManagerClient({ region: 'us-east-1' }).send(
      new CreateSecretCommand({ Name: 'gennaker/ticket-desk', SecretString: JSON.stringify({ token }) }),
    );
    const server = await startServer((req, res) =>
      req.url === '/tickets' ? json(res, 201, { statusUrl: `${server.url}/tickets/7` }) : json(res, 200, { status: 'OPEN' }),
    );
    try {
      const definitions = [
        {
          type: 'deployTicket',
          url: `${server.url}/tickets`,
          method: 'POST',
          customHeaders: { Authorization: 'Bearer encrypted:secrets-manager!r:us-east-1!s:gennaker/ticket-desk!k:token' },
          payload: { summary: '${parameterValues.summary}' },
          parameters: [{ name: 'summary' }],
          waitForCompletion: true,
          statusUrlResolution: 'webhookResponse',
          statusUrlJsonPath: '$.statusUrl',
          statusJsonPath: '$.status',
          successStatuses: 'DONE',
          cancelEndpoint: `${server.url}/tickets/7/cancel`,
          cancelMethod: 'POST',
        },
      ];
      const file = join(mkdtempSync(join(tmpdir(), 'gennaker-preconf-')), 'gennaker-preconfigured-webhooks.json');
      writeFileSync(file, JSON.stringify({ webhook: { preconfigured: definitions } }));
      const env = { [PRECONFIGURED_WEBHOOKS_FILE_ENV]: file };
      const functions = { external: 'arn:aws:lambda:us-east-1:1:function:ext' };

      // Nothing in this process knows the operator's type until the finaliser's cleanup path reads the bundled setting.
      expect(stageTypeInfo('deployTicket')).toBeUndefined();
      const { lambda, sent } = recordingLambda();
      const cancelElsewhere = lambdaCancelElsewhere(functions, lambda, env)!;
      expect(stageTypeInfo('deployTicket')).toMatchObject({ family: 'external' });

      // The external function runs the stage: the ticket is opened and being watched.
      const external = engineDeps(externalStages({ http: httpSender({ allowLinkLocal: false, timeoutMs: 5000 }) }));
      const pipeline = pipelineOf({ stages: [{ refId: '1', name: 'Ticket', type: 'deployTicket', parameterValues: { summary: 'release 9' } }] });
      await dispatch({ op: 'start', executionId: 'p1', input: { trigger: { type: 'manual', user: 'u' } }, pipeline: pipelineSkeleton(pipeline) }, external);
      const stage = pipeline.stages[0]!;
      await expect(
        dispatch(
          { op: 'run', executionId: 'p1', stage: { refId: '1', name: stage.name, type: stage.type, failurePolicy: stage.failurePolicy, config: stage.config } },
          external,
        ),
      ).resolves.toMatchObject({ status: 'RUNNING' });

      // The lifecycle handler (or the API's cancel) ends it: cleanup requested from the external function.
      const finaliser = engineDeps([], { cancelElsewhere });
      await endExecution('p1', { forced: 'CANCELED', reason: 'canceled by ops' }, finaliser);
      const ticket = (await finaliser.store.load('p1')).stages[0]!;
      expect(ticket).toMatchObject({ status: 'CANCELED', error: 'canceled: cleanup requested from the external function' });
      expect(ticket.context[CLEANUP_KEY]).toBe('requested');
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({ FunctionName: functions.external, InvocationType: 'Event' });
      const request = JSON.parse(new TextDecoder().decode(sent[0]!.Payload as Uint8Array)) as { op: 'cancelStage'; executionId: string; refId: string };
      expect(request).toEqual({ op: 'cancelStage', executionId: 'p1', refId: '1' });

      // The external function receives it: the definition's cancel endpoint is called with the resolved credential.
      await expect(dispatch(request, external)).resolves.toMatchObject({ status: 'SUCCEEDED' });
      const cancels = server.requests.filter((r) => r.url === '/tickets/7/cancel');
      expect(cancels).toHaveLength(1);
      expect(cancels[0]!.headers.authorization).toBe(`Bearer ${token}`);
      const cleaned = (await finaliser.store.load('p1')).stages[0]!;
      expect(cleaned.context[CLEANUP_KEY]).toBe('done');
      expect(cleaned.error).toBe('canceled: cancel endpoint answered 200');
      expect(JSON.stringify(await finaliser.store.load('p1'))).not.toContain(token);
    } finally {
      await server.close();
    }
  });
});

describe('lambdaCancelElsewhere', () => {
  it('invokes the family function asynchronously with the cancelStage operation', async () => {
    const { lambda, sent } = recordingLambda();
    const functions = stageFunctionsFromEnv({
      GENNAKER_STAGE_FUNCTIONS: JSON.stringify({ external: 'arn:aws:lambda:us-east-1:1:function:ext', canary: 'arn:aws:lambda:us-east-1:1:function:can' }),
    });
    const cancel = lambdaCancelElsewhere(functions, lambda)!;
    await cancel({ executionId: 'e1', refId: '3', type: 'kayentaCanary' });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ FunctionName: 'arn:aws:lambda:us-east-1:1:function:can', InvocationType: 'Event' });
    expect(JSON.parse(new TextDecoder().decode(sent[0]!.Payload as Uint8Array))).toEqual({ op: 'cancelStage', executionId: 'e1', refId: '3' });
    await expect(cancel({ executionId: 'e1', refId: '4', type: 'deploy' })).rejects.toThrow('no function for stage type deploy (family cloud)');
    expect(lambdaCancelElsewhere({}, lambda)).toBeUndefined();
    expect(() => stageFunctionsFromEnv({ GENNAKER_STAGE_FUNCTIONS: '{"cloud": 3}' })).toThrow('must map stage families to function ARNs');
  });
});
