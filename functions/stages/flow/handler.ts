/**
 * Lambda for the flow-control stage family. checkPreconditions stages with a clusterSize check run
 * in the cloud family's function instead (stage-types/flow.ts), so this one reads no clusters.
 */
import { ExecutionStore } from '../../core/execution-store.js';
import { defaultEngineDeps, engineHandler } from '../../core/lambda-handler.js';
import { defaultNotifier } from '../../core/notifications.js';
import { StepFunctionsLauncher } from '../../core/pipeline-launcher.js';
import { flowStages } from './index.js';

export const handler = engineHandler(() =>
  defaultEngineDeps(flowStages({ notifier: defaultNotifier(), launcher: new StepFunctionsLauncher(new ExecutionStore()) })),
);
