/**
 * Lambda for pipeline triggers (EventBridge rule: source gennaker, detail-type "Pipeline Execution
 * Completed"). The parent execution id is the dedupe key: a completed event emitted twice starts
 * each child once.
 */
import { lambdaHandler } from '../../core/lambda-wrapper.js';
import { lazyTriggerDeps, type TriggerDeps } from '../deps.js';
import { startMatchingPipelines } from '../dispatch.js';
import { acknowledge, EventBridgeEnvelope, type EventSummary } from '../events.js';
import { parseOrRefuse } from '../normalized.js';
import { matchPipelineTrigger, normalizeCompleted, pipelineTrigger } from './normalize.js';
import { triggerTypesFiredBy } from '../../../state-machines/triggers/trigger-types.js';

export async function handlePipelineCompleted(event: unknown, deps: TriggerDeps): Promise<EventSummary> {
  return acknowledge(
    'pipeline',
    () => deps.log,
    async () => {
      const envelope = parseOrRefuse(EventBridgeEnvelope, event, 'EventBridge event');
      const normalized = normalizeCompleted(envelope);
      if (normalized.kind === 'ignored') return { source: 'pipeline', ignored: normalized.reason };
      const parent = normalized.event;
      const result = await startMatchingPipelines(
        { source: 'pipeline', deliveryKey: parent.executionId, trigger: pipelineTrigger(parent) },
        triggerTypesFiredBy('pipeline'),
        (config, entry) => matchPipelineTrigger(config, parent, entry.pipeline),
        deps,
      );
      return { source: 'pipeline', outcomes: result.outcomes };
    },
  );
}

const deps = lazyTriggerDeps();
export const handler = lambdaHandler((event: unknown): Promise<EventSummary> => handlePipelineCompleted(event, deps()));
