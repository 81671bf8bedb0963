/**
 * Step Functions execution status changes of this platform's pipelines → the lifecycle handler,
 * which finalises the record (also after an abort or timeout, when no Task ran), releases locks,
 * notifies and emits pipeline-completed. Matched by the state machine name prefix the platform
 * gives every pipeline, so pipelines added later need no change to the rule.
 */
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

const FINAL_STATUSES = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;

export interface ExecutionStatusRuleProps {
  readonly handler: IFunction;
  /** State machine names start with `${namePrefix}-`. */
  readonly namePrefix: string;
  readonly deadLetterQueue: IQueue;
}

export class ExecutionStatusRule extends Construct {
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: ExecutionStatusRuleProps) {
    super(scope, id);
    const arnPrefix = Stack.of(this).formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: `${props.namePrefix}-`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.rule = new Rule(this, 'Rule', {
      description: 'Gennaker: pipeline executions that ended, to the lifecycle handler',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { status: [...FINAL_STATUSES], stateMachineArn: [{ prefix: arnPrefix }] },
      },
      targets: [
        new LambdaFunction(props.handler, {
          deadLetterQueue: props.deadLetterQueue,
          retryAttempts: 8,
          maxEventAge: Duration.hours(2),
        }),
      ],
    });
  }
}
