/**
 * Git push webhooks end to end against the emulator: the real GitHub, GitLab and Bitbucket
 * payloads, signed as their senders sign them, start exactly one Step Functions execution per
 * delivery; tampered, unsigned, oversized and malformed deliveries start nothing.
 */
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { awsClients } from '../../../functions/core/aws-clients.js';
import { handleGitWebhook } from '../../../functions/triggers/git/webhook.js';
import { readWebhookRequest, respond } from '../../../functions/triggers/http.js';
import { hubSignature256 } from '../../../functions/triggers/signatures.js';
import { crash, injectFault, removeAllFaults } from '../../support/faults.js';
import {
  createSecret,
  deployStateMachines,
  executionInput,
  httpEvent,
  pipelineOf,
  sample,
  sampleHeaders,
  sfnExecutions,
  type TestDeps,
  triggerDeps,
  useTriggerAws,
  triggerSetup,
  WAIT_STAGE,
} from './support.js';

useTriggerAws();
afterEach(() => removeAllFaults());

const github = pipelineOf({
  application: 'hello',
  name: 'deploy',
  triggers: [{ type: 'git', source: 'github', project: 'Codertocat', slug: 'Hello-World', branch: 'master' }],
  stages: WAIT_STAGE,
});
const gitlab = pipelineOf({
  application: 'diaspora',
  name: 'build',
  triggers: [{ type: 'git', source: 'gitlab', project: 'mike', slug: 'diaspora', branch: 'mas.*' }],
  stages: WAIT_STAGE,
});
const bitbucket = pipelineOf({
  application: 'repo',
  name: 'ship',
  triggers: [{ type: 'git', source: 'bitbucket', project: 'team_name', slug: 'repo_name', branch: 'name-of-.*' }],
  stages: WAIT_STAGE,
});
const bitbucketServer = pipelineOf({
  application: 'proj',
  name: 'release',
  triggers: [{ type: 'git', source: 'bitbucket', project: 'PROJ', slug: 'repository', branch: 'master' }],
  stages: WAIT_STAGE,
});
const pipelines = [github, gitlab, bitbucket, bitbucketServer];

const SECRETS_ID = 'gennaker/webhooks';
const GITHUB_SECRET = 'gh-s3cret-value';
const GITLAB_SECRET = 'gl-t0ken-value';
const BITBUCKET_SECRET = 'bb-s3cret-value';

function setup(options: { secrets?: boolean; allowUnsigned?: boolean } = {}): Promise<{ deps: TestDeps; machines: Record<string, string> }> {
  return triggerSetup(pipelines, {
    ...(options.secrets !== false
      ? { secrets: { id: SECRETS_ID, values: { github: GITHUB_SECRET, gitlab: GITLAB_SECRET, bitbucket: BITBUCKET_SECRET } } }
      : {}),
    ...(options.allowUnsigned ? { allowUnsigned: true } : {}),
  });
}

function githubDelivery(overrides: { body?: string; signature?: string | null; delivery?: string } = {}) {
  const { raw } = sample('github/push-branch-created.json');
  const body = overrides.body ?? raw;
  const headers: Record<string, string> = { ...sampleHeaders('github/push-branch-created.headers.json') };
  if (overrides.delivery) headers['X-GitHub-Delivery'] = overrides.delivery;
  const signature = overrides.signature === undefined ? hubSignature256(GITHUB_SECRET, Buffer.from(body)) : overrides.signature;
  if (signature !== null) headers['X-Hub-Signature-256'] = signature;
  return httpEvent({ path: '/webhooks/git/github', pathParameters: { provider: 'github' }, headers, body });
}

async function deliver(event: ReturnType<typeof httpEvent>, deps: TestDeps) {
  const response = await respond(
    () => deps.log,
    async () => handleGitWebhook(readWebhookRequest(event), deps, event.pathParameters?.provider),
  );
  return { status: response.statusCode!, body: JSON.parse(String(response.body)) as Record<string, unknown> };
}

