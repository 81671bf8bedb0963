/**
 * The proof that secrets stay references: a value planted in the emulator's Secrets Manager is
 * referenced from webhook stages that call a real server on 127.0.0.1 (which checks it received the
 * value, and echoes it back in headers and bodies), the pipeline runs locally, and then the
 * synthesized templates, the compiled definition, the execution record, the local Step Functions
 * history, everything logged and every notification are searched for the value (and its encoded
 * forms): none holds it. A failing call whose URL carries a token in its path and query reports
 * neither.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { App } from 'aws-cdk-lib';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { secretsManagerClient } from '../../../../functions/core/aws-clients.js';
import { buildGennakerApp } from '../../../../infra/gennaker-app.js';
import { type LocalRunResult } from '../../../../local/runtime.js';
import { compilePipeline, renderDefinition } from '../../../../state-machines/index.js';
import { validatePipeline } from '../../../../state-machines/model/validate.js';
import type { Pipeline } from '../../../../state-machines/model/pipeline.js';
import { json, startServer } from '../support/http-server.js';
import { useWebhookRuntime } from '../support/webhook-runtime.js';

const TOKEN = 'planted-Tok3n-7f1c9e2b';
const DEPLOY_KEY = 'deploy-key-5a8d0c';
const PATH_TOKEN = 'pathTok-93be11';
const QUERY_TOKEN = 'queryTok-0c44d2';
const SECRET = 'gennaker/shop/planted';
const ref = (key: string) => `encrypted:secrets-manager!r:us-east-1!s:${SECRET}!k:${key}`;

/** Every spelling of the planted values a leak could take. */
function forms(...values: string[]): string[] {
  return values.flatMap((v) => [v, encodeURIComponent(v), Buffer.from(v).toString('base64').replace(/=+$/, '')]);
}

function expectFree(where: string, text: string, values: readonly string[]): void {
  for (const value of values) expect(text.includes(value), `${where} holds ${value}`).toBe(false);
}

