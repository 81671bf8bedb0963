/**
 * The HTTP API handler on API Gateway HTTP API v2 events, against the emulator: triggering with
 * parameters checked, listing and reading executions (never a callback token), manual judgment
 * with required roles, cancel (StopExecution in moto's Step Functions, and in-process runs),
 * pause/resume of waiting and running runs (restart-pause.test.ts has the rest), the cluster view, and one status per error class.
 */
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handleApiRequest } from '../../../functions/api/handler.js';
import { type Authorizer, fiatAuthorizer } from '../../../functions/api/permissions.js';
import { cloudClusterReader } from '../../../functions/api/clusters.js';
import type { OperationsDeps } from '../../../functions/api/operations.js';
import { awsClients } from '../../../functions/core/aws-clients.js';
import { stepFunctionsStopper } from '../../../functions/core/cancel.js';
import { createServerGroup } from '../../../functions/core/cloud/index.js';
import { MemoryNotifier } from '../../../functions/core/notifications.js';
import { StaticPipelineRegistry } from '../../../functions/core/pipeline-registry.js';
import { tableName } from '../../../functions/core/tables.js';
import { EventBridgePublisher } from '../../../functions/triggers/lifecycle/completed-event.js';
import { lifecycleSuccessors } from '../../../functions/triggers/lifecycle/lifecycle.js';
import { inProcessStack } from '../../../functions/triggers/local.js';
import { MemoryLog } from '../../../functions/core/log.js';
import { LocalRuntime } from '../../../local/runtime.js';
import type { Pipeline } from '../../../state-machines/model/pipeline.js';
import { createNetwork, deploySpec, freshClients } from '../../support/cloud/fixtures.js';
import { waitFor } from '../../support/wait.js';
import { deployStateMachines, httpEvent, pipelineOf, runStartStep, triggerDeps, useTriggerAws } from '../triggers/support.js';

useTriggerAws();

const approve = pipelineOf({
  application: 'shop',
  name: 'release',
  limitConcurrent: false,
  parameterConfig: [
    { name: 'env', required: true, hasOptions: true, options: [{ value: 'prod' }, { value: 'staging' }] },
    { name: 'version', default: '1.0.0' },
  ],
  stages: [
    {
      refId: '1',
      type: 'manualJudgment',
      name: 'Approve',
      requiredJudgmentRoles: ['approvers'],
      judgmentInputs: [{ value: 'ship' }, { value: 'hold' }],
    },
    { refId: '2', type: 'evaluateVariables', name: 'Vars', requisiteStageRefIds: ['1'], variables: [{ key: 'env', value: '${parameters.env}' }] },
  ],
});
const queued = pipelineOf({ application: 'shop', name: 'queued', limitConcurrent: true, keepWaitingPipelines: true, stages: [approve.stages[0]!.config] });

const ALICE = { authorizer: { iam: { userArn: 'arn:aws:iam::123456789012:user/alice' } } };
const BOB_APPROVER = { authorizer: { iam: { userArn: 'arn:aws:sts::123456789012:assumed-role/approvers/bob' } } };
/** The same role name in another account: not the platform's approvers. */
const EVE_ELSEWHERE = { authorizer: { iam: { userArn: 'arn:aws:sts::999999999999:assumed-role/approvers/bob' } } };
// The platform's account: bare role names (requiredJudgmentRoles: [approvers]) mean its roles.
beforeEach(() => void vi.stubEnv('GENNAKER_ACCOUNT_ID', '123456789012'));

function localDeps(pipelines: Pipeline[]) {
  const runtime = new LocalRuntime({ timeScale: 100, tickMs: 10, judge: { kind: 'external' } });
  const stack = inProcessStack(runtime, { registry: new StaticPipelineRegistry(pipelines), log: new MemoryLog(), notifier: new MemoryNotifier() });
  const deps: OperationsDeps = {
    triggers: stack.triggers,
    stopper: stack.launcher.stopper,
    resume: async () => undefined, // the local runtime watches the record
    successors: lifecycleSuccessors(stack.lifecycle),
    clusters: cloudClusterReader(),
  };
  return { deps, stack };
}

