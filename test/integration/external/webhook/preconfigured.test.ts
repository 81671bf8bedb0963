/**
 * Preconfigured webhooks (Orca's webhook.preconfigured): an operator's definition holds the URL,
 * the credential (a secret reference) and the payload; a pipeline names the type and gives
 * parameterValues. Validate knows the type, the stage reference lists it, a local run calls a real
 * server with the secret and records none of it.
 */
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { secretsManagerClient } from '../../../../functions/core/aws-clients.js';
import { validatePipeline } from '../../../../state-machines/model/validate.js';
import { parsePreconfiguredWebhooks, type PreconfiguredWebhook } from '../../../../state-machines/stage-types/preconfigured-webhooks.js';
import { stageReferenceMarkdown } from '../../../../state-machines/stage-types/reference.js';
import { stageTypeInfo } from '../../../../state-machines/stage-types/index.js';
import { json } from '../support/http-server.js';
import { useWebhookRuntime } from '../support/webhook-runtime.js';

const TOKEN = 'preconf-Secr3t-41d9';

function definitions(url: string): PreconfiguredWebhook[] {
  return parsePreconfiguredWebhooks({
    webhook: {
      preconfigured: [
        {
          type: 'announceRelease',
          label: 'Announce release',
          description: 'Tells the release board about a version',
          url: `${url}/boards/\${parameterValues.board}/releases`,
          method: 'POST',
          customHeaders: { Authorization: 'Bearer encrypted:secrets-manager!r:us-east-1!s:gennaker/release-board!k:token' },
          payload: { version: "${parameterValues['version']}", channel: '${parameterValues.channel}', app: '${execution.application}' },
          parameters: [
            { name: 'board', label: 'Board', description: 'which board', type: 'string' },
            { name: 'version', label: 'Version' },
            { name: 'channel', label: 'Channel', defaultValue: 'stable' },
          ],
          waitForCompletion: false,
        },
      ],
    },
  });
}

describe('preconfigured webhooks', () => {
  const web = useWebhookRuntime((url) => ({ preconfiguredWebhooks: definitions(url) }));

  it("runs as a webhook with the definition's URL, credential and payload filled from parameterValues; the author never writes the secret", async () => {
    await secretsManagerClient({ region: 'us-east-1' }).send(
      new CreateSecretCommand({ Name: 'gennaker/release-board', SecretString: JSON.stringify({ token: TOKEN }) }),
    );
    web.server.route((req, res) => json(res, req.headers.authorization === `Bearer ${TOKEN}` ? 201 : 401, { echoed: req.headers.authorization }));
    const checked = validatePipeline({
      application: 'shop',
      name: 'release',
      stages: [{ refId: '1', type: 'announceRelease', name: 'Announce', parameterValues: { board: 'shop-board', version: '${trigger.version}' } }],
    });
    expect(checked.errors).toEqual([]);
    expect(checked.warnings).toEqual([]);

    const result = await web.runtime.start(checked.pipeline!, { trigger: { type: 'manual', version: '4.2.0' } }).result;
    await web.runtime.idle();

    expect(result.status).toBe('SUCCEEDED');
    expect(web.server.requests).toHaveLength(1);
    expect(web.server.requests[0]).toMatchObject({ method: 'POST', url: '/boards/shop-board/releases', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(JSON.parse(web.server.requests[0]!.body)).toEqual({ version: '4.2.0', channel: 'stable', app: 'shop' });
    expect(result.execution.stages[0]).toMatchObject({
      type: 'announceRelease',
      status: 'SUCCEEDED',
      context: { webhook: { statusCodeValue: 201, body: { echoed: 'Bearer <redacted>' } } },
    });
    expect(JSON.stringify(await web.runtime.store.load(result.executionId))).not.toContain(TOKEN);
    expect(JSON.stringify(result.events)).not.toContain(TOKEN);
  });

  it("deployed (a secret name prefix set), a pipeline resolves only its application's secrets; the definition's secret is the operator's and still resolves", async () => {
    await secretsManagerClient({ region: 'us-east-1' }).send(
      new CreateSecretCommand({ Name: 'gennaker/release-board', SecretString: JSON.stringify({ token: TOKEN }) }),
    );
    web.server.route((req, res) => json(res, req.headers.authorization === `Bearer ${TOKEN}` ? 201 : 401, {}));
    const pipeline = validatePipeline({
      application: 'shop',
      name: 'scoped',
      stages: [
        { refId: '1', type: 'announceRelease', name: 'Announce', parameterValues: { board: 'b', version: '1' } },
        {
          refId: '2',
          type: 'webhook',
          name: 'Borrow',
          requisiteStageRefIds: ['1'],
          url: `${web.server.url}/elsewhere`,
          customHeaders: { Authorization: 'Bearer encrypted:secrets-manager!r:us-east-1!s:gennaker/release-board!k:token' },
        },
      ],
    }).pipeline!;
    process.env.GENNAKER_SECRET_NAME_PREFIX = 'gennaker/';
    try {
      const result = await web.runtime.start(pipeline).result;
      await web.runtime.idle();
      expect(result.execution.stages[0]).toMatchObject({ status: 'SUCCEEDED' });
      expect(result.execution.stages[1]).toMatchObject({
        status: 'TERMINAL',
        error:
          "customHeaders.Authorization: secret 'gennaker/release-board' is not one application 'shop' may use: its pipelines may reference secrets named 'gennaker/shop/…' and those the secretAccess setting shares with it",
      });
      expect(web.server.requests.map((r) => r.url)).toEqual(['/boards/b/releases']);
    } finally {
      delete process.env.GENNAKER_SECRET_NAME_PREFIX;
    }
  });

  it('validate knows the type: unknown parameters and overridden fields are errors naming the field; the reference lists it', () => {
    const checked = validatePipeline({
      application: 'shop',
      name: 'release',
      stages: [{ refId: '1', type: 'announceRelease', name: 'Announce', url: 'https://elsewhere.example', parameterValues: { bord: 'x' } }],
    });
    expect(checked.errors).toEqual([
      { path: '$.stages[0].url', message: "set by the preconfigured webhook 'announceRelease'; remove it from the stage" },
      { path: '$.stages[0].parameterValues', message: "'bord' is not a parameter of 'announceRelease' (its parameters: board, version, channel)" },
    ]);
    expect(stageTypeInfo('announceRelease')).toMatchObject({ family: 'external', execution: 'poll' });
    expect(stageReferenceMarkdown()).toContain('announceRelease');
    expect(stageReferenceMarkdown()).toContain('Preconfigured webhook: Tells the release board about a version (parameters: board, version, channel)');
  });

  it('refuses bad definitions with every problem and its path', () => {
    expect(() =>
      parsePreconfiguredWebhooks([
        { type: 'webhook', url: 'https://x.example' },
        { type: 'ok', url: 'https://x.example', parameters: [{ name: 'a' }, { name: 'a' }] },
        { type: 'perm', url: 'https://x.example', permissions: { READ: ['ops'] } },
        { type: 'nourl' },
      ]),
    ).toThrow(
      "GENNAKER_PRECONFIGURED_WEBHOOKS_FILE: [0].type: 'webhook' is a built-in stage type; [1].parameters: 'a' is listed twice; [2].permissions: not supported: every pipeline of this platform may use the type (application permissions still apply); [3].url: ",
    );
  });
});
