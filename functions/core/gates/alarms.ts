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

/** How often a step that holds traffic (a pause, a bake, a wait for a promote) re-checks its alarms while the hold is young. */
const GATE_POLL_SECONDS = 30;

const MINUTE_MS = 60_000;

/**
 * Seconds between checks of a hold's rollback alarms, backing off as the hold lasts (as Orca's
 * monitors back off): every 30 s for its first 10 minutes, when a bad version usually shows itself,
 * every minute (a standard alarm's shortest period) to the hour, then every 5 minutes. A step held
 * for days (waiting for a promote) is then called about 12 times an hour and stays far under Step
 * Functions' 25,000 history events per execution, which 30 s polls (~10 events each) reach in 20 hours.
 */
export function gatePollSeconds(heldMs: number): number {
  if (heldMs < 10 * MINUTE_MS) return GATE_POLL_SECONDS;
  return heldMs < 60 * MINUTE_MS ? 60 : 300;
}

/**
 * How long a hold that ends after `remainingMs` waits before its next call: until its next alarm check
 * when it watches alarms, otherwise straight to its end (nothing is read in between; a step's analysis
 * is judged when the hold ends).
 */
export function holdWaitSeconds(remainingMs: number, heldMs: number, watchingAlarms: boolean): number {
  const remaining = Math.max(1, Math.ceil(remainingMs / 1000));
  return watchingAlarms ? Math.min(gatePollSeconds(heldMs), remaining) : remaining;
}

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
