/**
 * Every route of the HTTP API checks the caller's application permission (issue 11, permissions on
 * new routes): the test enumerates ROUTES, so a route added without an entry here fails, and one
 * added without its check fails the refusal. Callers are console users as API Gateway's JWT
 * authorizer hands them on (Cognito ID token claims, cognito:groups as roles; issue 17 item 2): a
 * group name is a role in the permissions file, and a group spelled like an IAM role is not that role.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handleApiRequest } from '../../../functions/api/handler.js';
import type { OperationsDeps } from '../../../functions/api/operations.js';
import { fiatAuthorizer, type Permission } from '../../../functions/api/permissions.js';
import { ROUTES } from '../../../functions/api/routes.js';
import { MemoryNotifier } from '../../../functions/core/notifications.js';
import { StaticPipelineRegistry } from '../../../functions/core/pipeline-registry.js';
import { inProcessStack } from '../../../functions/triggers/local.js';
import { MemoryLog } from '../../../functions/core/log.js';
import { LocalRuntime } from '../../../local/runtime.js';
import { httpEvent, pipelineOf, useTriggerAws } from '../triggers/support.js';

useTriggerAws();
beforeEach(() => void vi.stubEnv('GENNAKER_ACCOUNT_ID', '123456789012'));

const release = pipelineOf({
  application: 'shop',
  name: 'release',
  limitConcurrent: false,
  stages: [{ refId: '1', type: 'manualJudgment', name: 'Approve', judgmentInputs: [{ value: 'ship' }] }],
});

/** A console user: the claims of a Cognito ID token, as the HTTP API's JWT authorizer passes them. */
const consoleUser = (email: string, groups: string | string[]) => ({
  authorizer: { jwt: { claims: { sub: `sub-${email}`, email, 'cognito:groups': groups, token_use: 'id' }, scopes: null } },
});
const READER = consoleUser('rita@example.com', '[readers]');
const DEPLOYER = consoleUser('dan@example.com', '[deployers readers]');
const STRANGER = consoleUser('sam@example.com', '[]');
/** A group an administrator named like the deployers' IAM role: still only a group. */
const LOOKALIKE = consoleUser('lou@example.com', ['arn:aws:iam::111111111111:role/deployers']);

const authorizer = fiatAuthorizer(
  { shop: { READ: ['readers'], EXECUTE: ['deployers', 'arn:aws:iam::111111111111:role/deployers'], WRITE: ['admins'] } },
  '123456789012',
);

/**
 * How to call each route and what it needs. A new route must be added here: the first test fails
 * until it is, and the second then proves it refuses a caller without the permission.
 * FILTERS: the route answers everyone and shows only what the caller may READ.
 */
const RECIPES: Readonly<Record<string, { permission: Permission | 'FILTERS'; query?: Record<string, string>; body?: unknown }>> = {
  'GET /applications': { permission: 'FILTERS' },
  'GET /applications/{application}/pipelines': { permission: 'READ' },
  'POST /pipelines/{application}/{pipeline}/executions': { permission: 'EXECUTE', body: {} },
  'GET /executions': { permission: 'READ', query: { application: 'shop' } },
  'GET /executions/{id}': { permission: 'READ' },
  'POST /executions/{id}/cancel': { permission: 'EXECUTE', body: {} },
  'POST /executions/{id}/pause': { permission: 'EXECUTE', body: {} },
  'POST /executions/{id}/resume': { permission: 'EXECUTE', body: {} },
  'POST /executions/{id}/stages/{stage}/judgment': { permission: 'EXECUTE', body: { judgment: 'continue', input: 'ship' } },
  'POST /executions/{id}/stages/{stage}/restart': { permission: 'EXECUTE', body: {} },
  'POST /executions/{id}/promote': { permission: 'EXECUTE', body: {} },
  'GET /applications/{application}/clusters': { permission: 'READ' },
};

/** The caller who holds every permission but the one a route needs. */
const LACKING: Readonly<Record<Permission, Record<string, unknown>>> = { READ: STRANGER, EXECUTE: READER, WRITE: DEPLOYER };

