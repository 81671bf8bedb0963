/**
 * The CLI against a "deployed stack": the real API handler served over HTTP on 127.0.0.1 (as API
 * Gateway would invoke it), reached by `gennaker trigger|cancel|clusters --api <url>`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.js';
import type { Io } from '../../../cli/io.js';
import { cloudClusterReader } from '../../../functions/api/clusters.js';
import { httpApi } from '../../../functions/api/http-client.js';
import { sleep } from '../../../local/clock.js';
import { handleApiRequest } from '../../../functions/api/handler.js';
import type { OperationsDeps } from '../../../functions/api/operations.js';
import { createServerGroup } from '../../../functions/core/cloud/index.js';
import { MemoryNotifier } from '../../../functions/core/notifications.js';
import { StaticPipelineRegistry } from '../../../functions/core/pipeline-registry.js';
import { lifecycleSuccessors } from '../../../functions/triggers/lifecycle/lifecycle.js';
import { inProcessStack } from '../../../functions/triggers/local.js';
import { MemoryLog } from '../../../functions/core/log.js';
import { LocalRuntime } from '../../../local/runtime.js';
import { createNetwork, deploySpec, freshClients } from '../../support/cloud/fixtures.js';
import { httpEvent, pipelineOf, useTriggerAws } from '../triggers/support.js';

useTriggerAws();

const release = pipelineOf({
  application: 'app',
  name: 'release',
  limitConcurrent: false,
  parameterConfig: [{ name: 'env', required: true, hasOptions: true, options: [{ value: 'prod' }, { value: 'staging' }] }],
  stages: [{ refId: '1', type: 'manualJudgment', name: 'Approve' }],
});

let server: Server;
let url = '';

beforeAll(async () => {
  const runtime = new LocalRuntime({ timeScale: 100, tickMs: 10, judge: { kind: 'external' } });
  const stack = inProcessStack(runtime, { registry: new StaticPipelineRegistry([release]), log: new MemoryLog(), notifier: new MemoryNotifier() });
  const deps: OperationsDeps = {
    triggers: stack.triggers,
    stopper: stack.launcher.stopper,
    resume: async () => undefined,
    successors: lifecycleSuccessors(stack.lifecycle),
    clusters: cloudClusterReader(),
  };
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => void answer());
    const answer = async () => {
      const target = new URL(req.url ?? '/', 'http://localhost');
      const event = httpEvent({
        method: req.method ?? 'GET',
        path: target.pathname,
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
        ...(body ? { body } : {}),
        ...(target.search ? { query: Object.fromEntries(target.searchParams) } : {}),
        // What API Gateway's IAM authorizer puts there for a signed request.
        requestContext: { authorizer: { iam: { userArn: 'arn:aws:iam::123456789012:user/cli' } } },
      });
      const result = await handleApiRequest(event, deps);
      res.writeHead(result.statusCode ?? 200, { 'content-type': 'application/json' }).end(result.body ?? '');
    };
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function cli(...args: string[]) {
  const lines: string[] = [];
  let code = 0;
  const io: Io = { out: (l) => lines.push(l), err: (l) => lines.push(l), write: (t) => lines.push(t), exit: (c) => (code = c) };
  await main(args, io);
  return { code, text: lines.join('\n') };
}

describe('gennaker against the HTTP API', () => {
  it('triggers with checked parameters, then cancels the run', async () => {
    const bad = await cli('trigger', 'app', 'release', '-p', 'env=qa', '--api', url);
    expect(bad.code).not.toBe(0);
    expect(bad.text).toContain("'qa' is not one of: prod, staging");

    const started = await cli('trigger', 'app', 'release', '-p', 'env=prod', '--api', url);
    expect(started.code).toBe(0);
    const executionId = /"executionId": "([^"]+)"/.exec(started.text)![1]!;

    // The run starts asynchronously: cancel once its record exists, as a person would see it listed.
    const api = httpApi({ baseUrl: url });
    for (let i = 0; i < 100 && !(await api.getExecution(executionId).catch(() => undefined)); i++) await sleep(50);
    const canceled = await cli('cancel', executionId, '--reason', 'wrong build', '--api', url);
    expect(canceled.text).toBe(`${executionId}: CANCELED`);
    expect(canceled.code).toBe(0);
  });

  it('shows the clusters of an application', async () => {
    const clients = freshClients();
    const network = await createNetwork(clients);
    await createServerGroup(clients, deploySpec(network, { capacity: { min: 1, max: 1, desired: 1 } }));
    const r = await cli('clusters', 'app', '--region', 'us-east-1', '--api', url);
    expect(r.code).toBe(0);
    expect(r.text).toMatch(/app-prod\n\s+app-prod-v000\s+serving\s+1\/1\/1\s+ami-\w+\s+1\/1 up/);
  });

  it('answers an error the same over HTTP and locally: status and exit code from its kind', async () => {
    // UnknownAccountError is user input: HTTP 400 from the API, exit 2 from the CLI either way.
    const api = await fetch(`${url}/applications/app/clusters?account=nope`);
    expect(api.status).toBe(400);
    expect(await api.json()).toMatchObject({ error: 'UnknownAccountError' });
    const remote = await cli('clusters', 'app', '--account', 'nope', '--api', url);
    expect(remote.code).toBe(2);
    expect(remote.text).toContain('nope');
    const local = await cli('clusters', 'app', '--account', 'nope');
    expect(local.code).toBe(2);
    expect(local.text).toContain('nope');
    // Not found: 404 and exit 1.
    const missing = await cli('cancel', 'no-such-execution', '--api', url);
    expect(missing.code).toBe(1);
    expect(missing.text).toContain("no execution 'no-such-execution'");
  });
});
