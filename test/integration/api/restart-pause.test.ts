/**
 * Restart of a stage and pause/resume of a running execution through the HTTP API handler, with
 * pipelines run in-process (webhooks to a real server on 127.0.0.1) and, for the Step Functions
 * side, against moto (which records state machine runs without running them), with a crash injected
 * at the SDK boundary between the record's change and the start of the new run.
 */
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handleApiRequest } from '../../../functions/api/handler.js';
import { type Authorizer, fiatAuthorizer } from '../../../functions/api/permissions.js';
import type { OperationsDeps } from '../../../functions/api/operations.js';
import { awsClients } from '../../../functions/core/aws-clients.js';
import { stepFunctionsStopper } from '../../../functions/core/cancel.js';
import { MemoryNotifier } from '../../../functions/core/notifications.js';
import { StaticPipelineRegistry } from '../../../functions/core/pipeline-registry.js';
import { handleStatusChange, lifecycleSuccessors } from '../../../functions/triggers/lifecycle/lifecycle.js';
import { inProcessStack } from '../../../functions/triggers/local.js';
import { MemoryLog } from '../../../functions/core/log.js';
import { LocalRuntime } from '../../../local/runtime.js';
import type { Pipeline } from '../../../state-machines/model/pipeline.js';
import { crash, injectFault, removeAllFaults } from '../../support/faults.js';
import { waitFor } from '../../support/wait.js';
import { webhookFamily } from '../external/support/webhook-runtime.js';
import { json, startServer, type TestServer } from '../external/support/http-server.js';
import { deployStateMachines, httpEvent, lifecycleDepsOf, pipelineOf, runStartStep, statusEvent, triggerDeps, useTriggerAws } from '../triggers/support.js';

useTriggerAws();
beforeEach(() => void vi.stubEnv('GENNAKER_ACCOUNT_ID', '123456789012'));

const ALICE = { authorizer: { iam: { userArn: 'arn:aws:iam::123456789012:user/alice' } } };

function localDeps(pipelines: Pipeline[]) {
  const runtime = new LocalRuntime({
    timeScale: 1,
    tickMs: 10,
    judge: { kind: 'external' },
    families: [webhookFamily()],
  });
  const stack = inProcessStack(runtime, { registry: new StaticPipelineRegistry(pipelines), log: new MemoryLog(), notifier: new MemoryNotifier() });
  const deps: OperationsDeps = {
    triggers: stack.triggers,
    stopper: stack.launcher.stopper,
    resume: async () => undefined,
    successors: lifecycleSuccessors(stack.lifecycle),
  };
  return { deps, stack };
}

