/**
 * Spinnaker's generic webhook trigger against the emulator: POST /webhooks/webhook/{source},
 * payloadConstraints, parameters from the payload, and Docker Hub's real push webhook through it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readWebhookRequest, respond } from '../../../functions/triggers/http.js';
import { hubSignature256 } from '../../../functions/triggers/signatures.js';
import { handleGenericWebhook } from '../../../functions/triggers/webhook/webhook.js';
import { removeAllFaults } from '../../support/faults.js';
import { executionInput, httpEvent, pipelineOf, sample, sfnExecutions, type TestDeps, useTriggerAws, triggerSetup, WAIT_STAGE } from './support.js';

useTriggerAws();
afterEach(() => removeAllFaults());

const SECRETS_ID = 'gennaker/webhooks';
const TOKEN = 'dockerhub-t0ken';
const SIGNING = 'ci-s3cret';

const dockerhub = pipelineOf({
  application: 'hub',
  name: 'on-push',
  limitConcurrent: false,
  triggers: [{ type: 'webhook', source: 'dockerhub', payloadConstraints: { callback_url: 'registry\\.hub\\.docker\\.com/u/svendowideit/' } }],
  stages: WAIT_STAGE,
});
const otherRepo = pipelineOf({
  application: 'hub',
  name: 'other-repo',
  limitConcurrent: false,
  triggers: [{ type: 'webhook', source: 'dockerhub', payloadConstraints: { callback_url: '/u/someone-else/' } }],
  stages: WAIT_STAGE,
});
const release = pipelineOf({
  application: 'ci',
  name: 'release',
  limitConcurrent: false,
  parameterConfig: [
    { name: 'version', required: true },
    { name: 'env', default: 'staging' },
  ],
  triggers: [{ type: 'webhook', source: 'my-ci' }],
  stages: WAIT_STAGE,
});
const pipelines = [dockerhub, otherRepo, release];

async function deliver(event: ReturnType<typeof httpEvent>, deps: TestDeps) {
  const response = await respond(
    () => deps.log,
    async () => handleGenericWebhook(readWebhookRequest(event), deps, event.pathParameters?.source),
  );
  return { status: response.statusCode!, body: JSON.parse(String(response.body)) as Record<string, unknown> };
}

const setup = () => triggerSetup(pipelines, { secrets: { id: SECRETS_ID, values: { 'webhook:dockerhub': TOKEN, 'webhook:my-ci': SIGNING } } });

describe('generic webhook trigger', () => {
  it("starts the pipelines whose constraints hold for Docker Hub's real push webhook (token in the URL), once", async () => {
    const { machines, deps } = await setup();
    const { raw } = sample('dockerhub/push-docs.json');
    const event = (token: string) =>
      httpEvent({
        path: '/webhooks/webhook/dockerhub',
        pathParameters: { source: 'dockerhub' },
        query: { token },
        headers: { 'Content-Type': 'application/json' },
        body: raw,
      });
    const first = await deliver(event(TOKEN), deps);
    expect(first.status).toBe(202);
    expect(first.body.outcomes).toMatchObject([{ status: 'started', pipeline: 'hub/on-push' }]);
    expect((await deliver(event(TOKEN), deps)).body.outcomes).toMatchObject([{ status: 'duplicate' }]);
    expect((await deliver(event('wrong'), deps)).status).toBe(401);
    const [execution] = await sfnExecutions(machines['hub/hub-on-push']!);
    const input = await executionInput(machines['hub/hub-on-push']!, execution!.name);
    expect(input.trigger).toMatchObject({ type: 'webhook', source: 'dockerhub', payload: { push_data: { tag: 'latest' } } });
    expect(await sfnExecutions(machines['hub/hub-other-repo']!)).toHaveLength(0);
  });

  it("passes the payload's parameters to the execution, signed with HMAC", async () => {
    const { machines, deps } = await setup();
    const body = JSON.stringify({ parameters: { version: '2.0.1' }, commit: 'abc123' });
    const event = httpEvent({
      path: '/webhooks/webhook/my-ci',
      pathParameters: { source: 'my-ci' },
      headers: { 'X-Hub-Signature-256': hubSignature256(SIGNING, Buffer.from(body)) },
      body,
    });
    const response = await deliver(event, deps);
    expect(response.body.outcomes).toMatchObject([{ status: 'started', pipeline: 'ci/release' }]);
    const [execution] = await sfnExecutions(machines['ci/ci-release']!);
    const input = await executionInput(machines['ci/ci-release']!, execution!.name);
    expect(input.parameters).toEqual({ version: '2.0.1', env: 'staging' });
    expect(input.trigger).toMatchObject({ type: 'webhook', source: 'my-ci', payload: { commit: 'abc123' } });
  });

  it('refuses unknown-secret sources, bad source names and malformed bodies without starting anything', async () => {
    const { machines, deps } = await setup();
    expect((await deliver(httpEvent({ path: '/webhooks/webhook/nobody', pathParameters: { source: 'nobody' }, body: '{}' }), deps)).status).toBe(401);
    expect((await deliver(httpEvent({ path: '/webhooks/webhook/x', pathParameters: { source: '../x' }, body: '{}' }), deps)).status).toBe(400);
    const bad = '[1,2]';
    const signed = httpEvent({
      path: '/webhooks/webhook/my-ci',
      pathParameters: { source: 'my-ci' },
      headers: { 'X-Hub-Signature-256': hubSignature256(SIGNING, Buffer.from(bad)) },
      body: bad,
    });
    expect((await deliver(signed, deps)).status).toBe(400);
    expect(await sfnExecutions(machines['ci/ci-release']!)).toHaveLength(0);
  });
});
