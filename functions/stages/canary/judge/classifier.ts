/**
 * Per-metric classification of a canary (experiment) series against its baseline (control), in
 * the manner of Kayenta's MannWhitneyClassifier: a Wilcoxon rank-sum interval for the shift
 * experiment - control is compared with a tolerance band, then the mean ratio has to clear the
 * effect-size thresholds for a High or Low to stand.
 */
import { InvalidJudgeConfigError } from './errors.js';
import { wilcoxonRankSumTest } from './mann-whitney.js';

/** Which change counts as a failure: only increases, only decreases, or both. */
export type MetricDirection = 'either' | 'increase' | 'decrease';

/** What to do with NaN (or null, or infinite) points: drop them, or count them as 0. */
export type NanStrategy = 'remove' | 'replace';

/**
 * What the tolerance is a fraction of when it widens the band around zero that the interval must
 * clear: |Hodges-Lehmann estimate| (Kayenta's choice and the default: the interval must sit clear
 * of zero by a fraction of the shift it estimates, so any statistically clear shift fails), or the
 * control mean (a change smaller than tolerance x baseline level is never a failure; with the
 * default tolerance 0.25 a 10% regression is never detected, so choose it only on purpose).
 */
export type ToleranceBasis = 'control-mean' | 'estimate';

export type MetricClassificationLabel = 'High' | 'Low' | 'Pass' | 'Nodata' | 'NodataFailMetric';

export interface EffectSizeThresholds {
  /** A High stands only if experiment mean / control mean >= this. @default 1.0 */
  readonly allowedIncrease?: number;
  /** A Low stands only if experiment mean / control mean <= this. @default 1.0 */
  readonly allowedDecrease?: number;
  /** A critical metric's High fails the canary only if the ratio >= this. @default any High */
  readonly criticalIncrease?: number;
  /** A critical metric's Low fails the canary only if the ratio <= this. @default any Low */
  readonly criticalDecrease?: number;
}

export interface ClassifierOptions {
  /** @default 'either' */
  readonly direction?: MetricDirection;
  /** @default 'remove' */
  readonly nanStrategy?: NanStrategy;
  /** A High or Low of a critical metric (or missing required data) fails the whole canary. @default false */
  readonly critical?: boolean;
  /** No data is a failure (NodataFailMetric) rather than Nodata. @default false */
  readonly mustHaveData?: boolean;
  /** Half-width of the band around zero, as a fraction of `toleranceBasis`. @default 0.25 */
  readonly tolerance?: number;
  /** @default 'estimate' (Kayenta) */
  readonly toleranceBasis?: ToleranceBasis;
  /** Confidence level of the Wilcoxon interval. @default 0.98 (NetflixACAJudge) */
  readonly confidenceLevel?: number;
  readonly effectSize?: EffectSizeThresholds;
}

export interface MetricClassification {
  readonly classification: MetricClassificationLabel;
  readonly reason: string;
  /**
   * Effect size: experiment mean / control mean, on the data after NaN handling; null when there
   * is no data or either mean is 0.
   */
  readonly deviation: number | null;
  /** This result fails the whole canary (critical metric with High/Low or missing required data). */
  readonly isCriticalFailure: boolean;
  /** Confidence interval for experiment - control; null when no test was needed. */
  readonly interval: readonly [number, number] | null;
  /** Estimate of experiment - control; null when no test was needed. */
  readonly estimate: number | null;
  /** The band [lower, upper] the interval was compared with; null when no test was needed. */
  readonly band: readonly [number, number] | null;
}

export const CLASSIFIER_DEFAULTS = {
  direction: 'either',
  nanStrategy: 'remove',
  critical: false,
  mustHaveData: false,
  tolerance: 0.25,
  toleranceBasis: 'estimate',
  confidenceLevel: 0.98,
  allowedIncrease: 1,
  allowedDecrease: 1,
} as const;

/** A series as it arrives: numbers, with NaN or null (JSON's NaN) for missing points. */
export type Series = ReadonlyArray<number | null>;

