/**
 * How stacks are synthesized. For AWS: CDK's default (assets in the bootstrap bucket, deployment
 * roles, a bootstrap version check). For the emulator: the same, minus the version check, which
 * reads an SSM parameter through a CloudFormation Rule that moto does not evaluate.
 */
import { DefaultStackSynthesizer, type IStackSynthesizer } from 'aws-cdk-lib';

export type Target = 'aws' | 'emulator';

export function stackSynthesizer(target: Target): IStackSynthesizer | undefined {
  return target === 'emulator' ? new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }) : undefined;
}
