/**
 * Hostile but legal data: a delivery whose payload has `__proto__` and `constructor` keys is a
 * delivery like any other. It starts its run, and the record keeps those keys as data, escaped
 * (`(__proto__)`, functions/core/stored-keys.ts); nothing turns them into a prototype.
 */
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { awsClients } from '../../../functions/core/aws-clients.js';
import { dispatch } from '../../../functions/core/engine/dispatch.js';
import { ExecutionStore } from '../../../functions/core/execution-store.js';
import { MemoryNotifier } from '../../../functions/core/notifications.js';
import { systemClock } from '../../../functions/core/stage-api.js';
import { pipelineSkeleton } from '../../../state-machines/compiler/payloads.js';
import { handleGitWebhook } from '../../../functions/triggers/git/webhook.js';
import { readWebhookRequest, respond } from '../../../functions/triggers/http.js';
import { hubSignature256 } from '../../../functions/triggers/signatures.js';
import { createSecret, deployStateMachines, httpEvent, pipelineOf, sample, sampleHeaders, sfnExecutions, triggerDeps, useTriggerAws } from './support.js';

useTriggerAws();

const pipeline = pipelineOf({
  application: 'hello',
  name: 'deploy',
  triggers: [{ type: 'git', source: 'github', project: 'Codertocat', slug: 'Hello-World', branch: 'master' }],
  stages: [{ refId: '1', type: 'wait', name: 'Wait', waitTime: 1 }],
});

describe('payloads with __proto__ and constructor keys', () => {
  it('GIVEN a signed push whose payload carries __proto__ and constructor keys WHEN delivered THEN the run starts and the record keeps them as plain data', async () => {
    const machines = await deployStateMachines([pipeline]);
    await createSecret('gennaker/webhooks', JSON.stringify({ github: 'proto-secret' }));
    const deps = triggerDeps([pipeline], { secretsId: 'gennaker/webhooks' });
    const json = sample('github/push-branch-created.json').raw;
    const body = `{"__proto__": {"polluted": "yes", "status": "SUCCEEDED"}, "constructor": {"prototype": {"x": 1}}, ${json.trim().slice(1)}`;
    const headers = { ...sampleHeaders('github/push-branch-created.headers.json'), 'X-Hub-Signature-256': hubSignature256('proto-secret', Buffer.from(body)) };
    const event = httpEvent({ path: '/webhooks/git/github', pathParameters: { provider: 'github' }, headers, body });
    const response = await respond(
      () => deps.log,
      async () => handleGitWebhook(readWebhookRequest(event), deps, 'github'),
    );
    expect(response.statusCode, String(response.body)).toBe(202);
    const [outcome] = (JSON.parse(String(response.body)) as { outcomes: Array<{ status: string; executionId: string }> }).outcomes;
    expect(outcome!.status).toBe('started');
    expect(await sfnExecutions(machines['hello/hello-deploy']!)).toHaveLength(1);
    // The state machine's first step records the run from its input (run here as the engine Lambda would).
    const arn = `${machines['hello/hello-deploy']!.replace(':stateMachine:', ':execution:')}:${outcome!.executionId}`;
    const input = JSON.parse((await awsClients.sfnClient().send(new DescribeExecutionCommand({ executionArn: arn }))).input!) as Record<string, unknown>;
    const store = new ExecutionStore();
    const engine = { store, clock: systemClock, random: () => 0.5, notifier: new MemoryNotifier(), implementations: new Map(), awaitPollSeconds: 1 };
    await dispatch({ op: 'start', executionId: outcome!.executionId, input, pipeline: pipelineSkeleton(pipeline) }, engine);
    const record = await store.load(outcome!.executionId);
    const payload = record.trigger.payload as Record<string, unknown>;
    expect(Object.getPrototypeOf(record.trigger)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(payload)).toBe(Object.prototype);
    expect(Object.keys(payload)).toEqual(expect.arrayContaining(['(__proto__)', '(constructor)']));
    expect(payload['(__proto__)']).toEqual({ polluted: 'yes', status: 'SUCCEEDED' });
    expect(payload['(constructor)']).toEqual({ '(prototype)': { x: 1 } });
    expect(record.status).toBe('RUNNING');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
