/**
 * The metric part of a canary config, read the same for the canary stage (functions/stages/canary)
 * and a progressive deploy step's `analysis` (functions/stages/cloud): the CloudWatch metrics, the
 * score thresholds and the judge's options. Pure.
 */
import { judgeConfigProblems, type JudgeConfig, type MetricConfig, type ScoreThresholds } from './judge/index.js';

const STATISTIC = /^(Average|Sum|Minimum|Maximum|SampleCount|(p|tm|wm|tc|ts|pr)\(?\d.*)$/;

/** One CloudWatch metric: its statistic per period for each server group. */
export interface MetricQuery {
  readonly namespace: string;
  readonly metricName: string;
  /** Average, Sum, Minimum, Maximum, SampleCount, or an extended statistic such as p99. @default Average */
  readonly statistic: string;
  /** Extra dimensions; the server group dimension is added per group. */
  readonly dimensions: Readonly<Record<string, string>>;
  readonly unit?: string;
}

export interface CanaryMetric extends MetricConfig {
  /** A single metric, or numerator / denominator computed per period here (e.g. errors / requests). */
  readonly query: MetricQuery | { readonly numerator: MetricQuery; readonly denominator: MetricQuery };
}

/** The metrics, thresholds and judge options of a config (`metrics`, `scoreThresholds`, `groupWeights`, `tolerance`, `toleranceBasis`, `confidenceLevel`). */
export interface MetricAnalysis {
  readonly metrics: readonly CanaryMetric[];
  readonly judge: JudgeConfig;
  readonly thresholds: Required<ScoreThresholds>;
}

export function readMetricAnalysis(raw: Readonly<Record<string, unknown>>, problems: string[]): MetricAnalysis {
  const metrics = readMetrics(raw.metrics, problems);
  const thresholds = readThresholds(raw.scoreThresholds, problems);
  const judge: JudgeConfig = {
    metrics: metrics.map(({ query: _query, ...metric }) => metric),
    ...(raw.groupWeights !== undefined ? { groupWeights: raw.groupWeights as Record<string, number> } : {}),
    ...(raw.tolerance !== undefined ? { tolerance: Number(raw.tolerance) } : {}),
    ...(raw.toleranceBasis !== undefined ? { toleranceBasis: raw.toleranceBasis as JudgeConfig['toleranceBasis'] } : {}),
    ...(raw.confidenceLevel !== undefined ? { confidenceLevel: Number(raw.confidenceLevel) } : {}),
    scoreThresholds: thresholds,
  };
  if (metrics.length > 0) problems.push(...judgeConfigProblems(judge).map((p) => p.replace(/^config\./, '')));
  return { metrics, judge, thresholds };
}

/** `periodSeconds` (default 60), one of the periods CloudWatch offers. */
export function readPeriodSeconds(value: unknown, problems: string[]): number {
  const periodSeconds = Number(value ?? 60);
  if (
    !Number.isInteger(periodSeconds) ||
    periodSeconds < 1 ||
    (periodSeconds >= 60 && periodSeconds % 60 !== 0) ||
    (periodSeconds < 60 && ![1, 5, 10, 30].includes(periodSeconds))
  ) {
    problems.push('periodSeconds: must be 1, 5, 10, 30 or a multiple of 60 (CloudWatch periods)');
  }
  return periodSeconds;
}

/**
 * A progressive deploy step's `analysis`: the metrics, judge and thresholds of a canary config,
 * judged once on the old and the new server group (or their target groups) over the step's hold.
 * The groups, images and schedule come from the deploy, so those fields are not read here.
 */
export interface StepAnalysisConfig extends MetricAnalysis {
  readonly periodSeconds: number;
  /** The dimension naming a group in every metric; `TargetGroup` compares the cluster's and the canary target group. */
  readonly scopeDimension?: string;
  readonly metricsDelayMs: number;
}

export function parseStepAnalysis(raw: Readonly<Record<string, unknown>>): { value?: StepAnalysisConfig; problems: string[] } {
  const problems: string[] = [];
  const { metrics, judge, thresholds } = readMetricAnalysis(raw, problems);
  const periodSeconds = readPeriodSeconds(raw.periodSeconds, problems);
  const delaySeconds = Number(raw.metricsDelaySeconds ?? 0);
  if (!Number.isFinite(delaySeconds) || delaySeconds < 0) problems.push('metricsDelaySeconds: must be a number of seconds >= 0');
  const scope = raw.scopeDimension;
  if (scope !== undefined && (typeof scope !== 'string' || scope === '')) problems.push('scopeDimension: must be a dimension name');
  if (problems.length > 0) return { problems };
  return {
    value: { metrics, judge, thresholds, periodSeconds, ...(typeof scope === 'string' ? { scopeDimension: scope } : {}), metricsDelayMs: delaySeconds * 1000 },
    problems,
  };
}

function readThresholds(value: unknown, problems: string[]): Required<ScoreThresholds> {
  const fallback = { pass: 75, marginal: 50 };
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'object') {
    problems.push('scoreThresholds: must be {pass, marginal}');
    return fallback;
  }
  const t = value as Record<string, unknown>;
  const num = (k: 'pass' | 'marginal') => {
    const v = t[k];
    if (v === undefined || v === null || v === '') return fallback[k];
    const n = typeof v === 'string' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) {
      problems.push(`scoreThresholds.${k}: must be a number`);
      return fallback[k];
    }
    return n;
  };
  return { pass: num('pass'), marginal: num('marginal') };
}