async function call(
  deps: OperationsDeps,
  method: string,
  path: string,
  options: { body?: unknown; context?: Record<string, unknown>; authorizer?: Authorizer } = {},
) {
  const event: APIGatewayProxyEventV2 = httpEvent({
    method,
    path,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    requestContext: options.context ?? ALICE,
  });
  const response = await handleApiRequest(event, deps, options.authorizer);
  const text = String(response.body ?? '');
  return { status: response.statusCode!, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

const finished = (deps: OperationsDeps, id: string) =>
  waitFor(async () => {
    const view = await deps.triggers.store.load(id).catch(() => undefined);
    return view && ['SUCCEEDED', 'TERMINAL', 'CANCELED'].includes(view.status) ? view : undefined;
  }, `execution ${id} to finish`);

describe('POST /executions/{id}/stages/{stage}/restart', () => {
  let server: TestServer;
  beforeEach(async () => void (server = await startServer()));
  afterEach(async () => void (await server.close()));

  const webhooks = (url: string) =>
    pipelineOf({
      application: 'shop',
      name: 'release',
      limitConcurrent: false,
      stages: [
        { refId: '1', type: 'webhook', name: 'Notify', url: `${url}/notify`, method: 'POST' },
        { refId: '2', type: 'webhook', name: 'Deploy', url: `${url}/deploy`, method: 'POST', requisiteStageRefIds: ['1'] },
        { refId: '3', type: 'evaluateVariables', name: 'After', requisiteStageRefIds: ['2'], variables: [{ key: 'done', value: 'yes' }] },
      ],
    });

  it('GIVEN a run whose webhook stage failed WHEN the stage is restarted THEN the run goes on from it with the same record, and stages that succeeded are not run again', async () => {
    let deployAnswer = 400;
    server.route((req, res) => json(res, req.url === '/deploy' ? deployAnswer : 200, {}));
    const pipeline = webhooks(server.url);
    const { deps, stack } = localDeps([pipeline]);
    const started = await call(deps, 'POST', '/pipelines/shop/release/executions', { body: {} });
    const id = String(started.body.executionId);
    const failed = await finished(deps, id);
    expect(failed.status).toBe('TERMINAL');
    expect(failed.stages.map((s) => s.status)).toEqual(['SUCCEEDED', 'TERMINAL', 'NOT_STARTED']);
    const notifyBefore = failed.stages[0]!;

    deployAnswer = 200;
    const restarted = await call(deps, 'POST', `/executions/${id}/stages/Deploy/restart`, { body: { idempotencyKey: 'k1' } });
    expect(restarted.status).toBe(202);
    expect(restarted.body).toMatchObject({
      id,
      status: 'RUNNING',
      restartedStages: ['2', '3'],
      changed: true,
      restart: { attempt: 1, stage: '2', restartedBy: 'alice' },
    });

    const after = await finished(deps, id);
    expect(after.status).toBe('SUCCEEDED');
    expect(after.error).toBeUndefined();
    expect(after.stages.map((s) => s.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(after.stages[1]!.restartDetails).toMatchObject({ attempt: 1, restartedBy: 'alice', previousStatus: 'TERMINAL' });
    expect(after.stages[1]!.restartDetails?.previousError).toContain('400');
    // The stage that had succeeded is as it was: same record version, its webhook called once.
    expect(after.stages[0]).toEqual(notifyBefore);
    expect(server.requests.filter((r) => r.url === '/notify')).toHaveLength(1);
    expect(server.requests.filter((r) => r.url === '/deploy')).toHaveLength(2);

    // The same request again (a retry) starts nothing and says so.
    const again = await call(deps, 'POST', `/executions/${id}/stages/Deploy/restart`, { body: { idempotencyKey: 'k1' } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ changed: false, status: 'SUCCEEDED' });
    await stack.launcher.idle();
    expect(server.requests.filter((r) => r.url === '/deploy')).toHaveLength(2);
    // A stage that succeeded is not restartable; unknown stages and executions are 404.
    const succeeded = await call(deps, 'POST', `/executions/${id}/stages/Notify/restart`, { body: {} });
    expect(succeeded.status).toBe(409);
    expect(succeeded.body.message).toContain("stage 'Notify' of");
    expect(succeeded.body.message).toContain('is SUCCEEDED: only a failed or canceled stage');
    expect((await call(deps, 'POST', `/executions/${id}/stages/Nope/restart`, { body: {} })).status).toBe(404);
    expect((await call(deps, 'POST', `/executions/nope/stages/Deploy/restart`, { body: {} })).status).toBe(404);
    expect((await call(deps, 'POST', `/executions/${id}/stages/Deploy/restart`, { body: { idempotencyKey: 7 } })).status).toBe(400);
  });

  it('refuses to restart a stage of a RUNNING execution with a clear error, and restarts a canceled one', async () => {
    server.route((req, res) => (req.url === '/deploy' ? undefined : json(res, 200, {}))); // /deploy never answers
    const pipeline = pipelineOf({
      application: 'shop',
      name: 'slow',
      limitConcurrent: false,
      stages: [
        { refId: '1', type: 'webhook', name: 'Notify', url: `${server.url}/notify`, method: 'POST' },
        { refId: '2', type: 'wait', name: 'Soak', waitTime: 30, requisiteStageRefIds: ['1'] },
      ],
    });
    const { deps, stack } = localDeps([pipeline]);
    const id = String((await call(deps, 'POST', '/pipelines/shop/slow/executions', { body: {} })).body.executionId);
    await waitFor(async () => ((await deps.triggers.store.load(id).catch(() => undefined))?.stages[1]?.status === 'RUNNING' ? true : undefined), 'the wait');

    const refused = await call(deps, 'POST', `/executions/${id}/stages/Notify/restart`, { body: {} });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      error: 'ExecutionStateError',
      message: `execution ${id} is RUNNING: only a stage of a finished execution can be restarted (wait for it to end, or cancel it first)`,
    });

    await call(deps, 'POST', `/executions/${id}/cancel`, { body: {} });
    expect((await finished(deps, id)).stages.map((s) => s.status)).toEqual(['SUCCEEDED', 'CANCELED']);
    const restarted = await call(deps, 'POST', `/executions/${id}/stages/2/restart`, { body: {} });
    expect(restarted.body).toMatchObject({ status: 'RUNNING', restartedStages: ['2'] });
    await waitFor(async () => ((await deps.triggers.store.load(id)).stages[1]?.status === 'RUNNING' ? true : undefined), 'the restarted wait');
    // Running again: a second restart is refused, cancel ends it.
    expect((await call(deps, 'POST', `/executions/${id}/stages/2/restart`, { body: {} })).status).toBe(409);
    expect((await call(deps, 'POST', `/executions/${id}/cancel`, { body: {} })).body).toMatchObject({ status: 'CANCELED' });
    await stack.launcher.idle();
    expect(server.requests.filter((r) => r.url === '/notify')).toHaveLength(1);
  });

  it('needs EXECUTE on the application: a reader is refused with a 403 naming it', async () => {
    const pipeline = webhooks(server.url);
    const { deps } = localDeps([pipeline]);
    const authorizer = fiatAuthorizer({ shop: { READ: ['readers'], EXECUTE: ['deployers'] } }, '123456789012');
    const READER = { authorizer: { iam: { userArn: 'arn:aws:sts::123456789012:assumed-role/readers/r' } } };
    server.route((_req, res) => json(res, 400, {}));
    const id = String((await call(deps, 'POST', '/pipelines/shop/release/executions', { body: {} })).body.executionId);
    await finished(deps, id);
    for (const path of [`/executions/${id}/stages/Notify/restart`, `/executions/${id}/pause`, `/executions/${id}/resume`]) {
      const denied = await call(deps, 'POST', path, { body: {}, context: READER, authorizer });
      expect(denied.status, path).toBe(403);
      expect(denied.body.message).toBe("r (readers in 123456789012) lacks EXECUTE permission on application 'shop'");
    }
  });
});

describe('POST /executions/{id}/pause and /resume on a running execution', () => {
  /** shop/<name> with these stages, started through the API, once its first stage runs. */
  async function runningItsFirstStage(name: string, stages: Record<string, unknown>[]) {
    const { deps, stack } = localDeps([pipelineOf({ application: 'shop', name, limitConcurrent: false, stages })]);
    const id = String((await call(deps, 'POST', `/pipelines/shop/${name}/executions`, { body: {} })).body.executionId);
    await waitFor(async () => ((await deps.triggers.store.load(id).catch(() => undefined))?.stages[0]?.status === 'RUNNING' ? true : undefined), 'the wait');
    return { deps, stack, id };
  }

  it('GIVEN a run in a wait stage WHEN paused THEN nothing progresses and paused time is shown; WHEN resumed THEN the wait goes on for what was left', async () => {
    const { deps, stack, id } = await runningItsFirstStage('soak', [
      { refId: '1', type: 'wait', name: 'Soak', waitTime: 2 },
      { refId: '2', type: 'evaluateVariables', name: 'After', requisiteStageRefIds: ['1'], variables: [{ key: 'done', value: 'yes' }] },
    ]);

    const paused = await call(deps, 'POST', `/executions/${id}/pause`, { body: {} });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ status: 'PAUSED', changed: true, paused: { pausedBy: 'alice', pausedMs: 0 } });
    expect((await call(deps, 'POST', `/executions/${id}/pause`, {})).body).toMatchObject({ status: 'PAUSED', changed: false });
    // Longer than the whole wait: still waiting, the next stage not started.
    await new Promise((r) => setTimeout(r, 3000));
    const during = await deps.triggers.store.load(id);
    expect(during.status).toBe('PAUSED');
    expect(during.stages.map((s) => s.status)).toEqual(['RUNNING', 'NOT_STARTED']);

    const resumed = await call(deps, 'POST', `/executions/${id}/resume`, { body: {} });
    expect(resumed.body).toMatchObject({ status: 'RUNNING', changed: true, started: false, paused: { pausedBy: 'alice', resumedBy: 'alice' } });
    const pausedMs = (resumed.body.paused as { pausedMs: number }).pausedMs;
    expect(pausedMs).toBeGreaterThanOrEqual(3000);
    expect((await call(deps, 'POST', `/executions/${id}/resume`, {})).body).toMatchObject({ changed: false });
    const done = await finished(deps, id);
    expect(done.status).toBe('SUCCEEDED');
    // The wait did its 2 s of unpaused time: it ended well after the pause, not at resume.
    const wait = done.stages[0]!;
    expect(wait.endTime! - wait.startTime!).toBeGreaterThanOrEqual(pausedMs + 1500);
    await stack.launcher.idle();
  });

  it('starts no stage while paused, and cancel still works while paused', async () => {
    const { deps, stack, id } = await runningItsFirstStage('two', [
      { refId: '1', type: 'wait', name: 'First', waitTime: 1 },
      { refId: '2', type: 'evaluateVariables', name: 'Second', requisiteStageRefIds: ['1'], variables: [{ key: 'x', value: '1' }] },
      { refId: '3', type: 'wait', name: 'Third', waitTime: 1, requisiteStageRefIds: ['2'] },
    ]);
    await call(deps, 'POST', `/executions/${id}/pause`, { body: {} });
    await new Promise((r) => setTimeout(r, 2000));
    expect((await deps.triggers.store.load(id)).stages.map((s) => s.status)).toEqual(['RUNNING', 'NOT_STARTED', 'NOT_STARTED']);
    await call(deps, 'POST', `/executions/${id}/resume`, { body: {} });
    await call(deps, 'POST', `/executions/${id}/pause`, { body: {} });
    const canceled = await call(deps, 'POST', `/executions/${id}/cancel`, { body: { reason: 'enough' } });
    expect(canceled.body).toMatchObject({ status: 'CANCELED', changed: true });
    await stack.launcher.idle();
    const end = await deps.triggers.store.load(id);
    expect(end.status).toBe('CANCELED');
    expect(end.stages.some((s) => s.status === 'RUNNING' || s.status === 'PAUSED')).toBe(false);
    expect((await call(deps, 'POST', `/executions/${id}/pause`, {})).status).toBe(409);
  });
});