export function classifyMetric(experiment: Series, control: Series, options: ClassifierOptions = {}): MetricClassification {
  const problems = classifierOptionProblems(options, 'options');
  if (problems.length > 0) throw new InvalidJudgeConfigError(problems);

  const direction = options.direction ?? CLASSIFIER_DEFAULTS.direction;
  const nanStrategy = options.nanStrategy ?? CLASSIFIER_DEFAULTS.nanStrategy;
  const critical = options.critical ?? CLASSIFIER_DEFAULTS.critical;
  const mustHaveData = options.mustHaveData ?? CLASSIFIER_DEFAULTS.mustHaveData;
  const effect = options.effectSize ?? {};

  const x = handleNaNs(experiment, nanStrategy);
  const y = handleNaNs(control, nanStrategy);
  const notTested = { interval: null, estimate: null, band: null } as const;

  if (x.length === 0 || y.length === 0) {
    const missing = [x.length === 0 ? 'experiment' : null, y.length === 0 ? 'control' : null].filter(Boolean).join(' and ');
    return mustHaveData
      ? {
          classification: 'NodataFailMetric',
          reason: `no ${missing} data, and the metric must have data`,
          deviation: null,
          isCriticalFailure: critical,
          ...notTested,
        }
      : { classification: 'Nodata', reason: `no ${missing} data`, deviation: null, isCriticalFailure: false, ...notTested };
  }

  const deviation = meanRatio(x, y);
  if (sameValues(x, y)) {
    return {
      classification: 'Pass',
      reason: 'experiment and control data are identical',
      deviation,
      isCriticalFailure: false,
      ...notTested,
    };
  }

  const { interval, estimate } = shiftInterval(x, y, options.confidenceLevel ?? CLASSIFIER_DEFAULTS.confidenceLevel);
  const tolerance = options.tolerance ?? CLASSIFIER_DEFAULTS.tolerance;
  const basis = options.toleranceBasis ?? CLASSIFIER_DEFAULTS.toleranceBasis;
  const halfWidth = tolerance * Math.abs(basis === 'estimate' ? estimate : mean(y));
  const band = [-halfWidth, halfWidth] as const;
  const tested = { interval, estimate, band };

  const allowedIncrease = effect.allowedIncrease ?? CLASSIFIER_DEFAULTS.allowedIncrease;
  const allowedDecrease = effect.allowedDecrease ?? CLASSIFIER_DEFAULTS.allowedDecrease;
  // As in Kayenta, an effect size that cannot be computed (a zero mean) does not veto the test.
  const ratioAtLeast = (threshold: number | undefined): boolean =>
    threshold === undefined || deviation === null || deviation >= threshold;
  const ratioAtMost = (threshold: number | undefined): boolean =>
    threshold === undefined || deviation === null || deviation <= threshold;
  const describe = `interval [${fmt(interval[0])}, ${fmt(interval[1])}] for experiment - control vs band [${fmt(band[0])}, ${fmt(band[1])}], mean ratio ${deviation === null ? 'n/a' : fmt(deviation)}`;

  if (interval[0] > band[1] && direction !== 'decrease') {
    if (ratioAtLeast(allowedIncrease)) {
      const isCriticalFailure = critical && ratioAtLeast(effect.criticalIncrease);
      return {
        classification: 'High',
        reason: `experiment is higher than control${isCriticalFailure ? ' (critical)' : ''}: ${describe}`,
        deviation,
        isCriticalFailure,
        ...tested,
      };
    }
    return pass(`increase is below the allowed effect size ${allowedIncrease}: ${describe}`);
  }
  if (interval[1] < band[0] && direction !== 'increase') {
    if (ratioAtMost(allowedDecrease)) {
      const isCriticalFailure = critical && ratioAtMost(effect.criticalDecrease);
      return {
        classification: 'Low',
        reason: `experiment is lower than control${isCriticalFailure ? ' (critical)' : ''}: ${describe}`,
        deviation,
        isCriticalFailure,
        ...tested,
      };
    }
    return pass(`decrease is within the allowed effect size ${allowedDecrease}: ${describe}`);
  }
  if (interval[0] > band[1]) return pass(`an increase is not a failure for this metric: ${describe}`);
  if (interval[1] < band[0]) return pass(`a decrease is not a failure for this metric: ${describe}`);
  return pass(`no significant difference: ${describe}`);

  function pass(reason: string): MetricClassification {
    return { classification: 'Pass', reason, deviation, isCriticalFailure: false, ...tested };
  }
}

