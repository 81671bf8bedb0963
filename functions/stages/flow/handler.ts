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
      // checkPreconditions' clusterSize reads clusters through the cloud driver. Imported statically:
      // esbuild keeps every export of a dynamically imported module (one bundle file, no splitting),
      // so loading the driver on demand would put all of the SDK's EC2 schemas in the bundle.
      preconditions: cloudPreconditions(cloudEnv()),
    }),
  ),
);
