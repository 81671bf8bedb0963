/** Lambda for the flow-control stage family. */
import { ExecutionStore } from '../../core/execution-store.js';
import { defaultEngineDeps, engineHandler } from '../../core/lambda-handler.js';
import { defaultNotifier } from '../../core/notifications.js';
import { StepFunctionsLauncher } from '../../core/pipeline-launcher.js';
import { flowStages } from './index.js';

export const handler = engineHandler(() =>
  defaultEngineDeps(flowStages({ notifier: defaultNotifier(), launcher: new StepFunctionsLauncher(new ExecutionStore()) })),
);
