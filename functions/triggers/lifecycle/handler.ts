/**
 * Lambda for Step Functions execution status changes (EventBridge rule: source aws.states,
 * detail-type "Step Functions Execution Status Change", the Gennaker state machines).
 * A malformed event is logged and acknowledged; AWS failures are thrown so the event is retried.
 */
import { ExecutionQueue } from '../../core/concurrency.js';
import { ExecutionStore } from '../../core/execution-store.js';
import { defaultNotifier } from '../../core/notifications.js';
import { StepFunctionsLauncher } from '../../core/pipeline-launcher.js';
import { functionRegistryFromEnv } from '../../core/pipeline-registry.js';
import { platformMetrics, recordFinalized } from '../../core/metrics.js';
import { systemClock } from '../../core/stage-api.js';
import { lambdaCancelElsewhere } from '../../core/stage-functions.js';
import { MalformedEventError } from '../errors.js';
import { lambdaHandler } from '../../core/lambda-wrapper.js';
import { powertoolsLog } from '../../core/log.js';
import { registryNotificationTargets } from '../notification-targets.js';
import { EventBridgePublisher } from './completed-event.js';
import { executionIdOfEvent, handleStatusChange, type LifecycleDeps, type LifecycleResult, stateMachineIndex } from './lifecycle.js';

function defaultLifecycleDeps(): LifecycleDeps {
  const store = new ExecutionStore();
  const registry = functionRegistryFromEnv();
  const notifier = defaultNotifier(registryNotificationTargets(registry));
  const launcher = new StepFunctionsLauncher(store);
  const cancelElsewhere = lambdaCancelElsewhere();
  return {
    store,
    clock: systemClock,
    notifier,
    registry,
    queue: new ExecutionQueue({ store, launcher, clock: systemClock, notifier }),
    events: new EventBridgePublisher(),
    log: powertoolsLog(),
    pipelineOfStateMachine: stateMachineIndex(),
    ...(cancelElsewhere ? { cancelElsewhere } : {}),
  };
}

let deps: LifecycleDeps | undefined;
const metrics = platformMetrics('gennaker-lifecycle');

async function handleEvent(event: unknown): Promise<LifecycleResult | { refused: string }> {
  deps ??= defaultLifecycleDeps();
  try {
    const result = await handleStatusChange(event, deps);
    if (result.action === 'finalised' && result.status) recordFinalized(metrics, result.status);
    return result;
  } catch (error) {
    if (error instanceof MalformedEventError) {
      deps.log.warn('status change refused', { reason: error.message });
      return { refused: error.message };
    }
    throw error;
  }
}

export const handler = lambdaHandler(handleEvent, { executionIdOf: executionIdOfEvent });