describe('restart against Step Functions', () => {
  afterEach(() => removeAllFaults(awsClients.sfnClient()));

  it('starts a new run of the state machine named after the restart, survives a crash before it, and ignores the old run ending late', async () => {
    const pipeline = pipelineOf({
      application: 'shop',
      name: 'release',
      limitConcurrent: false,
      stages: [
        { refId: '1', type: 'wait', name: 'One', waitTime: 1 },
        { refId: '2', type: 'wait', name: 'Two', waitTime: 1, requisiteStageRefIds: ['1'] },
      ],
    });
    const machines = await deployStateMachines([pipeline]);
    const triggers = triggerDeps([pipeline]);
    const deps: OperationsDeps = { triggers, stopper: stepFunctionsStopper(), resume: async () => undefined };
    const arn = machines[`shop/${pipeline.id}`]!;
    const id = String((await call(deps, 'POST', '/pipelines/shop/release/executions', { body: {} })).body.executionId);
    await runStartStep(arn, id, pipeline);
    // The run ended TERMINAL in stage Two.
    const view = await triggers.store.load(id);
    await triggers.store.putStage(id, { ...view.stages[0]!, status: 'SUCCEEDED', startTime: 1, endTime: 2 }, view.stages[0]!);
    await triggers.store.putStage(id, { ...view.stages[1]!, status: 'TERMINAL', startTime: 2, endTime: 3, error: 'boom' }, view.stages[1]!);
    const { version: _v, stages: _s, skeleton: _k, ...header } = view;
    await triggers.store.putExecution({ ...header, status: 'TERMINAL', endTime: 3, error: "stage 'Two' TERMINAL: boom" }, view);

    const fault = injectFault(awsClients.sfnClient(), { command: 'StartExecution', error: crash() });
    const first = await call(deps, 'POST', `/executions/${id}/stages/Two/restart`, { body: { idempotencyKey: 'once' } });
    expect(first.status).toBe(500);
    expect(fault.triggered).toBe(1);
    // Half done: the record says RUNNING with the restart pending; the retry finishes it.
    expect((await triggers.store.getExecution(id))?.restart).toMatchObject({ pending: true, attempt: 1 });
    const retried = await call(deps, 'POST', `/executions/${id}/stages/Two/restart`, { body: { idempotencyKey: 'once' } });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'RUNNING', restartedStages: ['2'], changed: false });
    const runArn = `${arn.replace(':stateMachine:', ':execution:')}:${id}-restart-1`;
    expect(retried.body.stateMachineExecutionArn).toBe(runArn);
    const described = await awsClients.sfnClient().send(new DescribeExecutionCommand({ executionArn: runArn }));
    expect(JSON.parse(described.input!)).toMatchObject({ executionId: id });
    const record = await triggers.store.load(id);
    expect(record.restart).toMatchObject({ pending: false });
    expect(record.stages.map((s) => s.status)).toEqual(['SUCCEEDED', 'NOT_STARTED']);

    // The first run's FAILED status change arriving now must not end the restarted run.
    const late = statusEvent('execution-status-failed.json', id, arn);
    const result = await handleStatusChange(late, lifecycleDepsOf(triggers));
    expect(result.action).toBe('ignored');
    expect((await triggers.store.getExecution(id))?.status).toBe('RUNNING');
    // The new run's own end does finalise it (its name is not the execution id: the input says which).
    const own = statusEvent('execution-status-failed.json', id, arn) as { detail: Record<string, unknown> };
    own.detail = { ...own.detail, name: `${id}-restart-1`, executionArn: runArn, input: JSON.stringify({ executionId: id }) };
    expect((await handleStatusChange(own, lifecycleDepsOf(triggers))).action).toBe('finalised');
    expect((await triggers.store.getExecution(id))?.status).toBe('TERMINAL');
  });
});
