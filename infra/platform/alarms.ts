/**
 * CloudWatch alarms: a handler that failed unexpectedly, a dead letter that arrived, a pipeline
 * execution that failed. Each fires on the first occurrence (threshold 1) and goes back to OK by itself; where an
 * alarm goes is the platform's `alarmActions`.
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, MathExpression, TreatMissingData, type IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';

const PERIOD = Duration.minutes(5);

function alarm(scope: Construct, id: string, props: ConstructorParameters<typeof Alarm>[2], actions: readonly IAlarmAction[]): Alarm {
  const created = new Alarm(scope, id, props);
  for (const action of actions) created.addAlarmAction(action);
  return created;
}

/**
 * Unexpected errors of a handler: Lambda's `Errors` as it is. A stage that failed, halted or routed
 * its pipeline is not among them: the engine answers its Task's token with the signal
 * (SendTaskFailure) and the function returns normally (functions/core/engine/route.ts), so what
 * Errors counts is crashes, timeouts, out-of-memory ends and bugs.
 */
export function handlerErrorsAlarm(scope: Construct, fn: IFunction, label: string, actions: readonly IAlarmAction[]): Alarm {
  return alarm(
    scope,
    'ErrorsAlarm',
    {
      alarmDescription: `Gennaker ${label} Lambda failed unexpectedly (a crash, timeout or bug; not a stage that failed, halted or routed its pipeline)`,
      metric: fn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    },
    actions,
  );
}

export function deadLetterAlarm(scope: Construct, queue: IQueue, actions: readonly IAlarmAction[]): Alarm {
  return alarm(
    scope,
    'DeadLettersAlarm',
    {
      alarmDescription: 'An asynchronous Gennaker invocation failed for good: see the dead-letter queue',
      metric: queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    },
    actions,
  );
}

export function failedExecutionsAlarm(scope: Construct, stateMachine: IStateMachine, label: string, actions: readonly IAlarmAction[]): Alarm {
  return alarm(
    scope,
    'FailedExecutionsAlarm',
    {
      alarmDescription: `Gennaker pipeline ${label}: an execution failed, timed out or was aborted`,
      // A TERMINAL pipeline ends in the Fail state (FAILED); timeouts and aborts never reach it.
      metric: new MathExpression({
        // FILL: a period with one kind of failure and none of the others still sums to a number.
        expression: 'FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)',
        usingMetrics: {
          failed: stateMachine.metricFailed({ statistic: 'Sum' }),
          timedOut: stateMachine.metricTimedOut({ statistic: 'Sum' }),
          aborted: stateMachine.metricAborted({ statistic: 'Sum' }),
        },
        period: PERIOD,
        label: 'executions failed, timed out or aborted',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    },
    actions,
  );
}
