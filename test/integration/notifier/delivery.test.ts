/**
 * Notifications whose address is a credential (Teams and Google Chat incoming webhooks, Slack's
 * webhook in the operator's settings): the pipeline writes a secret reference, every function
 * publishes it to the topic as written, and only the notifier resolves it, when it sends, to a real
 * server on 127.0.0.1. What the topic carries, the logs and every error hold no trace of the URL.
 * The SNS messages are the ones SnsNotifier really publishes (taken at the SDK boundary), turned into
 * the event Lambda receives.
 */
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { type PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';
import type { SNSEvent } from 'aws-lambda';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resetClientCache, secretsManagerClient } from '../../../functions/core/aws-clients.js';
import { type NotificationEvent, type NotificationTarget, SnsNotifier } from '../../../functions/core/notifications.js';
import { httpSender } from '../../../functions/core/http/client.js';
import { MemoryLog } from '../../../functions/core/log.js';
import { deliveredTypes } from '../../../functions/notifier/delivery.js';
import { handleNotifications, type NotifierDeps } from '../../../functions/notifier/handler.js';
import { parseNotificationSettings } from '../../../functions/notifier/settings.js';
import { useMoto } from '../../support/moto.js';
import { json, startServer, type TestServer } from '../external/support/http-server.js';

useMoto();

const TEAMS_PATH = '/webhookb2/teamsTok3n-51c0/IncomingWebhook/abc';
const CHAT_PATH = '/v1/spaces/AAA/messages?key=chatKey-77&token=chatTok-88';
const SLACK_PATH = '/services/T0/B0/slackTok-a1b2';
const ref = (name: string) => `encrypted:secrets-manager!r:us-east-1!s:${name}`;

const EVENT: NotificationEvent = {
  event: 'pipeline.failed',
  application: 'shop',
  pipeline: 'release',
  executionId: 'e-1',
  summary: "Pipeline 'release' failed",
};

/** What SnsNotifier publishes for these targets, as the SNS events Lambda would receive. */
async function published(
  targets: readonly NotificationTarget[],
  event: NotificationEvent = EVENT,
): Promise<{ inputs: PublishCommandInput[]; event: SNSEvent }> {
  const sns = new SNSClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const inputs: PublishCommandInput[] = [];
  sns.middlewareStack.add(
    () => async (args) => {
      inputs.push(args.input as PublishCommandInput);
      return { output: { MessageId: `m-${inputs.length}`, $metadata: { httpStatusCode: 200 } }, response: {} };
    },
    { step: 'initialize' },
  );
  await new SnsNotifier('arn:aws:sns:us-east-1:123456789012:gennaker', sns, async () => targets).publish(event);
  const Records: SNSEvent['Records'] = inputs.map((input, i) => ({
    EventSource: 'aws:sns',
    EventVersion: '1.0',
    EventSubscriptionArn: 'arn:aws:sns:us-east-1:123456789012:gennaker:sub',
    Sns: {
      Type: 'Notification',
      MessageId: `m-${i}`,
      TopicArn: input.TopicArn!,
      Subject: input.Subject ?? '',
      Message: input.Message!,
      Timestamp: new Date(0).toISOString(),
      SignatureVersion: '1',
      Signature: '',
      SigningCertUrl: '',
      UnsubscribeUrl: '',
      MessageAttributes: Object.fromEntries(Object.entries(input.MessageAttributes ?? {}).map(([k, v]) => [k, { Type: 'String', Value: v.StringValue! }])),
    },
  }));
  return { inputs, event: { Records } };
}