describe('GitHub push', () => {
  it('starts the matching pipeline once, with the git trigger object as input', async () => {
    const { deps, machines } = await setup();
    const response = await deliver(githubDelivery(), deps);
    expect(response.status).toBe(202);
    const [outcome] = response.body.outcomes as Array<{ status: string; executionId: string; pipeline: string }>;
    expect(outcome).toMatchObject({ status: 'started', pipeline: 'hello/deploy' });
    const executions = await sfnExecutions(machines['hello/hello-deploy']!);
    expect(executions.map((e) => e.name)).toEqual([outcome!.executionId]);

    const described = await awsClients
      .sfnClient()
      .send(
        new DescribeExecutionCommand({ executionArn: `${machines['hello/hello-deploy']!.replace(':stateMachine:', ':execution:')}:${outcome!.executionId}` }),
      );
    const input = JSON.parse(described.input!) as { executionId: string; trigger: Record<string, unknown> };
    expect(input.executionId).toBe(outcome!.executionId);
    expect(input.trigger).toMatchObject({
      type: 'git',
      source: 'github',
      project: 'Codertocat',
      slug: 'Hello-World',
      branch: 'master',
      hash: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
      user: 'Codertocat',
      action: 'push:push',
      parameters: {},
    });
    expect(input.trigger).not.toHaveProperty('secret');
  });

  it('starts one execution when the same delivery arrives twice', async () => {
    const { deps, machines } = await setup();
    const first = await deliver(githubDelivery(), deps);
    const replay = await deliver(githubDelivery(), deps);
    expect(replay.status).toBe(202);
    const firstId = (first.body.outcomes as Array<{ executionId: string }>)[0]!.executionId;
    expect(replay.body.outcomes).toEqual([{ pipeline: 'hello/deploy', status: 'duplicate', executionId: firstId }]);
    expect(await sfnExecutions(machines['hello/hello-deploy']!)).toHaveLength(1);
  });

  it('starts one execution for many concurrent copies of a delivery', async () => {
    const { deps, machines } = await setup();
    const responses = await Promise.all(Array.from({ length: 25 }, () => deliver(githubDelivery(), deps)));
    const statuses = responses.flatMap((r) => (r.body.outcomes as Array<{ status: string }>).map((o) => o.status));
    expect(statuses.filter((s) => s === 'started')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(24);
    expect(await sfnExecutions(machines['hello/hello-deploy']!)).toHaveLength(1);
  });

  it('queues another delivery of the same push behind the running one (one run at a time by default)', async () => {
    const { deps, machines } = await setup();
    await deliver(githubDelivery({ delivery: 'delivery-1' }), deps);
    const nextPush = sample('github/push-branch-created.json').raw.replaceAll(
      '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
      '7113728f27ae82c7b1a177c8d03f9e96e0adf246',
    );
    const second = await deliver(githubDelivery({ delivery: 'delivery-2', body: nextPush }), deps);
    const [outcome] = second.body.outcomes as Array<{ status: string; executionId: string }>;
    expect(outcome!.status).toBe('waiting');
    expect((await deps.store.getExecution(outcome!.executionId))?.status).toBe('NOT_STARTED');
    expect(await sfnExecutions(machines['hello/hello-deploy']!)).toHaveLength(1);
  });

  it.each([
    [
      'a tampered body',
      () =>
        githubDelivery({
          signature: hubSignature256(GITHUB_SECRET, Buffer.from(sample('github/push-branch-created.json').raw)),
          body: sample('github/push-branch-created.json').raw.replace('master', 'mastes'),
        }),
    ],
    [
      'a signature made with another secret',
      () => githubDelivery({ signature: hubSignature256('not-the-secret', Buffer.from(sample('github/push-branch-created.json').raw)) }),
    ],
    ['no signature', () => githubDelivery({ signature: null })],
    ['a malformed signature header', () => githubDelivery({ signature: 'sha256=zz' })],
    ['a SHA-1 signature in the SHA-256 header', () => githubDelivery({ signature: 'sha1=0123456789abcdef0123456789abcdef01234567' })],
  ])('refuses %s with 401 and starts nothing', async (_name, make) => {
    const { deps, machines } = await setup();
    const response = await deliver(make(), deps);
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('BadSignatureError');
    expect(await sfnExecutions(machines['hello/hello-deploy']!)).toHaveLength(0);
    expect(deps.log.text()).not.toContain(GITHUB_SECRET);
  });

  it('starts nothing for a captured signed body replayed with a new delivery id (dedupe on what the signature covers)', async () => {
    const { deps, machines } = await setup();
    const first = await deliver(githubDelivery({ delivery: 'original-id' }), deps);
    const replay = await deliver(githubDelivery({ delivery: 'forged-new-id' }), deps);
    const firstId = (first.body.outcomes as Array<{ executionId: string }>)[0]!.executionId;
    expect(replay.body.outcomes).toEqual([{ pipeline: 'hello/deploy', status: 'duplicate', executionId: firstId }]);
    expect(await sfnExecutions(machines['hello/hello-deploy']!)).toHaveLength(1);
  });

  it('starts one execution for a redelivery under the same X-GitHub-Delivery whose body bytes differ, however many arrive at once', async () => {
    const { deps, machines } = await setup();
    const { json } = sample('github/push-branch-created.json');
    // The same event serialised again (other whitespace): signed, so only the delivery id says it is the same.
    const bodies = [JSON.stringify(json), JSON.stringify(json, null, 1), JSON.stringify(json, null, 2), JSON.stringify(json, null, '\t')];
    const responses = await Promise.all(bodies.map((body) => deliver(githubDelivery({ delivery: 'same-delivery-id', body }), deps)));
    const statuses = responses.flatMap((r) => (r.body.outcomes as Array<{ status: string }>).map((o) => o.status)).sort();
    expect(statuses).toEqual(['duplicate', 'duplicate', 'duplicate', 'started']);
    expect(await sfnExecutions(machines['hello/hello-deploy']!)).toHaveLength(1);
    // What each duplicate was known by is the first run's now: one of those bodies replayed under a new id starts nothing.
    const firstId = responses
      .flatMap((r) => r.body.outcomes as Array<{ status: string; executionId: string }>)
      .find((o) => o.status === 'started')!.executionId;
    for (const body of bodies) {
      const again = await deliver(githubDelivery({ delivery: 'yet-another-id', body }), deps);
      expect(again.body.outcomes).toEqual([{ pipeline: 'hello/deploy', status: 'duplicate', executionId: firstId }]);
    }
  });

  it("starts nothing more when the function dies while handing a duplicate's claim to the first run, nor on redelivery or replay", async () => {
    const { deps, machines } = await setup();
    const { json } = sample('github/push-branch-created.json');
    const first = await deliver(githubDelivery({ delivery: 'id-1' }), deps);
    const firstId = (first.body.outcomes as Array<{ executionId: string }>)[0]!.executionId;
    // PutItem calls of the retry: its body (claimed), its id (held by the first run), then the hand-over, which dies.
    const fault = injectFault(awsClients.dynamoClient(), { command: 'PutItem', skip: 2, error: crash('function died') });
    const retry = githubDelivery({ delivery: 'id-1', body: JSON.stringify(json) });
    expect((await deliver(retry, deps)).status).toBe(500);
    expect(fault.triggered).toBe(1);
    // The redelivery finishes the hand-over and names the first run, not its own never-started id.
    expect((await deliver(retry, deps)).body.outcomes).toEqual([{ pipeline: 'hello/deploy', status: 'duplicate', executionId: firstId }]);
    expect((await deliver(githubDelivery({ delivery: 'id-2', body: JSON.stringify(json) }), deps)).body.outcomes).toEqual([
      { pipeline: 'hello/deploy', status: 'duplicate', executionId: firstId },
    ]);
    expect((await sfnExecutions(machines['hello/hello-deploy']!)).map((e) => e.name)).toEqual([firstId]);
  });

  it('refuses an unsigned delivery before any branch pattern runs (a pattern hostile to backtracking included)', async () => {
    const hostile = pipelineOf({
      application: 'hello',
      name: 'hostile',
      triggers: [{ type: 'git', source: 'github', project: 'Codertocat', slug: 'Hello-World', branch: '(\\w|\\d)+' }],
      stages: WAIT_STAGE,
    });
    const { machines, deps } = await triggerSetup([hostile]);
    const body = sample('github/push-branch-created.json').raw.replace('"refs/heads/master"', `"refs/heads/${'a'.repeat(5000)}!"`);
    const response = await deliver(githubDelivery({ body, signature: null }), deps);
    expect(response.status).toBe(401);
    expect(await sfnExecutions(machines['hello/hello-hostile']!)).toHaveLength(0);
    // The refusal names the signature, not the branch: the pattern was never tried.
    expect(deps.log.text()).toContain('unsigned github delivery');
    expect(deps.log.text()).not.toContain('does not match');
  });

  it('accepts a delivery sent as application/x-www-form-urlencoded (payload=), signed over the form body', async () => {
    const { deps, machines } = await setup();
    const form = `payload=${encodeURIComponent(sample('github/push-branch-created.json').raw)}`;
    const event = githubDelivery({ body: form });
    const headers = Object.fromEntries(Object.entries(event.headers ?? {}).filter(([k]) => k.toLowerCase() !== 'content-type'));
    const response = await deliver({ ...event, headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' } }, deps);
    expect(response.body.outcomes).toMatchObject([{ status: 'started', pipeline: 'hello/deploy' }]);
    expect(await sfnExecutions(machines['hello/hello-deploy']!)).toHaveLength(1);
  });

  it('refuses a body over 1 MB with 413', async () => {
    const { deps, machines } = await setup();
    const big = JSON.stringify({ ...sample('github/push-branch-created.json').json, padding: 'x'.repeat(1024 * 1024) });
    const response = await deliver(githubDelivery({ body: big }), deps);
    expect(response.status).toBe(413);
    expect(await sfnExecutions(machines['hello/hello-deploy']!)).toHaveLength(0);
  });

  it('refuses malformed JSON, even correctly signed, with 400', async () => {
    const { deps, machines } = await setup();
    for (const body of ['{"ref": "refs/heads/master",', '[]', '', '{"ref": 42}']) {
      const response = await deliver(githubDelivery({ body }), deps);
      expect(response.status, body).toBe(400);
    }
    expect(await sfnExecutions(machines['hello/hello-deploy']!)).toHaveLength(0);
  });

  it('answers a ping and ignores other events', async () => {
    const { deps } = await setup();
    const body = JSON.stringify({ zen: 'Keep it logically awesome.' });
    const ping = httpEvent({
      path: '/webhooks/git/github',
      pathParameters: { provider: 'github' },
      headers: { 'X-GitHub-Event': 'ping', 'X-Hub-Signature-256': hubSignature256(GITHUB_SECRET, Buffer.from(body)) },
      body,
    });
    expect(await deliver(ping, deps)).toMatchObject({ status: 202, body: { ignored: 'ping' } });
  });

  it('starts nothing for a branch the trigger does not want, and logs why', async () => {
    const { deps, machines } = await setup();
    const body = sample('github/push-branch-created.json').raw.replace('"refs/heads/master"', '"refs/heads/feature/x"');
    const response = await deliver(githubDelivery({ body }), deps);
    expect(response).toMatchObject({ status: 202, body: { outcomes: [] } });
    expect(await sfnExecutions(machines['hello/hello-deploy']!)).toHaveLength(0);
    expect(deps.log.text()).toContain("branch 'feature/x' does not match 'master'");
  });

  it('refuses unsigned deliveries when no secret is configured, unless unsigned ones are allowed', async () => {
    const strict = await setup({ secrets: false });
    expect((await deliver(githubDelivery({ signature: null }), strict.deps)).status).toBe(401);
    const lax = triggerDeps(pipelines, { allowUnsigned: true });
    const response = await deliver(githubDelivery({ signature: null }), lax);
    expect(response.status).toBe(202);
    expect(await sfnExecutions(strict.machines['hello/hello-deploy']!)).toHaveLength(1);
  });

  it("checks a trigger's own secret from Secrets Manager", async () => {
    const guarded = pipelineOf({
      application: 'hello',
      name: 'guarded',
      triggers: [{ type: 'git', source: 'github', project: 'Codertocat', slug: 'Hello-World', secret: 'hello/guarded-hook' }],
      stages: WAIT_STAGE,
    });
    const machines = await deployStateMachines([guarded]);
    await createSecret('hello/guarded-hook', 'trigger-own-secret');
    const deps = triggerDeps([guarded]);
    const body = sample('github/push-branch-created.json').raw;
    const good = await deliver(githubDelivery({ signature: hubSignature256('trigger-own-secret', Buffer.from(body)) }), deps);
    expect(good.status).toBe(202);
    expect(await sfnExecutions(machines['hello/hello-guarded']!)).toHaveLength(1);
    const bad = await deliver(githubDelivery({ delivery: 'other', signature: hubSignature256('guess', Buffer.from(body)) }), deps);
    expect(bad.status).toBe(401);
    expect(await sfnExecutions(machines['hello/hello-guarded']!)).toHaveLength(1);
    expect(deps.log.text()).not.toContain('trigger-own-secret');
  });

  it('answers 500 when Step Functions fails, and the redelivery starts the pipeline', async () => {
    const { deps, machines } = await setup();
    const fault = injectFault(awsClients.sfnClient(), { command: 'StartExecution', error: crash('Step Functions is down') });
    const failed = await deliver(githubDelivery(), deps);
    expect(failed.status).toBe(500);
    expect(failed.body).toEqual({ error: 'InternalError', message: 'internal error; see the function logs' });
    expect(fault.triggered).toBe(1);
    const retried = await deliver(githubDelivery(), deps);
    expect((retried.body.outcomes as Array<{ status: string }>)[0]!.status).toBe('started');
    expect(await sfnExecutions(machines['hello/hello-deploy']!)).toHaveLength(1);
  });
});

describe('GitLab push', () => {
  function gitlabDelivery(token: string | undefined) {
    const { raw } = sample('gitlab/push-hook-docs.json');
    const headers = { ...sampleHeaders('gitlab/push-hook-docs.headers.json'), ...(token !== undefined ? { 'X-Gitlab-Token': token } : {}) };
    return httpEvent({ path: '/webhooks/git/gitlab', pathParameters: { provider: 'gitlab' }, headers, body: raw });
  }

  it('starts the pipeline for the right token, with the GitLab trigger fields', async () => {
    const { deps, machines } = await setup();
    const response = await deliver(gitlabDelivery(GITLAB_SECRET), deps);
    expect(response.status).toBe(202);
    expect(response.body.outcomes).toMatchObject([{ status: 'started', pipeline: 'diaspora/build' }]);
    expect(await sfnExecutions(machines['diaspora/diaspora-build']!)).toHaveLength(1);
  });

  it.each([
    ['a wrong token', 'gl-t0ken-valuf'],
    ['a prefix of the token', 'gl-t0ken'],
    ['no token', undefined],
  ])('refuses %s with 401', async (_n, token) => {
    const { deps, machines } = await setup();
    expect((await deliver(gitlabDelivery(token), deps)).status).toBe(401);
    expect(await sfnExecutions(machines['diaspora/diaspora-build']!)).toHaveLength(0);
  });

  it('starts one execution for a retry with the same Idempotency-Key and a new event UUID, even when its body bytes differ', async () => {
    const { deps, machines } = await setup();
    const attempt = (uuid: string, reserialise = false) => {
      const event = gitlabDelivery(GITLAB_SECRET);
      const body = reserialise ? JSON.stringify(JSON.parse(event.body!)) : event.body;
      return { ...event, body, headers: { ...event.headers, 'X-Gitlab-Event-UUID': uuid, 'Idempotency-Key': 'f3a1c2d4-0000-4b5e-9c1d-7e8f9a0b1c2d' } };
    };
    expect((await deliver(attempt('uuid-1'), deps)).body.outcomes).toMatchObject([{ status: 'started' }]);
    expect((await deliver(attempt('uuid-2'), deps)).body.outcomes).toMatchObject([{ status: 'duplicate' }]);
    expect((await deliver(attempt('uuid-3', true), deps)).body.outcomes).toMatchObject([{ status: 'duplicate' }]);
    expect(await sfnExecutions(machines['diaspora/diaspora-build']!)).toHaveLength(1);
  });

  it('starts a run for each distinct push, each with its own Idempotency-Key', async () => {
    const { deps, machines } = await setup();
    const push = (key: string, after: string) => {
      const event = gitlabDelivery(GITLAB_SECRET);
      const body = event.body!.replaceAll('da1560886d4f094c3e6c9ef40349f7d38b5d27d7', after);
      return { ...event, body, headers: { ...event.headers, 'Idempotency-Key': key } };
    };
    expect((await deliver(push('key-1', 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7'), deps)).body.outcomes).toMatchObject([{ status: 'started' }]);
    expect((await deliver(push('key-2', 'ea1560886d4f094c3e6c9ef40349f7d38b5d27d7'), deps)).body.outcomes).toMatchObject([{ status: 'waiting' }]);
    expect(await sfnExecutions(machines['diaspora/diaspora-build']!)).toHaveLength(1);
  });

  it('dedupes a redelivery without a delivery id by the body', async () => {
    const { deps, machines } = await setup();
    await deliver(gitlabDelivery(GITLAB_SECRET), deps);
    const again = await deliver(gitlabDelivery(GITLAB_SECRET), deps);
    expect(again.body.outcomes).toMatchObject([{ status: 'duplicate' }]);
    expect(await sfnExecutions(machines['diaspora/diaspora-build']!)).toHaveLength(1);
  });
});

describe('Bitbucket push', () => {
  function bitbucketDelivery(secret: string, body = sample('bitbucket-cloud/repo-push.json').raw) {
    const headers = {
      ...sampleHeaders('bitbucket-cloud/repo-push.headers.json'),
      'X-Request-UUID': 'bb-1',
      'X-Hub-Signature': hubSignature256(secret, Buffer.from(body)),
    };
    return httpEvent({ path: '/webhooks/git/bitbucket', pathParameters: { provider: 'bitbucket' }, headers, body });
  }

  it('starts the pipeline for a signed push', async () => {
    const { deps, machines } = await setup();
    const response = await deliver(bitbucketDelivery(BITBUCKET_SECRET), deps);
    expect(response.body.outcomes).toMatchObject([{ status: 'started', pipeline: 'repo/ship' }]);
    expect(await sfnExecutions(machines['repo/repo-ship']!)).toHaveLength(1);
  });

  it('starts the pipeline for a signed Bitbucket Server refs_changed push, once per delivery whatever its X-Request-Id, and once per X-Request-Id', async () => {
    const { deps, machines } = await setup();
    const serverDelivery = (requestId: string, secret = BITBUCKET_SECRET, body = sample('bitbucket-server/repo-refs-changed.json').raw) => {
      const headers = {
        ...sampleHeaders('bitbucket-server/repo-refs-changed.headers.json'),
        'X-Request-Id': requestId,
        'X-Hub-Signature': hubSignature256(secret, Buffer.from(body)),
      };
      return httpEvent({ path: '/webhooks/git/bitbucket', pathParameters: { provider: 'bitbucket' }, headers, body });
    };
    const first = await deliver(serverDelivery('req-1'), deps);
    expect(first.body.outcomes).toMatchObject([{ status: 'started', pipeline: 'proj/release' }]);
    expect((await deliver(serverDelivery('req-2'), deps)).body.outcomes).toMatchObject([{ status: 'duplicate' }]);
    expect((await deliver(serverDelivery('req-3', 'wrong'), deps)).status).toBe(401);
    // Its retry under the same X-Request-Id, the body serialised again: still the same delivery.
    const reserialised = JSON.stringify(sample('bitbucket-server/repo-refs-changed.json').json);
    expect((await deliver(serverDelivery('req-1', BITBUCKET_SECRET, reserialised), deps)).body.outcomes).toMatchObject([{ status: 'duplicate' }]);
    const [execution] = await sfnExecutions(machines['proj/proj-release']!);
    const input = await executionInput(machines['proj/proj-release']!, execution!.name);
    expect(input.trigger).toMatchObject({
      source: 'bitbucket',
      project: 'PROJ',
      slug: 'repository',
      branch: 'master',
      hash: '178864a7d521b6f5e720b386b2c2b0ef8563e0dc',
      action: 'repo:refs_changed',
    });
  });

  it('starts a run for a merged Bitbucket Server pull request (real pr:merged delivery): the target branch at the merge commit, by its events filter', async () => {
    const merged = pipelineOf({
      application: 'gopher',
      name: 'merged',
      triggers: [{ type: 'git', source: 'bitbucket', project: '~gopher', slug: 'webhook-test', branch: 'master', events: ['pr:merged'] }],
      stages: WAIT_STAGE,
    });
    const machines = await deployStateMachines([merged]);
    await createSecret(SECRETS_ID, JSON.stringify({ bitbucket: BITBUCKET_SECRET }));
    const deps = triggerDeps([merged], { secretsId: SECRETS_ID });
    const serverPr = (file: string, key: string, requestId: string) => {
      const body = sample(file).raw;
      const headers = {
        'X-Event-Key': key,
        'X-Request-Id': requestId,
        'Content-Type': 'application/json; charset=utf-8',
        'X-Hub-Signature': hubSignature256(BITBUCKET_SECRET, Buffer.from(body)),
      };
      return httpEvent({ path: '/webhooks/git/bitbucket', pathParameters: { provider: 'bitbucket' }, headers, body });
    };
    // The pull request opened: its source branch, and not an event the trigger lists.
    expect((await deliver(serverPr('bitbucket-server/pr-opened.json', 'pr:opened', 'pr-open-1'), deps)).body.outcomes).toEqual([]);
    const response = await deliver(serverPr('bitbucket-server/pr-merged.json', 'pr:merged', 'pr-merge-1'), deps);
    expect(response.body.outcomes).toMatchObject([{ status: 'started', pipeline: 'gopher/merged' }]);
    const [execution, ...more] = await sfnExecutions(machines['gopher/gopher-merged']!);
    expect(more).toEqual([]);
    const input = await executionInput(machines['gopher/gopher-merged']!, execution!.name);
    expect(input.trigger).toMatchObject({
      source: 'bitbucket',
      project: '~gopher',
      slug: 'webhook-test',
      branch: 'master',
      hash: 'cbf26be7bfc8394906abbd571498fb8d28888b58',
      action: 'pr:merged',
      user: 'gopher',
    });
  });

  it('refuses a push signed with another secret', async () => {
    const { deps, machines } = await setup();
    expect((await deliver(bitbucketDelivery('wrong'), deps)).status).toBe(401);
    expect(await sfnExecutions(machines['repo/repo-ship']!)).toHaveLength(0);
  });
});

describe('the Lambda entry', () => {
  it('reads pipelines from GENNAKER_PIPELINES_MANIFEST and never throws', async () => {
    await deployStateMachines([github]);
    await createSecret(SECRETS_ID, JSON.stringify({ github: GITHUB_SECRET }));
    process.env.GENNAKER_PIPELINES_MANIFEST = JSON.stringify({
      pipelines: [{ application: 'hello', name: 'deploy', triggers: github.triggers, stages: WAIT_STAGE }],
    });
    process.env.GENNAKER_WEBHOOK_SECRETS_ID = SECRETS_ID;
    try {
      const { handler } = await import('../../../functions/triggers/git/handler.js');
      const ok = await handler(githubDelivery());
      expect(ok.statusCode).toBe(202);
      const bad = await handler(httpEvent({ path: '/webhooks/git/svn', pathParameters: { provider: 'svn' }, body: '{}' }));
      expect(bad.statusCode).toBe(400);
    } finally {
      delete process.env.GENNAKER_PIPELINES_MANIFEST;
      delete process.env.GENNAKER_WEBHOOK_SECRETS_ID;
    }
  });
});
