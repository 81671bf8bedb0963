/**
 * Lambda for ECR image pushes (EventBridge rule: source aws.ecr, detail-type "ECR Image Action").
 * Reads GENNAKER_DOCKER_ACCOUNTS ({"account name": "account id"}) for triggers naming an account.
 */
import { lambdaHandler } from '../../core/lambda-wrapper.js';
import { lazyTriggerDeps, type TriggerDeps } from '../deps.js';
import { startMatchingPipelines } from '../dispatch.js';
import { acknowledge, EventBridgeEnvelope, type EventSummary } from '../events.js';
import { parseOrRefuse } from '../normalized.js';
import { type AccountIds, dockerTrigger, matchDockerTrigger, normalizeEcrPush, parseAccountIds } from './normalize.js';
import { triggerTypesFiredBy } from '../../../state-machines/triggers/trigger-types.js';

export async function handleEcrEvent(event: unknown, deps: TriggerDeps, accountIds: AccountIds = {}): Promise<EventSummary> {
  return acknowledge(
    'ecr',
    () => deps.log,
    async () => {
      const envelope = parseOrRefuse(EventBridgeEnvelope, event, 'EventBridge event');
      const normalized = normalizeEcrPush(envelope);
      if (normalized.kind === 'ignored') return { source: 'ecr', ignored: normalized.reason };
      const push = normalized.event;
      const result = await startMatchingPipelines(
        { source: 'ecr', deliveryKey: push.eventId, trigger: dockerTrigger(push) },
        triggerTypesFiredBy('docker'),
        (config) => matchDockerTrigger(config, push, accountIds),
        deps,
      );
      return { source: 'ecr', outcomes: result.outcomes };
    },
  );
}

const deps = lazyTriggerDeps();
const accountIds = parseAccountIds(process.env.GENNAKER_DOCKER_ACCOUNTS);
export const handler = lambdaHandler((event: unknown): Promise<EventSummary> => handleEcrEvent(event, deps(), accountIds));