async function call(
  deps: OperationsDeps,
  method: string,
  path: string,
  options: {
    body?: unknown;
    raw?: string;
    query?: Record<string, string>;
    context?: Record<string, unknown>;
    headers?: Record<string, string>;
    authorizer?: Authorizer;
  } = {},
) {
  const event: APIGatewayProxyEventV2 = httpEvent({
    method,
    path,
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.raw !== undefined ? { body: options.raw } : options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    ...(options.query ? { query: options.query } : {}),
    requestContext: options.context ?? ALICE,
  });
  const response = await handleApiRequest(event, deps, options.authorizer);
  const text = String(response.body ?? '');
  return {
    status: response.statusCode!,
    headers: (response.headers ?? {}) as Record<string, string>,
    text,
    body: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
  };
}

async function waitingForJudgment(deps: OperationsDeps, id: string) {
  return waitFor(async () => {
    const view = await deps.triggers.store.load(id).catch(() => undefined);
    return view?.stages[0]?.context.judgmentStatus === 'waiting' ? view : undefined;
  }, 'the judgment stage');
}

describe('POST /pipelines/{application}/{pipeline}/executions', () => {
  it('starts the pipeline with parameters resolved, and refuses what does not fit', async () => {
    const { deps, stack } = localDeps([approve]);
    const ok = await call(deps, 'POST', '/pipelines/shop/release/executions', { body: { parameters: { env: 'staging' } } });
    expect(ok.status).toBe(202);
    expect(ok.body).toMatchObject({ status: 'started', application: 'shop', pipeline: 'release' });
    const record = await waitFor(() => deps.triggers.store.getExecution(String(ok.body.executionId)), 'the record');
    expect(record.parameters).toEqual({ env: 'staging', version: '1.0.0' });
    expect(record.trigger).toMatchObject({ type: 'manual', user: 'alice' });

    const missing = await call(deps, 'POST', '/pipelines/shop/release/executions', { body: {} });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: 'ParameterError', problems: [{ path: 'parameters.env', message: 'required parameter has no value' }] });
    expect((await call(deps, 'POST', '/pipelines/shop/release/executions', { body: { parameters: { env: 'qa' } } })).body.message).toContain(
      "'qa' is not one of: prod, staging",
    );
    expect((await call(deps, 'POST', '/pipelines/shop/nope/executions', { body: {} })).status).toBe(404);
    expect((await call(deps, 'POST', '/pipelines/shop/release/executions', { raw: '{"parameters":' })).status).toBe(400);
    expect((await call(deps, 'POST', '/pipelines/shop/release/executions', { body: { parameters: { env: 'prod' }, user: 'mallory' } })).status).toBe(400);
    expect((await call(deps, 'POST', '/pipelines/shop/release/executions', { raw: 'x'.repeat(1024 * 1024 + 1) })).status).toBe(413);

    const keyed = { parameters: { env: 'prod' }, idempotencyKey: 'req-1' };
    const once = await call(deps, 'POST', '/pipelines/shop/release/executions', { body: keyed });
    const twice = await call(deps, 'POST', '/pipelines/shop/release/executions', { body: keyed });
    expect([once.status, twice.status]).toEqual([202, 200]);
    expect(twice.body).toMatchObject({ status: 'duplicate', executionId: once.body.executionId });

    for (const id of [ok.body.executionId, once.body.executionId]) await call(deps, 'POST', `/executions/${String(id)}/cancel`, { body: {} });
    await stack.launcher.idle();
  });
});

