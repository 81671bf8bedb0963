/** Lambda subscribed to SNS topics: each message starts the pipelines whose pubsub triggers match it. */
import { lambdaHandler } from '../../core/lambda-wrapper.js';
import { lazyTriggerDeps, type TriggerDeps } from '../deps.js';
import { startMatchingPipelines } from '../dispatch.js';
import { acknowledge, type EventSummary } from '../events.js';
import { matchPubsubTrigger, normalizeSnsEvent, pubsubTrigger } from './normalize.js';
import { triggerTypesFiredBy } from '../../../state-machines/triggers/trigger-types.js';

export async function handleSnsEvent(event: unknown, deps: TriggerDeps): Promise<EventSummary> {
  return acknowledge(
    'sns',
    () => deps.log,
    async () => {
      const outcomes: unknown[] = [];
      for (const message of normalizeSnsEvent(event)) {
        const result = await startMatchingPipelines(
          { source: 'sns', deliveryKey: message.messageId, trigger: pubsubTrigger(message) },
          triggerTypesFiredBy('pubsub'),
          (config) => matchPubsubTrigger(config, message),
          deps,
        );
        outcomes.push(...result.outcomes);
      }
      return { source: 'sns', outcomes };
    },
  );
}

const deps = lazyTriggerDeps();
export const handler = lambdaHandler((event: unknown): Promise<EventSummary> => handleSnsEvent(event, deps()));
