/**
 * The other trigger sources against the emulator, with their real sample events: Jenkins and the
 * generic build webhook, CodeBuild and ECR from EventBridge, SNS messages, cron schedules. Each
 * starts exactly one execution per delivery; bad input is refused and starts nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { handleBuildWebhook } from '../../../functions/triggers/ci/webhook.js';
import { handleCodeBuildEvent } from '../../../functions/triggers/codebuild/handler.js';
import { handleCronInvocation } from '../../../functions/triggers/cron/handler.js';
import { handleEcrEvent } from '../../../functions/triggers/docker/handler.js';
import { readWebhookRequest, respond } from '../../../functions/triggers/http.js';
import { handleSnsEvent } from '../../../functions/triggers/pubsub/handler.js';
import { hubSignature256 } from '../../../functions/triggers/signatures.js';
import { removeAllFaults } from '../../support/faults.js';
import {
  deployStateMachines,
  executionInput,
  httpEvent,
  pipelineOf,
  sample,
  sfnExecutions,
  type TestDeps,
  triggerDeps,
  useTriggerAws,
  triggerSetup,
  WAIT_STAGE,
} from './support.js';

useTriggerAws();
afterEach(() => removeAllFaults());

const free = { limitConcurrent: false };

async function started(machines: Record<string, string>, key: string): Promise<number> {
  return (await sfnExecutions(machines[key]!)).length;
}

describe('Jenkins notification plugin', () => {
  const pipeline = pipelineOf({
    application: 'asgard',
    name: 'bake',
    ...free,
    parameterConfig: [{ name: 'region', default: 'us-east-1' }],
    triggers: [{ type: 'jenkins', master: 'ci', job: 'asgard', propertyFile: 'build.properties' }],
    stages: WAIT_STAGE,
  });

  async function setup(): Promise<{ deps: TestDeps; machines: Record<string, string> }> {
    return triggerSetup([pipeline], { secrets: { id: 'hooks', values: { jenkins: 'jenkins-token', build: 'build-secret' } } });
  }

  async function deliver(deps: TestDeps, body: string, options: { token?: string; source?: 'jenkins' | 'build'; signature?: string } = {}) {
    const source = options.source ?? 'jenkins';
    const event = httpEvent({
      path: `/webhooks/${source}/ci`,
      pathParameters: { master: 'ci' },
      body,
      ...(options.token ? { query: { token: options.token } } : {}),
      ...(options.signature ? { headers: { 'X-Hub-Signature-256': options.signature } } : {}),
    });
    const response = await respond(
      () => deps.log,
      () => handleBuildWebhook(source, readWebhookRequest(event), deps, 'ci'),
    );
    return { status: response.statusCode!, body: JSON.parse(String(response.body)) as Record<string, unknown> };
  }

  it('starts the pipeline once for a successful build, with buildInfo and properties', async () => {
    const { deps, machines } = await setup();
    const { raw } = sample('jenkins/notification-plugin-completed.json');
    const first = await deliver(deps, raw, { token: 'jenkins-token' });
    expect(first.status).toBe(202);
    const [outcome] = first.body.outcomes as Array<{ status: string; executionId: string }>;
    expect(outcome!.status).toBe('started');
    // The plugin sends COMPLETED and then FINALIZED for the same build: one execution.
    const input = await executionInput(machines['asgard/asgard-bake']!, outcome!.executionId);
    expect(input.trigger).toMatchObject({
      type: 'jenkins',
      master: 'ci',
      job: 'asgard',
      buildNumber: 18,
      propertyFile: 'build.properties',
      buildInfo: { number: 18, result: 'SUCCESS', scm: [{ sha1: 'c6d86dc654b12425e706bcf951adfe5a8627a517', branch: 'master' }] },
      properties: {},
      parameters: { region: 'us-east-1' },
    });
    expect(input.parameters).toEqual({ region: 'us-east-1' });
    const finalized = raw.replace('"COMPLETED"', '"FINALIZED"');
    expect((await deliver(deps, finalized, { token: 'jenkins-token' })).body.outcomes).toMatchObject([{ status: 'duplicate' }]);
    expect(await started(machines, 'asgard/asgard-bake')).toBe(1);
  });

  it('ignores running and failed builds', async () => {
    const { deps, machines } = await setup();
    const { raw } = sample('jenkins/notification-plugin-completed.json');
    expect((await deliver(deps, raw.replace('"COMPLETED"', '"STARTED"'), { token: 'jenkins-token' })).body.ignored).toContain('not finished');
    expect((await deliver(deps, raw.replace('"SUCCESS"', '"FAILURE"'), { token: 'jenkins-token' })).body.ignored).toContain('only successful');
    expect(await started(machines, 'asgard/asgard-bake')).toBe(0);
  });

  it('refuses a wrong or missing token with 401', async () => {
    const { deps, machines } = await setup();
    const { raw } = sample('jenkins/notification-plugin-completed.json');
    expect((await deliver(deps, raw, { token: 'guess' })).status).toBe(401);
    expect((await deliver(deps, raw)).status).toBe(401);
    expect(await started(machines, 'asgard/asgard-bake')).toBe(0);
  });

  it('takes the generic build-finished webhook, signed with HMAC', async () => {
    const { deps, machines } = await setup();
    const body = JSON.stringify({
      job: 'asgard',
      buildNumber: 19,
      result: 'SUCCESS',
      url: 'https://ci.example.com/job/asgard/19/',
      properties: { version: '1.2.3', commit: 'abc123' },
      scm: [{ branch: 'origin/main', sha1: 'abc123' }],
      artifacts: [{ fileName: 'asgard.war', relativePath: 'build/asgard.war' }],
    });
    const response = await deliver(deps, body, { source: 'build', signature: hubSignature256('build-secret', Buffer.from(body)) });
    expect(response.body.outcomes).toMatchObject([{ status: 'started' }]);
    const [outcome] = response.body.outcomes as Array<{ executionId: string }>;
    expect(await started(machines, 'asgard/asgard-bake')).toBe(1);
    expect(outcome!.executionId).toMatch(/^asgard-bake-/);
    const failed = JSON.stringify({ job: 'asgard', buildNumber: 20, result: 'FAILURE' });
    expect((await deliver(deps, failed, { source: 'build', signature: hubSignature256('build-secret', Buffer.from(failed)) })).body.ignored).toContain(
      'only successful',
    );
    const malformed = JSON.stringify({ job: 'asgard', buildNumber: 'twenty', result: 'SUCCESS' });
    expect((await deliver(deps, malformed, { source: 'build', signature: hubSignature256('build-secret', Buffer.from(malformed)) })).status).toBe(400);
  });
});

describe('CodeBuild build state change', () => {
  const pipeline = pipelineOf({
    application: 'sample',
    name: 'deploy',
    ...free,
    triggers: [{ type: 'codebuild', project: 'my-sample-.*' }],
    stages: WAIT_STAGE,
  });

  it('starts the pipeline once per event, with buildInfo and plaintext variables as properties', async () => {
    const { machines, deps } = await triggerSetup([pipeline]);
    const { json } = sample('aws-codebuild/build-state-succeeded.json');
    const first = await handleCodeBuildEvent(json, deps);
    expect(first.outcomes).toMatchObject([{ status: 'started', pipeline: 'sample/deploy' }]);
    expect((await handleCodeBuildEvent(json, deps)).outcomes).toMatchObject([{ status: 'duplicate' }]);
    expect(await started(machines, 'sample/sample-deploy')).toBe(1);
  });

  it('ignores failed builds and refuses malformed events without throwing', async () => {
    await deployStateMachines([pipeline]);
    const deps = triggerDeps([pipeline]);
    const { json } = sample('aws-codebuild/build-state-succeeded.json');
    const failed = { ...json, id: 'other', detail: { ...(json.detail as object), 'build-status': 'FAILED' } };
    expect((await handleCodeBuildEvent(failed, deps)).ignored).toContain('FAILED');
    expect((await handleCodeBuildEvent({ ...json, detail: { 'build-status': 'SUCCEEDED' } }, deps)).refused).toContain('project-name');
    expect((await handleCodeBuildEvent('garbage', deps)).refused).toBeDefined();
  });
});

describe('ECR image push', () => {
  const pipeline = pipelineOf({
    application: 'images',
    name: 'promote',
    ...free,
    triggers: [{ type: 'docker', account: '123456789012', repository: 'my-repository-name', tag: 'lat.*' }],
    stages: WAIT_STAGE,
  });

  it('starts the pipeline for a matching repository and tag, once', async () => {
    const { machines, deps } = await triggerSetup([pipeline]);
    const { json } = sample('aws-ecr/image-action-push.json');
    expect((await handleEcrEvent(json, deps)).outcomes).toMatchObject([{ status: 'started' }]);
    expect((await handleEcrEvent(json, deps)).outcomes).toMatchObject([{ status: 'duplicate' }]);
    const otherTag = { ...json, id: 'push-2', detail: { ...(json.detail as object), 'image-tag': 'v1.2.3' } };
    expect((await handleEcrEvent(otherTag, deps)).outcomes).toEqual([]);
    expect(await started(machines, 'images/images-promote')).toBe(1);
  });
});

describe('SNS messages', () => {
  const onAttribute = pipelineOf({
    application: 'sns',
    name: 'on-attribute',
    ...free,
    triggers: [{ type: 'pubsub', pubsubSystem: 'amazon', subscriptionName: 'EXAMPLE', attributeConstraints: { Test: '^Test' } }],
    stages: WAIT_STAGE,
  });
  const onPayload = pipelineOf({
    application: 'sns',
    name: 'on-payload',
    ...free,
    triggers: [{ type: 'pubsub', pubsubSystem: 'amazon', subscriptionName: 'EXAMPLE', payloadConstraints: { env: 'prod' } }],
    stages: WAIT_STAGE,
  });

  it('starts pipelines whose constraints hold, once per message', async () => {
    const { machines, deps } = await triggerSetup([onAttribute, onPayload]);
    const { json } = sample('aws-sns/lambda-sns-event.json');
    expect((await handleSnsEvent(json, deps)).outcomes).toMatchObject([{ status: 'started', pipeline: 'sns/on-attribute' }]);
    expect((await handleSnsEvent(json, deps)).outcomes).toMatchObject([{ status: 'duplicate' }]);
    const records = json.Records as Array<{ Sns: Record<string, unknown> }>;
    const jsonMessage = { Records: [{ ...records[0], Sns: { ...records[0]!.Sns, MessageId: 'm2', Message: JSON.stringify({ env: 'production' }) } }] };
    expect((await handleSnsEvent(jsonMessage, deps)).outcomes).toHaveLength(2);
    expect(await started(machines, 'sns/sns-on-attribute')).toBe(2);
    expect(await started(machines, 'sns/sns-on-payload')).toBe(1);
  });

  it("passes a message's parameters to the execution, as Echo does", async () => {
    const withParameters = pipelineOf({
      application: 'sns',
      name: 'with-parameters',
      ...free,
      parameterConfig: [
        { name: 'version', required: true },
        { name: 'env', default: 'staging' },
      ],
      triggers: [{ type: 'pubsub', pubsubSystem: 'amazon', subscriptionName: 'EXAMPLE' }],
      stages: WAIT_STAGE,
    });
    const { machines, deps } = await triggerSetup([withParameters]);
    const { json } = sample('aws-sns/lambda-sns-event.json');
    const records = json.Records as Array<{ Sns: Record<string, unknown> }>;
    const message = {
      Records: [{ ...records[0], Sns: { ...records[0]!.Sns, MessageId: 'p1', Message: JSON.stringify({ parameters: { version: '1.4.2' } }) } }],
    };
    const [outcome] = (await handleSnsEvent(message, deps)).outcomes as Array<{ status: string; executionId: string }>;
    expect(outcome?.status).toBe('started');
    const input = await executionInput(machines['sns/sns-with-parameters']!, outcome!.executionId);
    expect(input.parameters).toEqual({ version: '1.4.2', env: 'staging' });
    expect(input.trigger.parameters).toEqual({ version: '1.4.2', env: 'staging' });
  });

  it('refuses a malformed SNS event without throwing', async () => {
    const deps = triggerDeps([onAttribute]);
    expect((await handleSnsEvent({ Records: [{ Sns: { Message: 'x' } }] }, deps)).refused).toContain('not an SNS event');
  });
});

describe('cron schedules', () => {
  const pipeline = pipelineOf({
    application: 'nightly',
    name: 'rebuild',
    ...free,
    parameterConfig: [{ name: 'mode', default: 'full' }],
    triggers: [{ type: 'cron', id: 'nightly-2am', cronExpression: '0 0 2 * * ?' }],
    stages: WAIT_STAGE,
  });
  const invocation = { application: 'nightly', pipelineId: pipeline.id, triggerId: 'nightly-2am', scheduledTime: '2026-03-01T02:00:00Z' };

  it('starts the pipeline once per scheduled time', async () => {
    const { machines, deps } = await triggerSetup([pipeline]);
    expect((await handleCronInvocation(invocation, deps)).outcomes).toMatchObject([{ status: 'started' }]);
    expect((await handleCronInvocation(invocation, deps)).outcomes).toMatchObject([{ status: 'duplicate' }]);
    expect((await handleCronInvocation({ ...invocation, scheduledTime: '2026-03-02T02:00:00Z' }, deps)).outcomes).toMatchObject([{ status: 'started' }]);
    expect(await started(machines, 'nightly/nightly-rebuild')).toBe(2);
  });

  it('refuses unknown pipelines and triggers, and malformed input, without throwing', async () => {
    const deps = triggerDeps([pipeline]);
    expect((await handleCronInvocation({ ...invocation, pipelineId: 'gone' }, deps)).refused).toContain('no pipeline');
    expect((await handleCronInvocation({ ...invocation, triggerId: 'other' }, deps)).refused).toContain("no cron trigger 'other'");
    expect((await handleCronInvocation({ application: 'nightly' }, deps)).refused).toContain('pipelineId');
  });
});
