import { describe, expect, it } from 'vitest';
import { deliverWebhookCallback } from '../../../../functions/stages/external/webhook/callback.js';
import { CALLBACK_URL_HEADER } from '../../../../functions/stages/external/webhook/config.js';
import { WebhookCallbackError } from '../../../../functions/stages/external/errors.js';
import { INVALID_CALLBACK_TOKEN } from '../../../../functions/stages/external/index.js';
import { handler as callbackHandler } from '../../../../functions/triggers/webhook-callback/handler.js';
import { validatePipeline } from '../../../../state-machines/model/validate.js';
import type { Pipeline } from '../../../../state-machines/model/pipeline.js';
import { json } from '../support/http-server.js';
import { useWebhookRuntime, webhookRuntime } from '../support/webhook-runtime.js';

function pipelineOf(raw: Record<string, unknown>): Pipeline {
  const result = validatePipeline({ application: 'shop', name: 'release', ...raw });
  if (!result.pipeline) throw new Error(result.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  return result.pipeline;
}

describe('pipelines with webhook stages, run locally', () => {
  const web = useWebhookRuntime(() => ({ callbackBaseUrl: 'https://gennaker.example/callbacks' }));

  it('cancels the run when the webhook reports one of its canceled statuses, and runs nothing after it', async () => {
    web.server.route((req, res) => (req.method === 'POST' ? json(res, 202, {}) : json(res, 200, { state: 'ABORTED' })));
    const pipeline = pipelineOf({
      stages: [
        {
          refId: '1',
          type: 'webhook',
          name: 'Deploy',
          url: `${web.server.url}/deploy`,
          method: 'POST',
          waitForCompletion: true,
          statusUrlResolution: 'getMethod',
          statusJsonPath: '$.state',
          canceledStatuses: 'ABORTED',
        },
        { refId: '2', requisiteStageRefIds: ['1'], type: 'wait', name: 'After', waitTime: 1 },
      ],
    });
    const runtime2 = webhookRuntime();
    const result = await runtime2.start(pipeline).result;
    await runtime2.idle();
    expect(result.status).toBe('CANCELED');
    const [deploy, after] = result.execution.stages;
    expect(deploy).toMatchObject({ status: 'CANCELED', error: 'the webhook reported "ABORTED", one of its canceled statuses' });
    expect(after?.status).toBe('NOT_STARTED');
    expect(result.execution.error).toBe(`stage 'Deploy' CANCELED: the webhook reported "ABORTED", one of its canceled statuses`);
  });

  it("starts a deploy with one webhook and polls its status with the next, reading the first one's answer", async () => {
    let polls = 0;
    web.server.route((req, res) => {
      if (req.method === 'POST' && req.url === '/deployments') return json(res, 201, { id: `dep-${(JSON.parse(req.body) as { version: string }).version}` });
      if (req.url === '/deployments/dep-2.0.1/status') {
        polls += 1;
        return json(res, 200, { state: polls < 3 ? 'in_progress' : 'success', step: `step ${polls}` });
      }
      return json(res, 404, {});
    });
    const pipeline = pipelineOf({
      parameterConfig: [{ name: 'version', default: '2.0.1' }],
      stages: [
        {
          refId: '1',
          type: 'webhook',
          name: 'Start deploy',
          url: `${web.server.url}/deployments`,
          method: 'POST',
          payload: { version: '${parameters.version}' },
        },
        {
          refId: '2',
          requisiteStageRefIds: ['1'],
          type: 'webhook',
          name: 'Watch deploy',
          method: 'GET',
          url: `${web.server.url}/deployments/\${#stage('Start deploy')['context']['webhook']['body']['id']}/status`,
          waitForCompletion: true,
          statusJsonPath: '$.state',
          progressJsonPath: '$.step',
          successStatuses: 'success',
          terminalStatuses: 'failure, error',
        },
      ],
    });

    const result = await web.runtime.start(pipeline).result;

    expect(result.status).toBe('SUCCEEDED');
    const [start, watch] = result.execution.stages;
    expect(start).toMatchObject({ status: 'SUCCEEDED', outputs: { webhook: { statusCode: 'CREATED', statusCodeValue: 201 } } });
    expect(watch).toMatchObject({ status: 'SUCCEEDED', outputs: { webhook: { status: 'success', progressMessage: 'step 3' } } });
    expect(web.server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /deployments',
      'GET /deployments/dep-2.0.1/status',
      'GET /deployments/dep-2.0.1/status',
      'GET /deployments/dep-2.0.1/status',
    ]);
    expect(JSON.parse(web.server.requests[0]!.body)).toEqual({ version: '2.0.1' });
  });

  it('waits for the called system to call back, accepting only the token it was sent', async () => {
    const callbacks: Array<Promise<unknown>> = [];
    web.server.route((req, res) => {
      json(res, 202, { queued: true });
      const url = new URL(String(req.headers[CALLBACK_URL_HEADER.toLowerCase()]));
      const [, , executionId, refId] = url.pathname.split('/');
      const token = url.searchParams.get('token')!;
      const deliver = (body: unknown, t = token) => deliverWebhookCallback(executionId!, refId!, body, { token: t, store: web.runtime.store });
      // The job reports progress, a forger tries its luck, then the job reports success.
      callbacks.push(
        (async () => {
          await new Promise((r) => setTimeout(r, 50));
          await deliver({ status: 'RUNNING', message: 'migrating' });
          const forged = await deliver({ status: 'SUCCEEDED' }, 'guessed').catch((e: unknown) => e);
          await new Promise((r) => setTimeout(r, 100));
          await deliver({ status: 'SUCCEEDED', rows: 42 });
          return forged;
        })(),
      );
    });
    const pipeline = pipelineOf({
      stages: [
        {
          refId: 'cb',
          type: 'webhook',
          name: 'Run migration',
          url: `${web.server.url}/jobs`,
          statusUrlResolution: 'callback',
          payload: { callback: '{{callbackUrl}}' },
        },
      ],
    });

    const result = await web.runtime.start(pipeline).result;
    const [forged] = await Promise.all(callbacks);

    expect(result.status).toBe('SUCCEEDED');
    expect(forged).toBeInstanceOf(WebhookCallbackError);
    expect(forged).toMatchObject({ httpStatus: 403 });
    const stage = result.execution.stages[0]!;
    expect(stage.context.webhook).toMatchObject({
      statusCodeValue: 202,
      callback: { sequence: 2, status: 'SUCCEEDED', body: { status: 'SUCCEEDED', rows: 42 } },
    });
    expect((JSON.parse(web.server.requests[0]!.body) as { callback: string }).callback).toMatch(/^https:\/\/gennaker\.example\/callbacks\/.+\/cb\?token=/);

    // Too late: the stage no longer waits; the token is expired.
    const token = new URL(String(web.server.requests[0]!.headers[CALLBACK_URL_HEADER.toLowerCase()])).searchParams.get('token')!;
    await expect(deliverWebhookCallback(result.executionId, 'cb', { status: 'FAILED' }, { token, store: web.runtime.store })).rejects.toMatchObject({
      httpStatus: 403,
      detail: 'the stage is SUCCEEDED, no longer waiting',
    });

    // Over HTTP, from the Lambda behind POST /webhooks/callback/{executionId}/{refId}: every token
    // that cannot be used gets the same status and body, whatever the reason.
    const call = (executionId: string, refId: string, t: string | undefined, body: unknown) =>
      callbackHandler({
        version: '2.0',
        routeKey: 'POST /webhooks/callback/{executionId}/{refId}',
        rawPath: `/webhooks/callback/${executionId}/${refId}`,
        rawQueryString: t ? `token=${encodeURIComponent(t)}` : '',
        headers: { 'content-type': 'application/json' },
        pathParameters: { executionId, refId },
        ...(t !== undefined ? { queryStringParameters: { token: t } } : {}),
        body: JSON.stringify(body),
        isBase64Encoded: false,
        requestContext: { http: { method: 'POST', path: `/webhooks/callback/${executionId}/${refId}` } },
      } as unknown as Parameters<typeof callbackHandler>[0]);
    const invalid = [
      ['expired (the stage finished)', result.executionId, 'cb', token],
      ['unknown', result.executionId, 'cb', 'a'.repeat(token.length)],
      ['malformed', result.executionId, 'cb', '%00<script>\u0000'.repeat(50)],
      ['empty', result.executionId, 'cb', ''],
      ['missing', result.executionId, 'cb', undefined],
      ['of another stage', result.executionId, 'nope', token],
      ['of another execution', 'release-00000000-0000-0000-0000-000000000000', 'cb', token],
      ['for an execution id that is not one', '../../etc', 'cb', token],
    ] as const;
    const answers = new Set<string>();
    for (const [, executionId, refId, t] of invalid) {
      const answer = await call(executionId, refId, t, { status: 'FAILED' });
      answers.add(JSON.stringify({ status: answer.statusCode, body: answer.body }));
    }
    expect([...answers]).toEqual([JSON.stringify({ status: 403, body: JSON.stringify({ error: INVALID_CALLBACK_TOKEN }) })]);
  });

  it('records a callback delivered over HTTP while the stage waits', async () => {
    web.server.route((req, res) => {
      json(res, 202, { queued: true });
      const url = new URL(String(req.headers[CALLBACK_URL_HEADER.toLowerCase()]));
      const [, , executionId, refId] = url.pathname.split('/');
      setTimeout(() => {
        void callbackHandler({
          version: '2.0',
          routeKey: 'POST /webhooks/callback/{executionId}/{refId}',
          rawPath: url.pathname,
          rawQueryString: url.search.slice(1),
          headers: { 'content-type': 'application/json' },
          pathParameters: { executionId: executionId!, refId: refId! },
          queryStringParameters: { token: url.searchParams.get('token')! },
          body: JSON.stringify({ status: 'SUCCEEDED', via: 'http' }),
          isBase64Encoded: false,
          requestContext: { http: { method: 'POST', path: url.pathname } },
        } as unknown as Parameters<typeof callbackHandler>[0]);
      }, 50);
    });
    const pipeline = pipelineOf({
      stages: [{ refId: 'cb', type: 'webhook', name: 'Run job', url: `${web.server.url}/jobs`, statusUrlResolution: 'callback' }],
    });
    const result = await web.runtime.start(pipeline).result;
    expect(result.status).toBe('SUCCEEDED');
    expect(result.execution.stages[0]!.context.webhook).toMatchObject({ callback: { status: 'SUCCEEDED', body: { via: 'http' } } });
  });

  it('fails the pipeline when the webhook reports a terminal status', async () => {
    web.server.route((req, res) => (req.method === 'POST' ? json(res, 200, {}) : json(res, 200, { state: 'error' })));
    const pipeline = pipelineOf({
      stages: [
        { refId: '1', type: 'webhook', name: 'Hook', url: `${web.server.url}/x`, waitForCompletion: true, statusJsonPath: 'state', terminalStatuses: 'error' },
      ],
    });

    const result = await web.runtime.start(pipeline).result;

    expect(result.status).toBe('TERMINAL');
    expect(result.execution.stages[0]).toMatchObject({ status: 'TERMINAL', error: 'the webhook reported "error", one of its terminal statuses' });
  });
});