/** What the run writes to stdout, stderr and the console. */
function captureLogs(): { text(): string; restore(): void } {
  const lines: string[] = [];
  const keep = (...args: unknown[]) => void lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (keep(String(chunk)), true)),
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (keep(String(chunk)), true)),
    ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m).mockImplementation(keep)),
  ];
  return { text: () => lines.join('\n'), restore: () => spies.forEach((s) => s.mockRestore()) };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function pipelineOf(raw: Record<string, unknown>): Pipeline {
  const result = validatePipeline(raw);
  if (!result.pipeline) throw new Error(result.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  return result.pipeline;
}

describe('a planted secret, referenced from webhook stages and run locally', () => {
  const web = useWebhookRuntime();
  const dirs: string[] = [];

  beforeEach(async () => {
    await secretsManagerClient({ region: 'us-east-1' }).send(
      new CreateSecretCommand({ Name: SECRET, SecretString: JSON.stringify({ token: TOKEN, deployKey: DEPLOY_KEY }) }),
    );
  });
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  /** Searches everything the run left behind. */
  async function expectNoLeak(pipeline: Pipeline, result: LocalRunResult, logs: string, values: readonly string[]): Promise<void> {
    expectFree('the compiled definition', renderDefinition(compilePipeline(pipeline)), values);
    expectFree('the definition the run used', JSON.stringify(result.definition), values);
    expectFree('the execution record', JSON.stringify(await web.runtime.store.load(result.executionId)), values);
    expectFree('the Step Functions history', JSON.stringify(result.events), values);
    expectFree('the logs', logs, values);
    expectFree('the notifications', JSON.stringify([web.notifier.events, web.notifier.deliveries]), values);
  }

  it('sends the secret to the server and nowhere else: templates, definitions, record, history, logs and notifications hold no trace of it', async () => {
    web.server.route((req, res) => {
      // The server checks what it received, then echoes it back every way it can.
      const ok = req.headers.authorization === `Bearer ${TOKEN}` && req.headers['x-deploy-ref'] === DEPLOY_KEY && req.body.includes(DEPLOY_KEY);
      if (req.method === 'POST')
        return json(res, ok ? 200 : 401, { received: req.headers.authorization, body: req.body, state: 'RUNNING' }, { 'X-Echo': DEPLOY_KEY });
      return json(res, 200, { state: 'FAILED', detail: `could not deploy with key ${DEPLOY_KEY}` });
    });
    const raw = {
      application: 'shop',
      name: 'planted',
      notifications: [{ type: 'slack', address: '#deploys', level: 'pipeline', when: ['pipeline.complete', 'pipeline.failed'] }],
      stages: [
        {
          refId: '1',
          type: 'webhook',
          name: 'Deploy',
          sendNotifications: true,
          notifications: [{ type: 'slack', address: '#deploys', level: 'stage', when: ['stage.complete', 'stage.failed'] }],
          url: `${web.server.url}/deploy`,
          method: 'POST',
          // A header whose name says nothing about credentials: redaction is by value.
          customHeaders: { Authorization: `Bearer ${ref('token')}`, 'X-Deploy-Ref': ref('deployKey') },
          payload: { key: ref('deployKey'), version: '1.2.3' },
          waitForCompletion: true,
          statusUrlResolution: 'getMethod',
          statusJsonPath: '$.state',
          successStatuses: 'SUCCEEDED',
          terminalStatuses: 'FAILED',
        },
      ],
    };
    const pipeline = pipelineOf(raw);
    const logs = captureLogs();
    let result: LocalRunResult;
    try {
      result = await web.runtime.start(pipeline).result;
      await web.runtime.idle();
    } finally {
      logs.restore();
    }

    // The server got the values (and said so), the status poll failed the stage with a message that quoted one.
    expect(web.server.requests[0]).toMatchObject({ method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'x-deploy-ref': DEPLOY_KEY } });
    expect(JSON.parse(web.server.requests[0]!.body)).toEqual({ key: DEPLOY_KEY, version: '1.2.3' });
    expect(result.execution.stages[0]).toMatchObject({ status: 'TERMINAL', context: { webhook: { statusCodeValue: 200 } } });
    const recorded = JSON.stringify(result.execution.stages[0]);
    expect(recorded).toContain('<redacted>');
    expect(web.notifier.events.map((e) => e.event)).toEqual(expect.arrayContaining(['stage.failed', 'pipeline.failed']));
    await expectNoLeak(pipeline, result, logs.text(), forms(TOKEN, DEPLOY_KEY));

    // The templates of a deployment of this pipeline, with Jenkins credentials referenced in settings.
    const dir = mkdtempSync(join(tmpdir(), 'gennaker-planted-'));
    dirs.push(dir);
    const pipelines = join(dir, 'pipelines');
    const settings = join(dir, 'jenkins.json');
    await import('node:fs/promises').then((fs) => fs.mkdir(pipelines));
    writeFileSync(join(pipelines, 'planted.json'), JSON.stringify(raw));
    writeFileSync(settings, JSON.stringify({ ci: { url: 'https://ci.example', user: 'gennaker', apiToken: ref('token') } }));
    const app = new App({ outdir: join(dir, 'out'), analyticsReporting: false, context: { 'aws:cdk:bundling-stacks': [] } });
    buildGennakerApp(app, { pipelinesDir: pipelines, nag: false, platform: { settings: { jenkinsMasters: { file: settings } } } });
    app.synth();
    const templates = filesUnder(join(dir, 'out')).filter((f) => f.endsWith('.json'));
    expect(templates.length).toBeGreaterThan(1);
    const synthesized = templates.map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(synthesized).toContain(SECRET);
    expectFree('the synthesized templates', synthesized, forms(TOKEN, DEPLOY_KEY));
  }, 300_000);

  it('a failing call names only the origin: neither the path nor the query of its URL, nor a URL held in a secret', async () => {
    await secretsManagerClient({ region: 'us-east-1' }).send(
      new CreateSecretCommand({ Name: 'gennaker/hook-url', SecretString: `${web.server.url}/services/T0/${PATH_TOKEN}/x?sig=${QUERY_TOKEN}` }),
    );
    web.server.route((_req, res) => json(res, 403, { error: 'forbidden' }));
    // A port nobody listens on: the connection is refused.
    const closed = await startServer();
    const closedUrl = closed.url;
    await closed.close();
    const pipeline = pipelineOf({
      application: 'shop',
      name: 'tokens-in-urls',
      stages: [
        {
          refId: '1',
          type: 'webhook',
          name: 'Literal',
          url: `${web.server.url}/hooks/${PATH_TOKEN}?token=${QUERY_TOKEN}`,
          method: 'POST',
          failPipeline: false,
          continuePipeline: true,
        },
        {
          refId: '2',
          type: 'webhook',
          name: 'Referenced',
          url: 'encrypted:secrets-manager!r:us-east-1!s:gennaker/hook-url',
          method: 'POST',
          failPipeline: false,
          continuePipeline: true,
        },
        { refId: '3', type: 'webhook', name: 'Refused', url: `${closedUrl}/hooks/${PATH_TOKEN}?token=${QUERY_TOKEN}`, method: 'POST' },
      ],
    });
    const logs = captureLogs();
    let result: LocalRunResult;
    try {
      result = await web.runtime.start(pipeline).result;
      await web.runtime.idle();
    } finally {
      logs.restore();
    }
    const [literal, referenced, refused] = result.execution.stages;
    expect(literal).toMatchObject({ status: 'FAILED_CONTINUE', error: 'the webhook request failed with status code 403' });
    expect(referenced).toMatchObject({ status: 'FAILED_CONTINUE', error: 'the webhook request failed with status code 403' });
    expect(refused?.status).toBe('TERMINAL');
    expect(refused?.error).toContain(`request to ${closedUrl} failed: ECONNREFUSED`);
    // The three stages run in parallel: the calls arrive in any order.
    expect(web.server.requests.map((r) => r.url).sort()).toEqual([
      `/hooks/${PATH_TOKEN}?token=${QUERY_TOKEN}`,
      `/services/T0/${PATH_TOKEN}/x?sig=${QUERY_TOKEN}`,
    ]);
    // The literal URL is in the pipeline (its author wrote it there); what the run recorded and reported is not.
    const record = await web.runtime.store.load(result.executionId);
    for (const stage of record.stages)
      expectFree(`stage ${stage.name}`, JSON.stringify({ error: stage.error, context: stage.context, outputs: stage.outputs }), forms(PATH_TOKEN, QUERY_TOKEN));
    expectFree('the execution error', String(record.error ?? ''), forms(PATH_TOKEN, QUERY_TOKEN));
    expectFree('the logs', logs.text(), forms(PATH_TOKEN, QUERY_TOKEN));
    expectFree('the notifications', JSON.stringify(web.notifier.events), forms(PATH_TOKEN, QUERY_TOKEN));
  }, 300_000);
});
