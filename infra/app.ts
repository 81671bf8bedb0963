/** Entry point of `cdk synth` / `cdk deploy` (cdk.json): builds the app from context and synthesizes. */
import { App } from 'aws-cdk-lib';
import { PipelineDefinitionError, PlatformSettingError } from './errors.js';
import { buildGennakerApp, optionsFromContext } from './gennaker-app.js';

const app = new App();
try {
  buildGennakerApp(app, optionsFromContext(app));
} catch (error) {
  if (error instanceof PipelineDefinitionError || error instanceof PlatformSettingError || error instanceof AggregateError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
app.synth();
