import { describe, expect, it } from 'vitest';
import { MemoryNotifier, type NotificationEvent, notificationTargets, notificationText, whenNames } from '../../../../functions/core/notifications.js';
import { StaticPipelineRegistry } from '../../../../functions/core/pipeline-registry.js';
import { registryNotificationTargets } from '../../../../functions/triggers/notification-targets.js';
import { pipelineOf } from '../../../support/local.js';

const failed: NotificationEvent = {
  event: 'pipeline.failed',
  application: 'shop',
  pipeline: 'deploy',
  executionId: 'exec-1',
  summary: 'Pipeline shop/deploy TERMINAL: stage Deploy failed',
};
const judged: NotificationEvent = {
  event: 'stage.complete',
  application: 'shop',
  pipeline: 'deploy',
  executionId: 'exec-1',
  stage: { refId: '2', name: 'Approve', type: 'manualJudgment' },
  summary: "Stage 'Approve' SUCCEEDED",
};

describe("honouring the pipeline's and stages' notification settings", () => {
  it('picks the settings whose `when` lists the event, with their custom text', () => {
    const settings = {
      pipeline: [
        { type: 'email', address: 'team@example.com', level: 'pipeline', when: ['pipeline.failed', 'pipeline.complete'] },
        { type: 'slack', address: '#deploys', level: 'pipeline', when: ['pipeline.complete'] },
        { type: 'sms', address: '+15550100', when: ['pipeline.failed'], message: { 'pipeline.failed': { text: 'Deploy broke!' } } },
      ],
    };
    expect(notificationTargets(failed, settings)).toEqual([
      { type: 'email', address: 'team@example.com', level: 'pipeline' },
      { type: 'sms', address: '+15550100', level: 'pipeline', text: 'Deploy broke!' },
    ]);
  });

  it("answers stage events from the stage's own settings only, with Spinnaker's judgment names", () => {
    expect(whenNames(judged)).toEqual(['stage.complete', 'manualJudgmentContinue']);
    const settings = {
      pipeline: [{ type: 'email', address: 'all@example.com', when: ['stage.complete'] }],
      stage: [{ type: 'slack', address: '#approvals', level: 'stage', when: ['manualJudgmentContinue'] }],
    };
    expect(notificationTargets(judged, settings)).toEqual([{ type: 'slack', address: '#approvals', level: 'stage' }]);
  });

  it('writes what happened, where, and the link', () => {
    const text = notificationText(judged);
    expect(text).toContain("Stage 'Approve' SUCCEEDED");
    expect(text).toContain("application shop, pipeline deploy, stage 'Approve' (manualJudgment)");
    expect(text).toContain('exec-1');
  });

  it('finds settings through the pipeline registry', async () => {
    const pipeline = pipelineOf({
      application: 'shop',
      name: 'deploy',
      notifications: [{ type: 'email', address: 'team@example.com', level: 'pipeline', when: ['pipeline.failed'] }],
      stages: [
        { refId: '1', type: 'wait', name: 'Wait', waitTime: 1 },
        {
          refId: '2',
          type: 'manualJudgment',
          name: 'Approve',
          requisiteStageRefIds: ['1'],
          notifications: [{ type: 'slack', address: '#approvals', level: 'stage', when: ['manualJudgmentContinue'] }],
        },
      ],
    });
    const notifier = new MemoryNotifier(undefined, registryNotificationTargets(new StaticPipelineRegistry([pipeline])));
    await notifier.publish(failed);
    await notifier.publish(judged);
    await notifier.publish({ ...failed, event: 'pipeline.complete' });
    await notifier.publish({ ...failed, application: 'unknown' });
    expect(notifier.events).toHaveLength(4);
    expect(notifier.deliveries.map((d) => [d.event.event, d.target.type, d.target.address])).toEqual([
      ['pipeline.failed', 'email', 'team@example.com'],
      ['stage.complete', 'slack', '#approvals'],
    ]);
  });
});
