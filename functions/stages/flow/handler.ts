/** Lambda for the flow-control stage family. */
import { ExecutionStore } from '../../core/execution-store.js';
import { defaultEngineDeps, engineHandler } from '../../core/lambda-handler.js';
import { defaultNotifier } from '../../core/notifications.js';
import { StepFunctionsLauncher } from '../../core/pipeline-launcher.js';
import { cloudEnv } from '../cloud/deps.js';
import { cloudPreconditions } from '../cloud/preconditions.js';
import { flowStages } from './index.js';

export const handler = engineHandler(() =>
  defaultEngineDeps(
    flowStages({
      notifier: defaultNotifier(),
      launcher: new StepFunctionsLauncher(new ExecutionStore()),
      // checkPreconditions' clusterSize reads clusters through the cloud driver.
      preconditions: cloudPreconditions(cloudEnv()),
    }),
  ),
);
