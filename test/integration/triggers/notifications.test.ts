/**
 * SNS notifications with the pipeline's own settings honoured, against the emulator's SNS: the
 * usual message for every event, plus one addressed message (channel and address attributes) for
 * each setting whose `when` lists the event.
 */
import { CreateTopicCommand, type PublishCommandInput } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { awsClients } from '../../../functions/core/aws-clients.js';
import { SnsNotifier } from '../../../functions/core/notifications.js';
import { StaticPipelineRegistry } from '../../../functions/core/pipeline-registry.js';
import { registryNotificationTargets } from '../../../functions/triggers/notification-targets.js';
import { captureInputs, pipelineOf, useTriggerAws } from './support.js';

useTriggerAws();

const pipeline = pipelineOf({
  application: 'shop',
  name: 'deploy',
  notifications: [
    { type: 'email', address: 'team@example.com', level: 'pipeline', when: ['pipeline.failed'] },
    { type: 'slack', address: '#deploys', level: 'pipeline', when: ['pipeline.complete', 'pipeline.failed'] },
  ],
  stages: [
    {
      refId: '1',
      type: 'wait',
      name: 'Wait',
      waitTime: 1,
      sendNotifications: true,
      notifications: [{ type: 'email', address: 'oncall@example.com', level: 'stage', when: ['stage.failed'] }],
    },
  ],
});

describe('SnsNotifier with notification settings', () => {
  it('publishes the event, then one addressed copy per setting that wants it', async () => {
    const sns = awsClients.snsClient();
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'gennaker-notifications' }));
    const published = captureInputs<PublishCommandInput>(sns, 'Publish');
    const notifier = new SnsNotifier(TopicArn!, sns, registryNotificationTargets(new StaticPipelineRegistry([pipeline])));

    await notifier.publish({
      event: 'pipeline.failed',
      application: 'shop',
      pipeline: 'deploy',
      executionId: 'exec-1',
      summary: 'Pipeline shop/deploy TERMINAL',
    });
    await notifier.publish({ event: 'pipeline.starting', application: 'shop', pipeline: 'deploy', executionId: 'exec-1', summary: 'starting' });
    await notifier.publish({
      event: 'stage.failed',
      application: 'shop',
      pipeline: 'deploy',
      executionId: 'exec-1',
      stage: { refId: '1', name: 'Wait', type: 'wait' },
      summary: "Stage 'Wait' TERMINAL",
    });
    published.remove();

    const attrs = published.inputs.map((i) => Object.fromEntries(Object.entries(i.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue])));
    expect(attrs).toEqual([
      { application: 'shop', pipeline: 'deploy', event: 'pipeline.failed' },
      { application: 'shop', pipeline: 'deploy', event: 'pipeline.failed', channel: 'email', address: 'team@example.com' },
      { application: 'shop', pipeline: 'deploy', event: 'pipeline.failed', channel: 'slack', address: '#deploys' },
      { application: 'shop', pipeline: 'deploy', event: 'pipeline.starting' },
      { application: 'shop', pipeline: 'deploy', event: 'stage.failed' },
      { application: 'shop', pipeline: 'deploy', event: 'stage.failed', channel: 'email', address: 'oncall@example.com' },
    ]);
    // The plain message stays machine-readable (as before) and gains a text; addressed copies are text.
    expect(JSON.parse(published.inputs[0]!.Message!)).toMatchObject({
      event: 'pipeline.failed',
      executionId: 'exec-1',
      link: expect.stringContaining('exec-1'),
      text: expect.any(String),
    });
    expect(published.inputs[1]!.Message).toContain('Pipeline shop/deploy TERMINAL');
    expect(published.inputs[1]!.Message).toContain('application shop, pipeline deploy; execution exec-1');
  });
});
