/**
 * The CloudWatch alarms a rollbackAlarms gate reads, made in the emulator: by the local sandbox for
 * the alarms a pipeline names, and by tests and benchmarks that need an alarm to pass or fire. One
 * definition, so what the sandbox makes and what the tests prove the gate against stay the same.
 */
import { PutMetricAlarmCommand, SetAlarmStateCommand, type CloudWatchClient, type StateValue } from '@aws-sdk/client-cloudwatch';

/** What an alarm watches: a load balancer's target 5xx count (EC2, ECS) or a Lambda function's errors. */
const METRICS = {
  'alb-5xx': { Namespace: 'AWS/ApplicationELB', MetricName: 'HTTPCode_Target_5XX_Count', ComparisonOperator: 'GreaterThanThreshold' },
  'lambda-errors': { Namespace: 'AWS/Lambda', MetricName: 'Errors', ComparisonOperator: 'GreaterThanOrEqualToThreshold' },
} as const;

export interface AlarmOptions {
  /** @default 'alb-5xx' */
  readonly metric?: keyof typeof METRICS;
  /** @default 1 */
  readonly threshold?: number;
  /** Set the alarm to this state at once (the emulator never evaluates metrics). @default none: INSUFFICIENT_DATA, which passes the gate */
  readonly state?: StateValue;
  /** Why it is in `state`; the gate's error names it. @default 'test' */
  readonly reason?: string;
}

/** A one-minute Sum alarm named `name` (PutMetricAlarm replaces one of the same name, so making it again changes nothing). */
export async function putAlarm(cloudwatch: CloudWatchClient, name: string, options: AlarmOptions = {}): Promise<void> {
  await cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: name,
      ...METRICS[options.metric ?? 'alb-5xx'],
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: options.threshold ?? 1,
    }),
  );
  if (options.state) await setAlarmState(cloudwatch, name, options.state, options.reason);
}

/** Drives an alarm into `state` (the emulator never evaluates metrics, so this is how a gate is made to pass or fire). */
export async function setAlarmState(cloudwatch: CloudWatchClient, name: string, state: StateValue, reason = 'test'): Promise<void> {
  await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: state, StateReason: reason }));
}