describe('executions', () => {
  it('lists with filters, shows stages without callback tokens, judges with roles, and cancels', async () => {
    const { deps, stack } = localDeps([approve]);
    const a = await call(deps, 'POST', '/pipelines/shop/release/executions', { body: { parameters: { env: 'prod' } } });
    const b = await call(deps, 'POST', '/pipelines/shop/release/executions', { body: { parameters: { env: 'staging' } } });
    const idA = String(a.body.executionId);
    const idB = String(b.body.executionId);
    await waitingForJudgment(deps, idA);
    await waitingForJudgment(deps, idB);

    const list = await call(deps, 'GET', '/executions', { query: { application: 'shop', pipeline: 'release', status: 'RUNNING' } });
    expect(list.status).toBe(200);
    expect((list.body.executions as Array<{ id: string }>).map((e) => e.id).sort()).toEqual([idA, idB].sort());
    expect((await call(deps, 'GET', '/executions', { query: { application: 'shop', status: 'SUCCEEDED' } })).body.executions).toEqual([]);
    expect((await call(deps, 'GET', '/executions', { query: { application: 'shop', status: 'DONE' } })).status).toBe(400);
    expect((await call(deps, 'GET', '/executions', { query: {} })).status).toBe(400);

    const stored = await deps.triggers.store.load(idA);
    expect(stored.stages[0]!.callbackToken).toBeDefined();
    const shown = await call(deps, 'GET', `/executions/${idA}`);
    expect(shown.status).toBe(200);
    expect(shown.text).not.toContain('callbackToken');
    expect(shown.text).not.toContain(stored.stages[0]!.callbackToken!);
    expect((await call(deps, 'GET', '/executions/nope')).status).toBe(404);

    const judgment = `/executions/${idA}/stages/Approve/judgment`;
    const forbidden = await call(deps, 'POST', judgment, { body: { judgment: 'continue', input: 'ship' } });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.message).toContain('approvers');
    // A session named 'bob' on a role named 'approvers' in another account is not an approver.
    expect((await call(deps, 'POST', judgment, { body: { judgment: 'continue', input: 'ship' }, context: EVE_ELSEWHERE })).status).toBe(403);
    expect((await call(deps, 'POST', judgment, { body: { judgment: 'continue', input: 'yolo' }, context: BOB_APPROVER })).status).toBe(400);
    expect((await call(deps, 'POST', judgment, { body: { judgment: 'maybe' }, context: BOB_APPROVER })).status).toBe(400);
    const judged = await call(deps, 'POST', judgment, { body: { judgment: 'continue', input: 'ship' }, context: BOB_APPROVER });
    expect(judged.status).toBe(200);
    expect(judged.body).toMatchObject({
      status: 'SUCCEEDED',
      context: { judgmentStatus: 'continue', lastModifiedBy: 'bob (approvers in 123456789012)', judgmentInput: 'ship' },
    });
    expect(judged.text).not.toContain('callbackToken');
    expect((await call(deps, 'POST', judgment, { body: { judgment: 'stop' }, context: BOB_APPROVER })).status).toBe(409);
    await waitFor(async () => ((await deps.triggers.store.getExecution(idA))?.status === 'SUCCEEDED' ? true : undefined), 'the judged run to finish');

    const canceled = await call(deps, 'POST', `/executions/${idB}/cancel`, { body: { reason: 'not today' } });
    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({ status: 'CANCELED', canceledBy: 'alice', changed: true });
    expect(String(canceled.body.error)).toMatch(/^canceled by alice/);
    expect(String(canceled.body.error)).not.toContain('canceled by canceled');
    expect((canceled.body.stages as Array<{ status: string }>)[0]!.status).toBe('CANCELED');
    const again = await call(deps, 'POST', `/executions/${idB}/cancel`, { body: {} });
    expect(again.body).toMatchObject({ status: 'CANCELED', changed: false });
    expect((await call(deps, 'POST', '/executions/nope/cancel', { body: {} })).status).toBe(404);
    await stack.launcher.idle();
  });

  it('pauses and resumes a waiting run, and pauses a running one in place', async () => {
    const { deps, stack } = localDeps([queued]);
    const first = await call(deps, 'POST', '/pipelines/shop/queued/executions', { body: {} });
    const second = await call(deps, 'POST', '/pipelines/shop/queued/executions', { body: {} });
    expect([first.body.status, second.body.status]).toEqual(['started', 'waiting']);
    const idA = String(first.body.executionId);
    const idB = String(second.body.executionId);
    expect((await call(deps, 'POST', `/executions/${idB}/pause`)).body).toMatchObject({ status: 'PAUSED' });
    await waitingForJudgment(deps, idA);
    // A running one is paused where it is (pause.ts); it keeps its slot.
    expect((await call(deps, 'POST', `/executions/${idA}/pause`)).body).toMatchObject({ status: 'PAUSED', changed: true });

    // The running one is canceled: its slot frees, but the paused run stays paused.
    await call(deps, 'POST', `/executions/${idA}/cancel`, { body: {} });
    expect((await deps.triggers.store.getExecution(idB))?.status).toBe('PAUSED');
    const resumed = await call(deps, 'POST', `/executions/${idB}/resume`);
    expect(resumed.body).toMatchObject({ status: 'RUNNING', started: true });
    await waitingForJudgment(deps, idB);
    await call(deps, 'POST', `/executions/${idB}/cancel`, { body: {} });
    await stack.launcher.idle();
  });
});

