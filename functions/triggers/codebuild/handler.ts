/** Lambda for CodeBuild build state changes (EventBridge rule: source aws.codebuild, detail-type "CodeBuild Build State Change"). */
import { lambdaHandler } from '../../core/lambda-wrapper.js';
import { lazyTriggerDeps, type TriggerDeps } from '../deps.js';
import { startMatchingPipelines } from '../dispatch.js';
import { acknowledge, EventBridgeEnvelope, type EventSummary } from '../events.js';
import { parseOrRefuse } from '../normalized.js';
import { codeBuildTrigger, matchCodeBuildTrigger, normalizeCodeBuild } from './normalize.js';
import { triggerTypesFiredBy } from '../../../state-machines/triggers/trigger-types.js';

export async function handleCodeBuildEvent(event: unknown, deps: TriggerDeps): Promise<EventSummary> {
  return acknowledge(
    'codebuild',
    () => deps.log,
    async () => {
      const envelope = parseOrRefuse(EventBridgeEnvelope, event, 'EventBridge event');
      const normalized = normalizeCodeBuild(envelope);
      if (normalized.kind === 'ignored') return { source: 'codebuild', ignored: normalized.reason };
      const build = normalized.event;
      const result = await startMatchingPipelines(
        { source: 'codebuild', deliveryKey: build.eventId, trigger: codeBuildTrigger(build) },
        triggerTypesFiredBy('codebuild'),
        (config) => matchCodeBuildTrigger(config, build),
        deps,
      );
      return { source: 'codebuild', outcomes: result.outcomes };
    },
  );
}

const deps = lazyTriggerDeps();
export const handler = lambdaHandler((event: unknown): Promise<EventSummary> => handleCodeBuildEvent(event, deps()));