function localDeps() {
  const runtime = new LocalRuntime({ timeScale: 100, tickMs: 10, judge: { kind: 'external' } });
  const stack = inProcessStack(runtime, { registry: new StaticPipelineRegistry([release]), log: new MemoryLog(), notifier: new MemoryNotifier() });
  const deps: OperationsDeps = { triggers: stack.triggers, stopper: stack.launcher.stopper, resume: async () => undefined };
  return { deps, stack };
}

async function call(
  deps: OperationsDeps,
  method: string,
  path: string,
  context: Record<string, unknown>,
  options: { query?: Record<string, string>; body?: unknown } = {},
) {
  const event: APIGatewayProxyEventV2 = httpEvent({
    method,
    path,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    ...(options.query ? { query: options.query } : {}),
    requestContext: context,
  });
  const response = await handleApiRequest(event, deps, authorizer);
  const text = String(response.body ?? '');
  return { status: response.statusCode!, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

function pathOf(pattern: string, executionId: string): string {
  const values: Record<string, string> = { application: 'shop', pipeline: 'release', id: executionId, stage: 'Approve' };
  return pattern.replace(/\{([^}]+)\}/g, (_, name: string) => values[name] ?? 'x');
}

describe('every API route checks its permission', () => {
  it('has a recipe for every route (add one, with the permission it needs, for a new route)', () => {
    const missing = ROUTES.map((r) => `${r.method} ${r.pattern}`).filter((key) => !RECIPES[key]);
    expect(missing).toEqual([]);
  });

  it('refuses a caller without the needed permission on every route (403 naming it), through the console prefix too', async () => {
    const { deps, stack } = localDeps();
    // A console user in the deployers group starts the run the execution routes act on.
    const started = await call(deps, 'POST', '/api/pipelines/shop/release/executions', DEPLOYER, { body: {} });
    expect(started.status).toBe(202);
    const id = String(started.body.executionId);
    for (let i = 0; i < 200 && (await deps.triggers.store.getExecution(id)) === undefined; i++) await new Promise((r) => setTimeout(r, 25));

    for (const route of ROUTES) {
      const key = `${route.method} ${route.pattern}`;
      const recipe = RECIPES[key]!;
      const path = pathOf(route.pattern, id);
      const request = { ...(recipe.query ? { query: recipe.query } : {}), ...(recipe.body !== undefined ? { body: recipe.body } : {}) };
      if (recipe.permission === 'FILTERS') {
        const listed = await call(deps, route.method, path, STRANGER, request);
        expect(listed.status, key).toBe(200);
        expect(JSON.stringify(listed.body), key).not.toContain('"shop"');
        expect(JSON.stringify((await call(deps, route.method, path, READER, request)).body), key).toContain('"shop"');
        continue;
      }
      for (const prefix of ['', '/api']) {
        const refused = await call(deps, route.method, `${prefix}${path}`, LACKING[recipe.permission], request);
        expect(refused.status, `${key} without ${recipe.permission}`).toBe(403);
        expect(refused.body.message, key).toContain(`lacks ${recipe.permission} permission on application 'shop'`);
      }
      if (recipe.permission === 'READ') expect((await call(deps, route.method, path, READER, request)).status, key).not.toBe(403);
    }

    // A group spelled as the deployers' IAM role is not that role.
    const lookalike = await call(deps, 'POST', `/executions/${id}/cancel`, LOOKALIKE, { body: {} });
    expect(lookalike.status).toBe(403);
    // The deployers group may act: the judgment is recorded under the console user's name.
    const judged = await call(deps, 'POST', `/api/executions/${id}/stages/Approve/judgment`, DEPLOYER, { body: { judgment: 'continue', input: 'ship' } });
    expect(judged.status).toBe(200);
    expect(judged.body).toMatchObject({ context: { lastModifiedBy: 'dan@example.com' } });
    await stack.launcher.idle();
  });
});