describe('cancel against Step Functions', () => {
  it('stops the state machine execution, records CANCELED and releases its locks', async () => {
    const machines = await deployStateMachines([approve]);
    const triggers = triggerDeps([approve]);
    const deps: OperationsDeps = {
      triggers,
      stopper: stepFunctionsStopper(),
      resume: async () => undefined,
      successors: lifecycleSuccessors({ registry: triggers.registry, queue: triggers.queue, events: new EventBridgePublisher() }),
    };
    const started = await call(deps, 'POST', '/pipelines/shop/release/executions', { body: { parameters: { env: 'prod' } } });
    const id = String(started.body.executionId);
    const arn = machines[`shop/${approve.id}`]!;
    await runStartStep(arn, id, approve);
    await awsClients.dynamoClient().send(new PutCommand({ TableName: tableName('locks'), Item: { pk: 'cluster#shop-prod', holder: id } }));

    const canceled = await call(deps, 'POST', `/executions/${id}/cancel`, { body: {} });
    expect(canceled.body).toMatchObject({ status: 'CANCELED', changed: true });
    const described = await awsClients
      .sfnClient()
      .send(new DescribeExecutionCommand({ executionArn: `${arn.replace(':stateMachine:', ':execution:')}:${id}` }));
    expect(described.status).toBe('ABORTED');
    expect(triggers.notifier.events.filter((e) => e.event === 'pipeline.failed')).toHaveLength(1);
    const locks = await awsClients.dynamoClient().send(new ScanCommand({ TableName: tableName('locks') }));
    expect(locks.Items).toEqual([]);
  });
});

describe('routing and errors', () => {
  it('answers unknown routes with 404 and wrong methods with 405', async () => {
    const { deps } = localDeps([approve]);
    expect((await call(deps, 'GET', '/nothing/here')).status).toBe(404);
    expect((await call(deps, 'DELETE', '/executions/x')).status).toBe(405);
  });
});

describe("the console's reads", () => {
  it('lists applications and their pipelines (DAG, parameter form), executions with stage statuses, under /api too', async () => {
    const { deps, stack } = localDeps([approve, queued]);
    const apps = await call(deps, 'GET', '/applications');
    expect(apps.body).toEqual({ applications: [{ name: 'shop', pipelines: 2, permissions: ['READ', 'EXECUTE', 'WRITE'] }] });
    expect((await call(deps, 'GET', '/api/applications')).body).toEqual(apps.body);
    const pipelines = await call(deps, 'GET', '/applications/shop/pipelines');
    const release = (pipelines.body.pipelines as Array<Record<string, unknown>>)[0]!;
    expect(release).toEqual({
      application: 'shop',
      id: approve.id,
      name: 'release',
      disabled: false,
      parameterConfig: approve.parameterConfig,
      triggers: [],
      stages: [
        { refId: '1', name: 'Approve', type: 'manualJudgment', requisiteStageRefIds: [] },
        { refId: '2', name: 'Vars', type: 'evaluateVariables', requisiteStageRefIds: ['1'] },
      ],
    });
    expect((await call(deps, 'GET', '/applications/nobody/pipelines')).body).toEqual({ pipelines: [] });
    expect((await call(deps, 'GET', '/applications', { query: { x: '1' } })).status).toBe(400);

    const started = await call(deps, 'POST', '/pipelines/shop/release/executions', { body: { parameters: { env: 'prod' } } });
    const id = String(started.body.executionId);
    await waitingForJudgment(deps, id);
    const bars = await call(deps, 'GET', '/executions', { query: { application: 'shop', expand: 'stages' } });
    expect(bars.body.executions).toEqual([
      expect.objectContaining({
        id,
        stages: [
          expect.objectContaining({ refId: '1', name: 'Approve', type: 'manualJudgment', status: 'RUNNING', startTime: expect.any(Number) }),
          { refId: '2', name: 'Vars', type: 'evaluateVariables', status: 'NOT_STARTED' },
        ],
      }),
    ]);
    expect(bars.text).not.toContain('judgmentInputs');
    expect((await call(deps, 'GET', '/executions', { query: { application: 'shop', expand: 'everything' } })).status).toBe(400);
    await call(deps, 'POST', `/executions/${id}/cancel`, { body: {} });
    await stack.launcher.idle();
  });

  it('answers a GET whose If-None-Match names the current ETag with 304 and no body, and a changed one with 200', async () => {
    const { deps, stack } = localDeps([approve]);
    const started = await call(deps, 'POST', '/pipelines/shop/release/executions', { body: { parameters: { env: 'prod' } } });
    expect(started.headers.etag).toBeUndefined();
    const id = String(started.body.executionId);
    await waitingForJudgment(deps, id);
    const first = await call(deps, 'GET', `/api/executions/${id}`);
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^W\/"[\w-]{27}"$/);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const same = await call(deps, 'GET', `/api/executions/${id}`, { headers: { 'If-None-Match': etag } });
    expect(same).toMatchObject({ status: 304, text: '' });
    expect(same.headers.etag).toBe(etag);
    expect((await call(deps, 'GET', `/api/executions/${id}`, { headers: { 'if-none-match': `"other", ${etag.slice(2)}` } })).status).toBe(304);
    expect((await call(deps, 'GET', `/api/executions/${id}`, { headers: { 'if-none-match': '"other"' } })).status).toBe(200);

    await call(deps, 'POST', `/executions/${id}/cancel`, { body: {} });
    const changed = await call(deps, 'GET', `/api/executions/${id}`, { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.body.status).toBe('CANCELED');
    // Errors are never 304, whatever the client sends.
    expect((await call(deps, 'GET', '/executions/nope', { headers: { 'if-none-match': '*' } })).status).toBe(404);
    await stack.launcher.idle();
  });
});