describe('the notifier', () => {
  let server: TestServer;
  let log: MemoryLog;
  let deps: NotifierDeps;

  beforeAll(() => resetClientCache());
  beforeEach(async () => {
    resetClientCache();
    server = await startServer((_req, res) => json(res, 200, {}));
    const sm = secretsManagerClient({ region: 'us-east-1' });
    await sm.send(new CreateSecretCommand({ Name: 'gennaker/shop/teams', SecretString: `${server.url}${TEAMS_PATH}` }));
    await sm.send(new CreateSecretCommand({ Name: 'gennaker/shop/chat', SecretString: JSON.stringify({ url: `${server.url}${CHAT_PATH}` }) }));
    await sm.send(new CreateSecretCommand({ Name: 'gennaker/checkout/teams', SecretString: `${server.url}/webhookb2/checkout-only-1234` }));
    await sm.send(new CreateSecretCommand({ Name: 'gennaker/platform/slack', SecretString: `${server.url}${SLACK_PATH}` }));
    log = new MemoryLog();
    deps = {
      http: httpSender({ allowLinkLocal: false, timeoutMs: 5000 }),
      namePrefix: 'gennaker/',
      access: { shared: [], applications: {} },
      settings: parseNotificationSettings({ slack: { webhookUrl: ref('gennaker/platform/slack'), username: 'Gennaker' } }),
      log,
    };
  });
  afterEach(async () => {
    await server.close();
  });

  it('resolves the address reference when it sends: Teams gets a MessageCard, Google Chat text, Slack the channel through the operator webhook', async () => {
    const { inputs, event } = await published([
      { type: 'microsoftteams', address: ref('gennaker/shop/teams'), level: 'pipeline' },
      { type: 'googlechat', address: `${ref('gennaker/shop/chat')}!k:url`, level: 'pipeline' },
      { type: 'slack', address: '#deploys', level: 'pipeline' },
      { type: 'email', address: 'ops@example.com', level: 'pipeline' },
    ]);
    await handleNotifications(event, deps);

    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([`POST ${TEAMS_PATH}`, `POST ${CHAT_PATH}`, `POST ${SLACK_PATH}`]);
    const [teams, chat, slack] = server.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(teams).toMatchObject({ '@type': 'MessageCard', summary: '[Gennaker] shop/release: pipeline.failed' });
    expect(String(teams!.text)).toContain("Pipeline 'release' failed");
    expect(String(chat!.text)).toContain('Where: application shop, pipeline release; execution e-1');
    expect(slack).toMatchObject({ channel: '#deploys', username: 'Gennaker' });
    // The topic (what every subscriber, email included, receives) carries the references, never the URLs.
    const carried = JSON.stringify(inputs);
    expect(carried).toContain(ref('gennaker/shop/teams'));
    for (const secret of ['teamsTok3n', 'chatKey-77', 'chatTok-88', 'slackTok-a1b2', server.url]) {
      expect(carried).not.toContain(secret);
      expect(log.text()).not.toContain(secret);
    }
    expect(log.entries.filter((e) => e.message === 'notification delivered').map((e) => e.fields.type)).toEqual(['microsoftteams', 'googlechat', 'slack']);
  });

  it("refuses another application's secret by name before reading it, and does not retry", async () => {
    const { event } = await published([{ type: 'microsoftteams', address: ref('gennaker/checkout/teams'), level: 'pipeline' }]);
    await handleNotifications(event, deps);
    expect(server.requests).toEqual([]);
    const refused = log.entries.find((e) => e.message === 'notification not delivered');
    expect(refused?.fields).toMatchObject({
      type: 'microsoftteams',
      application: 'shop',
      reason:
        "microsoftteams notification: address: secret 'gennaker/checkout/teams' is not one application 'shop' may use: its pipelines may reference secrets named 'gennaker/shop/…' and those the secretAccess setting shares with it",
    });
  });

  it('a failing server is retried with a reason that names only its origin; an echo of the URL is scrubbed', async () => {
    server.route((req, res) => json(res, 503, { error: `cannot post to ${req.url}` }));
    const { event } = await published([{ type: 'microsoftteams', address: ref('gennaker/shop/teams'), level: 'pipeline' }]);
    const thrown = await handleNotifications(event, deps).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(thrown?.message).toBe(`the microsoftteams webhook at ${server.url} answered 503`);
    expect(server.requests).toHaveLength(1);
    expect(log.text()).not.toContain('teamsTok3n');
  });

  it('sends only the types it knows; Slack only when the settings give its webhook', () => {
    expect(deliveredTypes()).toEqual(['googlechat', 'microsoftteams']);
    expect(deliveredTypes(deps.settings)).toEqual(['googlechat', 'microsoftteams', 'slack']);
    expect(() => parseNotificationSettings({ slack: { token: 'x' } }, 'notifications.yml')).toThrow(/notifications\.yml: /);
  });
});