/**
 * Rules for classifier options, each problem prefixed with `path`; shared with the judge's
 * config validation so both refuse the same things.
 */
export function classifierOptionProblems(options: ClassifierOptions, path: string): string[] {
  const problems: string[] = [];
  const oneOf = (name: string, value: unknown, allowed: readonly string[]): void => {
    if (value !== undefined && !allowed.includes(value as string)) {
      problems.push(`${path}.${name}: must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
    }
  };
  oneOf('direction', options.direction, ['either', 'increase', 'decrease']);
  oneOf('nanStrategy', options.nanStrategy, ['remove', 'replace']);
  oneOf('toleranceBasis', options.toleranceBasis, ['control-mean', 'estimate']);
  if (options.tolerance !== undefined && !(options.tolerance >= 0 && Number.isFinite(options.tolerance))) {
    problems.push(`${path}.tolerance: must be a finite number >= 0, got ${options.tolerance}`);
  }
  if (options.confidenceLevel !== undefined && !(options.confidenceLevel > 0 && options.confidenceLevel < 1)) {
    problems.push(`${path}.confidenceLevel: must be in (0, 1), got ${options.confidenceLevel}`);
  }
  for (const [name, value] of Object.entries(options.effectSize ?? {})) {
    if (!['allowedIncrease', 'allowedDecrease', 'criticalIncrease', 'criticalDecrease'].includes(name)) {
      problems.push(`${path}.effectSize.${name}: unknown threshold`);
    } else if (value !== undefined && !(typeof value === 'number' && value > 0 && Number.isFinite(value))) {
      problems.push(`${path}.effectSize.${name}: must be a finite number > 0, got ${String(value)}`);
    }
  }
  return problems;
}

function handleNaNs(series: Series, strategy: NanStrategy): number[] {
  const values: number[] = [];
  for (const value of series) {
    if (value !== null && Number.isFinite(value)) values.push(value);
    else if (strategy === 'replace') values.push(0);
  }
  return values;
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

function meanRatio(experiment: readonly number[], control: readonly number[]): number | null {
  const experimentMean = mean(experiment);
  const controlMean = mean(control);
  return experimentMean === 0 || controlMean === 0 ? null : experimentMean / controlMean;
}

/** Same multiset of values, or a single value shared by both series. */
function sameValues(x: readonly number[], y: readonly number[]): boolean {
  const distinct = new Set([...x, ...y]);
  if (distinct.size === 1) return true;
  if (x.length !== y.length) return false;
  const xs = [...x].sort((a, b) => a - b);
  const ys = [...y].sort((a, b) => a - b);
  return xs.every((value, i) => value === ys[i]);
}

/**
 * The Wilcoxon interval and estimate for x - y. When each series is constant (but they differ),
 * every rank is tied and R's interval is undefined; Kayenta jitters the data with tiny Gaussian
 * noise. Here the shift is known exactly, so the interval collapses onto it (no randomness).
 */
function shiftInterval(
  x: readonly number[],
  y: readonly number[],
  confidenceLevel: number,
): { interval: readonly [number, number]; estimate: number } {
  const [x0] = x;
  const [y0] = y;
  if (x0 !== undefined && y0 !== undefined && x.every((v) => v === x0) && y.every((v) => v === y0)) {
    const shift = x0 - y0;
    return { interval: [shift, shift], estimate: shift };
  }
  const result = wilcoxonRankSumTest(x, y, { confidenceLevel });
  return { interval: result.confidenceInterval, estimate: result.estimate };
}

function fmt(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}
