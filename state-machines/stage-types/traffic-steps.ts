/**
 * The one format for moving traffic in steps and for the alarms that stop it, shared by every
 * target that shifts traffic (progressive deploys on EC2 and ECS, Lambda alias shifting):
 *
 *   trafficSteps:   [{ weight: 10, pauseSec: 300 }, { weight: 50, pauseSec: 300 }, { weight: 100 }]
 *   rollbackAlarms: ['app-5xx', 'app-latency']
 *
 * `weight` is the percent of traffic on the new version after the step (whole numbers, strictly
 * increasing, the last 100). `pauseSec` is how long to hold it, checking the gates; a step before
 * the last without `pauseSec` waits for a promote. `analysis` is a canary config judged at the step.
 *
 * Pure. Problems name the path; values holding `${...}` are left for the stage to check when it runs
 * (`readTrafficSteps` reads the evaluated value and reports the same problems).
 */

type Raw = Readonly<Record<string, unknown>>;

export interface TrafficStep {
  /** Percent of traffic on the new version after this step, 1–100. */
  readonly weight: number;
  /** Hold the weight this long (checking gates). Absent before the last step: wait for a promote. */
  readonly pauseSec?: number;
  /** A canary config (Kayenta's canaryConfig shape) judged on the two versions at this step. */
  readonly analysis?: Readonly<Record<string, unknown>>;
}

const isExpression = (v: unknown): boolean => typeof v === 'string' && v.includes('${');
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function whole(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v : undefined;
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v);
  return undefined;
}

const STEP_FIELDS = new Set(['weight', 'pauseSec', 'analysis']);

/**
 * Whether steps as written may wait for a promote (a step before the last without `pauseSec`, or
 * any expression that could turn out so): such a stage is compiled to wait on its task token.
 */
export function mayWaitForPromote(steps: unknown): boolean {
  if (isExpression(steps)) return true;
  return (
    Array.isArray(steps) &&
    steps.some((step, i) => i < steps.length - 1 && (isExpression(step) || (isObject(step) && (step.pauseSec === undefined || isExpression(step.pauseSec)))))
  );
}

/** Problems with a `trafficSteps` value; `path` is where it sits (e.g. `clusters[0].trafficSteps`). */
export function trafficStepsProblems(value: unknown, path: string): string[] {
  if (value === undefined || value === null || isExpression(value)) return [];
  if (!Array.isArray(value) || value.length === 0) return [`${path}: must be a non-empty list of {weight, pauseSec?, analysis?}`];
  const problems: string[] = [];
  let previous: number | undefined;
  value.forEach((step, i) => {
    const at = `${path}[${i}]`;
    if (isExpression(step)) return;
    if (!isObject(step)) {
      problems.push(`${at}: must be an object {weight, pauseSec?, analysis?}`);
      return;
    }
    for (const key of Object.keys(step)) if (!STEP_FIELDS.has(key)) problems.push(`${at}.${key}: unknown field (known: weight, pauseSec, analysis)`);
    if (!isExpression(step.weight)) {
      const weight = whole(step.weight);
      if (step.weight === undefined) problems.push(`${at}.weight: required (percent of traffic on the new version)`);
      else if (weight === undefined || weight < 1 || weight > 100)
        problems.push(`${at}.weight: must be a whole number from 1 to 100 (got ${JSON.stringify(step.weight)})`);
      else {
        if (previous !== undefined && weight <= previous) problems.push(`${at}.weight: must be greater than the step before (${previous})`);
        previous = weight;
      }
    }
    if (step.pauseSec !== undefined && !isExpression(step.pauseSec) && whole(step.pauseSec) === undefined) {
      problems.push(`${at}.pauseSec: must be whole seconds ≥ 0 (got ${JSON.stringify(step.pauseSec)})`);
    }
    if (step.analysis !== undefined && !isExpression(step.analysis) && !isObject(step.analysis))
      problems.push(`${at}.analysis: must be an object (a canary config)`);
  });
  const last: unknown = value[value.length - 1];
  if (isObject(last) && !isExpression(last.weight) && whole(last.weight) !== 100) {
    problems.push(`${path}[${value.length - 1}].weight: the last step must send all traffic (weight 100), got ${JSON.stringify(last.weight)}`);
  }
  return problems;
}

/** Problems with a `rollbackAlarms` value: a list of CloudWatch alarm names. */
export function rollbackAlarmsProblems(value: unknown, path: string): string[] {
  if (value === undefined || value === null || isExpression(value)) return [];
  if (!Array.isArray(value)) return [`${path}: must be a list of CloudWatch alarm names`];
  const problems: string[] = [];
  value.forEach((name, i) => {
    if (isExpression(name)) return;
    if (typeof name !== 'string' || name.trim() === '') problems.push(`${path}[${i}]: must be an alarm name`);
    else if (name.length > 255) problems.push(`${path}[${i}]: alarm names are at most 255 characters`);
  });
  const names = value.filter((n): n is string => typeof n === 'string');
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (twice.length > 0) problems.push(`${path}: ${[...new Set(twice)].join(', ')} listed twice`);
  return problems;
}

/** Both fields of a config that may carry them (a deploy cluster entry, a Lambda traffic stage). */
export function trafficProblems(s: Raw, prefix = ''): string[] {
  return [...trafficStepsProblems(s.trafficSteps, `${prefix}trafficSteps`), ...rollbackAlarmsProblems(s.rollbackAlarms, `${prefix}rollbackAlarms`)];
}

/** The evaluated `trafficSteps`, read; problems are returned, never thrown (the caller names the error class). */
export function readTrafficSteps(value: unknown, path: string): { steps: TrafficStep[]; problems: string[] } {
  if (value === undefined || value === null) return { steps: [], problems: [] };
  if (isExpression(value) || (Array.isArray(value) && value.some((s) => isExpression(s) || (isObject(s) && Object.values(s).some(isExpression))))) {
    return { steps: [], problems: [`${path}: \${...} did not evaluate`] };
  }
  const problems = trafficStepsProblems(value, path);
  if (problems.length > 0) return { steps: [], problems };
  const steps = (value as Record<string, unknown>[]).map((s) => ({
    weight: whole(s.weight)!,
    ...(s.pauseSec !== undefined ? { pauseSec: whole(s.pauseSec)! } : {}),
    ...(isObject(s.analysis) ? { analysis: s.analysis } : {}),
  }));
  return { steps, problems: [] };
}

/** The evaluated `rollbackAlarms`, read (names trimmed); problems returned, never thrown. */
export function readRollbackAlarms(value: unknown, path: string): { alarms: string[]; problems: string[] } {
  if (value === undefined || value === null) return { alarms: [], problems: [] };
  if (isExpression(value) || (Array.isArray(value) && value.some(isExpression))) return { alarms: [], problems: [`${path}: \${...} did not evaluate`] };
  const problems = rollbackAlarmsProblems(value, path);
  return problems.length > 0 ? { alarms: [], problems } : { alarms: (value as string[]).map((n) => n.trim()), problems: [] };
}