const METRIC_FIELDS = ['name', 'group', 'direction', 'critical', 'mustHaveData', 'nanStrategy', 'effectSize', 'outliers'] as const;

function readMetrics(value: unknown, problems: string[]): CanaryMetric[] {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push('metrics: required, a non-empty list of {name, namespace, metricName, statistic, ...}');
    return [];
  }
  return value.flatMap((entry, i): CanaryMetric[] => {
    const path = `metrics[${i}]`;
    if (typeof entry !== 'object' || entry === null) {
      problems.push(`${path}: must be an object`);
      return [];
    }
    const m = entry as Record<string, unknown>;
    let query: CanaryMetric['query'] | undefined;
    if (m.ratio !== undefined) {
      const ratio = m.ratio as Record<string, unknown> | null;
      const numerator = readQuery(ratio?.numerator, m, `${path}.ratio.numerator`, problems);
      const denominator = readQuery(ratio?.denominator, m, `${path}.ratio.denominator`, problems);
      if (numerator && denominator) query = { numerator, denominator };
    } else query = readQuery(m, m, path, problems);
    if (!query) return [];
    const judged = Object.fromEntries(METRIC_FIELDS.filter((k) => m[k] !== undefined).map((k) => [k, m[k]])) as unknown as MetricConfig;
    return [{ ...judged, query }];
  });
}

function readQuery(value: unknown, parent: Record<string, unknown>, path: string, problems: string[]): MetricQuery | undefined {
  if (typeof value !== 'object' || value === null) {
    problems.push(`${path}: must be an object with namespace and metricName`);
    return undefined;
  }
  const q = value as Record<string, unknown>;
  const namespace = q.namespace ?? parent.namespace;
  const metricName = q.metricName;
  const statistic = q.statistic ?? 'Average';
  let ok = true;
  if (typeof namespace !== 'string' || namespace === '') {
    problems.push(`${path}.namespace: required`);
    ok = false;
  }
  if (typeof metricName !== 'string' || metricName === '') {
    problems.push(`${path}.metricName: required`);
    ok = false;
  }
  if (typeof statistic !== 'string' || !STATISTIC.test(statistic)) {
    problems.push(`${path}.statistic: must be Average, Sum, Minimum, Maximum, SampleCount or an extended statistic such as p99`);
    ok = false;
  }
  const dimensions = q.dimensions ?? parent.dimensions ?? {};
  if (typeof dimensions !== 'object' || dimensions === null || Array.isArray(dimensions) || !Object.values(dimensions).every((v) => typeof v === 'string')) {
    problems.push(`${path}.dimensions: must be an object of dimension names to values`);
    ok = false;
  }
  if (!ok) return undefined;
  return {
    namespace: namespace as string,
    metricName: metricName as string,
    statistic: statistic as string,
    dimensions: dimensions as Record<string, string>,
    ...(typeof q.unit === 'string' ? { unit: q.unit } : {}),
  };
}
