/**
 * Alarm gates: a deploy that moves traffic checks CloudWatch alarms (`rollbackAlarms`) in the
 * account and region of what it deploys, and rolls back when one is in ALARM. One module for every
 * target (EC2, ECS, Lambda) so they agree on what passes: OK and INSUFFICIENT_DATA pass (an alarm on
 * a new version often has no data yet), ALARM fails naming the alarm and its reason, and an alarm
 * that does not exist is an error of its own (a typo must not pass as "no alarm").
 */
import { DescribeAlarmsCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { awsCall } from '../cloud/aws-errors.js';
import { CloudDriverError } from '../cloud/errors.js';

/** How often a step that holds traffic (a pause, a bake, a wait for a promote) re-checks its gates. */
export const GATE_POLL_SECONDS = 30;

/** Named alarms that do not exist where the deploy looked for them. */
export class AlarmNotFoundError extends CloudDriverError {
  override readonly name = 'AlarmNotFoundError';
  override readonly kind = 'not-found';
  constructor(
    readonly alarms: readonly string[],
    where: string,
  ) {
    super(`rollbackAlarms: no CloudWatch alarm ${alarms.join(', ')} in ${where}`);
  }
}

export interface AlarmState {
  readonly name: string;
  readonly state: string;
  readonly reason?: string;
}

export type GateOutcome =
  { readonly passed: true; readonly checked: readonly string[] } | { readonly passed: false; readonly alarm: string; readonly reason: string };

/** The part of a CloudWatch client used here (tests and callers may hand any client with send). */
export type AlarmReader = Pick<CloudWatchClient, 'send'>;

// DescribeAlarms takes at most 100 names per call.
const NAMES_PER_CALL = 100;

/** The states of the named alarms (metric and composite); throws AlarmNotFoundError for any missing. */
export async function describeAlarms(cloudwatch: AlarmReader, names: readonly string[], where: string): Promise<AlarmState[]> {
  const found: AlarmState[] = [];
  const unique = [...new Set(names)];
  for (let i = 0; i < unique.length; i += NAMES_PER_CALL) {
    const batch = unique.slice(i, i + NAMES_PER_CALL);
    let token: string | undefined;
    do {
      const page = await awsCall({ action: 'describe', resourceType: 'CloudWatch alarms', resource: `${batch.join(', ')} in ${where}` }, () =>
        cloudwatch.send(
          new DescribeAlarmsCommand({ AlarmNames: batch, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], ...(token ? { NextToken: token } : {}) }),
        ),
      );
      for (const a of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
        if (a.AlarmName) found.push({ name: a.AlarmName, state: a.StateValue ?? 'INSUFFICIENT_DATA', ...(a.StateReason ? { reason: a.StateReason } : {}) });
      }
      token = page.NextToken;
    } while (token);
  }
  const missing = unique.filter((n) => !found.some((a) => a.name === n));
  if (missing.length > 0) throw new AlarmNotFoundError(missing, where);
  return unique.map((n) => found.find((a) => a.name === n)!);
}

/** Pure: the first alarm in ALARM fails the gate. */
function judgeAlarms(states: readonly AlarmState[]): GateOutcome {
  const firing = states.find((a) => a.state === 'ALARM');
  if (!firing) return { passed: true, checked: states.map((a) => a.name) };
  return { passed: false, alarm: firing.name, reason: `alarm ${firing.name} is in ALARM${firing.reason ? ` (${firing.reason})` : ''}` };
}

/** Checks the gate: passes with no names; otherwise reads the alarms (missing ones throw) and judges them. */
export async function checkAlarmGate(cloudwatch: AlarmReader | (() => AlarmReader), names: readonly string[], where: string): Promise<GateOutcome> {
  if (names.length === 0) return { passed: true, checked: [] };
  const client = typeof cloudwatch === 'function' ? cloudwatch() : cloudwatch;
  return judgeAlarms(await describeAlarms(client, names, where));
}
