/**
 * cdk-nag's AwsSolutions rules over the whole app, through CDK's policy validation: any finding
 * not acknowledged fails synth with a report. Acknowledgements sit next to the resource they
 * concern (`Validations.of(resource).acknowledge` where it is created), each with its own reason.
 */
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

export function applyNag(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
}