describe('GET /applications/{application}/clusters', () => {
  it('shows every cluster of the application with version, image, capacity, enabled state and health', async () => {
    const clients = freshClients();
    const network = await createNetwork(clients);
    await createServerGroup(clients, deploySpec(network, { capacity: { min: 1, max: 2, desired: 2 } }));
    await createServerGroup(clients, deploySpec(network, { stack: 'staging', capacity: { min: 1, max: 1, desired: 1 } }));
    await createServerGroup(clients, deploySpec(network, { application: 'other' }));
    const { deps } = localDeps([approve]);
    const response = await call(deps, 'GET', '/applications/app/clusters', { query: { region: 'us-east-1' } });
    expect(response.status).toBe(200);
    const view = response.body as { application: string; region: string; clusters: Array<{ cluster: string; serverGroups: Array<Record<string, unknown>> }> };
    expect(view.clusters.map((c) => c.cluster)).toEqual(['app-prod', 'app-staging']);
    expect(view.clusters[0]!.serverGroups[0]).toMatchObject({
      name: 'app-prod-v000',
      version: 'v000',
      imageId: network.imageId,
      instanceType: 't3.micro',
      capacity: { min: 1, max: 2, desired: 2 },
      enabled: true,
      health: { total: 2, up: 2, down: 0, state: 'up' },
    });
    const { clusters: _c, ...noDriver } = deps;
    expect((await call(noDriver, 'GET', '/applications/app/clusters')).status).toBe(501);
    expect((await call(deps, 'GET', '/applications/app/clusters', { query: { account: 'nope' } })).status).toBe(400);
  });
});

