/** One pipeline in a stack of its own: deploying or removing a pipeline touches nothing else. */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { PipelineDefinition } from '../pipeline/definition.js';
import { Pipeline } from '../pipeline/pipeline.js';
import type { Platform } from '../platform/platform.js';

export interface PipelineStackProps extends StackProps {
  readonly platform: Platform;
  readonly definition: PipelineDefinition;
}

export class PipelineStack extends Stack {
  readonly pipeline: Pipeline;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    this.pipeline = new Pipeline(this, 'Pipeline', { platform: props.platform, definition: props.definition });
    new CfnOutput(this, 'StateMachineArn', { value: this.pipeline.stateMachine.stateMachineArn });
    new CfnOutput(this, 'Application', { value: this.pipeline.pipeline.application });
    new CfnOutput(this, 'PipelineName', { value: this.pipeline.pipeline.name });
  }
}
