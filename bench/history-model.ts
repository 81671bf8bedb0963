/**
 * Step Functions history events per state, for estimating an execution's history from the local
 * engine's event log (which records state entries and exits, not AWS's finer events). From the
 * Step Functions history event types: a Lambda Task writes Entered, Scheduled, Started,
 * Succeeded/Failed and Exited; Choice, Pass, Succeed, Fail and Wait write Entered and Exited; a
 * Parallel writes Entered, Started, Succeeded and Exited.
 */
export const HISTORY_EVENTS_PER_STATE: Record<string, number> = {
  Task: 5,
  Choice: 2,
  Wait: 2,
  Pass: 2,
  Succeed: 2,
  Fail: 2,
  Parallel: 4,
  Map: 4,
};
/** ExecutionStarted and ExecutionSucceeded/Failed. */
export const HISTORY_EVENTS_PER_EXECUTION = 2;
export const DOLLARS_PER_TRANSITION = 0.025 / 1000;