describe('application permissions (Fiat model)', () => {
  const other = pipelineOf({ application: 'open', name: 'thing', stages: [{ refId: '1', type: 'wait', name: 'Wait', waitTime: 1 }] });
  const role = (account: string, name: string, session = 's') => ({
    authorizer: { iam: { userArn: `arn:aws:sts::${account}:assumed-role/${name}/${session}` } },
  });
  const READER = role('123456789012', 'readers');
  const DEPLOYER = role('111111111111', 'deployers');
  const SAME_NAME_OTHER_ACCOUNT = role('222222222222', 'deployers');
  const authorizer = fiatAuthorizer(
    { shop: { READ: ['readers'], EXECUTE: ['arn:aws:iam::111111111111:role/deployers'], WRITE: ['arn:aws:iam::111111111111:role/admins'] } },
    '123456789012',
  );

  it('GIVEN READ and EXECUTE roles WHEN each operation is called THEN it is checked and a refusal is 403 naming the missing permission', async () => {
    const { deps } = localDeps([approve, other]);
    const trigger = (context: Record<string, unknown>) =>
      call(deps, 'POST', '/pipelines/shop/release/executions', { body: { parameters: { env: 'prod' } }, context, authorizer });

    const refused = await trigger(READER);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe("s (readers in 123456789012) lacks EXECUTE permission on application 'shop'");
    // The role's name is not enough: the account is part of it, and the session name is not an identity.
    expect((await trigger(SAME_NAME_OTHER_ACCOUNT)).status).toBe(403);
    expect((await trigger(role('123456789012', 'deployers', 'deployers'))).status).toBe(403);
    const started = await trigger(DEPLOYER);
    expect(started.status).toBe(202);
    const id = String(started.body.executionId);
    await waitingForJudgment(deps, id);

    // READ: list, get, pipelines, applications (filtered), clusters.
    for (const [method, path, query] of [
      ['GET', '/executions', { application: 'shop' }],
      ['GET', `/executions/${id}`, undefined],
      ['GET', '/applications/shop/pipelines', undefined],
    ] as const) {
      expect((await call(deps, method, path, { ...(query ? { query } : {}), context: READER, authorizer })).status, path).toBe(200);
      const denied = await call(deps, method, path, { ...(query ? { query } : {}), context: SAME_NAME_OTHER_ACCOUNT, authorizer });
      expect(denied.status, path).toBe(403);
      expect(denied.body.message).toContain("lacks READ permission on application 'shop'");
    }
    const apps = await call(deps, 'GET', '/applications', { context: SAME_NAME_OTHER_ACCOUNT, authorizer });
    expect((apps.body.applications as Array<{ name: string }>).map((a) => a.name)).toEqual(['open']);
    // Each listed with the caller's permissions, which the console shows its actions by.
    const asReader = await call(deps, 'GET', '/applications', { context: READER, authorizer });
    expect(asReader.body.applications).toEqual([
      { name: 'open', pipelines: 1, permissions: ['READ', 'EXECUTE', 'WRITE'] },
      { name: 'shop', pipelines: 1, permissions: ['READ'] },
    ]);
    const asDeployer = await call(deps, 'GET', '/applications', { context: DEPLOYER, authorizer });
    expect((asDeployer.body.applications as Array<{ name: string; permissions: string[] }>).find((a) => a.name === 'shop')!.permissions).toEqual([
      'READ',
      'EXECUTE',
    ]);
    // EXECUTE also grants READ.
    expect((await call(deps, 'GET', `/executions/${id}`, { context: DEPLOYER, authorizer })).status).toBe(200);

    // EXECUTE: judge, pause, resume, restart, cancel on the execution's application.
    for (const [path, body] of [
      [`/executions/${id}/stages/Approve/judgment`, { judgment: 'stop' }],
      [`/executions/${id}/pause`, {}],
      [`/executions/${id}/resume`, {}],
      [`/executions/${id}/stages/Approve/restart`, {}],
      [`/executions/${id}/cancel`, {}],
      [`/executions/${id}/promote`, {}],
    ] as const) {
      const denied = await call(deps, 'POST', path, { body, context: READER, authorizer });
      expect(denied.status, path).toBe(403);
      expect(denied.body.message).toContain("lacks EXECUTE permission on application 'shop'");
    }
    // With EXECUTE, a promote is checked against the execution: nothing waits for one here (409, named).
    const promote = await call(deps, 'POST', `/executions/${id}/promote`, { body: {}, context: DEPLOYER, authorizer });
    expect([promote.status, promote.body.message]).toEqual([409, `execution ${id} has no stage waiting for a promote`]);
    expect((await call(deps, 'POST', `/executions/${id}/cancel`, { body: {}, context: DEPLOYER, authorizer })).status).toBe(200);

    // An application the file does not list is open, as in Fiat.
    expect((await call(deps, 'POST', '/pipelines/open/thing/executions', { body: {}, context: SAME_NAME_OTHER_ACCOUNT, authorizer })).status).toBe(202);
  });
});
