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

/**
 * How the effect size is measured (Kayenta's `effectSize.measure`): the ratio of the means, or
 * the common language effect size, the share of (experiment, control) pairs where the experiment
 * is higher (ties count half; 0.5 means no effect), which does not depend on the data's units.
 */
type EffectSizeMeasure = 'meanRatio' | 'cles';

export interface EffectSizeThresholds {
  /** @default 'meanRatio' */
  readonly measure?: EffectSizeMeasure;
  /** A High stands only if the effect size >= this. @default 1.0 for meanRatio, 0.5 for cles */
  readonly allowedIncrease?: number;
  /** A Low stands only if the effect size <= this. @default 1.0 for meanRatio, 0.5 for cles */
  readonly allowedDecrease?: number;
  /** A critical metric's High fails the canary only if the effect size >= this. @default 1.0 for meanRatio, 0.5 for cles (Kayenta's) */
  readonly criticalIncrease?: number;
  /** A critical metric's Low fails the canary only if the effect size <= this. @default 1.0 for meanRatio, 0.5 for cles (Kayenta's) */
  readonly criticalDecrease?: number;
}

/**
 * Kayenta's outlier removal: points outside the fences of an IQR detector with reduced
 * sensitivity (the wider of Q1 - factor x IQR / Q3 + factor x IQR and the 1st / 99th percentiles)
 * are dropped from both series before the test.
 */
export interface OutlierOptions {
  /** @default 'keep' */
  readonly strategy?: 'keep' | 'remove';
  /** @default 3.0 */
  readonly outlierFactor?: number;
}

export interface ClassifierOptions {
  /** @default keep every point */
  readonly outliers?: OutlierOptions;
  /** @default 'either' */
  readonly direction?: MetricDirection;
  /** @default 'remove' */
  readonly nanStrategy?: NanStrategy;
  /** A High or Low of a critical metric, or no data for it, fails the whole canary (Kayenta). @default false */
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
   * Effect size (the configured measure): experiment mean / control mean, or CLES; on the data
   * after NaN and outlier handling; null when there is no data (or a mean ratio with a zero mean).
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
  effectSizeMeasure: 'meanRatio',
  outlierFactor: 3,
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

  const outliers = options.outliers?.strategy === 'remove' ? (options.outliers.outlierFactor ?? CLASSIFIER_DEFAULTS.outlierFactor) : undefined;
  const x = withoutOutliers(handleNaNs(experiment, nanStrategy), outliers);
  const y = withoutOutliers(handleNaNs(control, nanStrategy), outliers);
  const notTested = { interval: null, estimate: null, band: null } as const;

  if (x.length === 0 || y.length === 0) {
    const missing = [x.length === 0 ? 'experiment' : null, y.length === 0 ? 'control' : null].filter(Boolean).join(' and ');
    // Kayenta passes a metric without data when missing points count as 0 (nanStrategy replace);
    // a critical metric or one that must have data still fails safe here.
    if (nanStrategy === 'replace' && !critical && !mustHaveData) {
      return {
        classification: 'Pass',
        reason: `no ${missing} data; with nanStrategy replace the metric passes`,
        deviation: null,
        isCriticalFailure: false,
        ...notTested,
      };
    }
    // Kayenta: a critical metric without data fails the canary (fail safe), whether or not it must have data.
    return mustHaveData && !critical
      ? {
          classification: 'NodataFailMetric',
          reason: `no ${missing} data, and the metric must have data`,
          deviation: null,
          isCriticalFailure: false,
          ...notTested,
        }
      : {
          classification: mustHaveData ? 'NodataFailMetric' : 'Nodata',
          reason: `no ${missing} data${critical ? ' for a critical metric' : ''}`,
          deviation: null,
          isCriticalFailure: critical,
          ...notTested,
        };
  }

  const measure = effect.measure ?? CLASSIFIER_DEFAULTS.effectSizeMeasure;
  const deviation = measure === 'cles' ? cles(x, y) : meanRatio(x, y);
  const neutral = measure === 'cles' ? 0.5 : 1;
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

  const allowedIncrease = effect.allowedIncrease ?? neutral;
  const allowedDecrease = effect.allowedDecrease ?? neutral;
  // As in Kayenta, an effect size that cannot be computed (a zero mean) does not veto the test.
  const ratioAtLeast = (threshold: number | undefined): boolean => threshold === undefined || deviation === null || deviation >= threshold;
  const ratioAtMost = (threshold: number | undefined): boolean => threshold === undefined || deviation === null || deviation <= threshold;
  const describe = `interval [${fmt(interval[0])}, ${fmt(interval[1])}] for experiment - control vs band [${fmt(band[0])}, ${fmt(band[1])}], ${measure === 'cles' ? 'CLES' : 'mean ratio'} ${deviation === null ? 'n/a' : fmt(deviation)}`;

  if (interval[0] > band[1] && direction !== 'decrease') {
    if (ratioAtLeast(allowedIncrease)) {
      const isCriticalFailure = critical && ratioAtLeast(effect.criticalIncrease ?? neutral);
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
      const isCriticalFailure = critical && ratioAtMost(effect.criticalDecrease ?? neutral);
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
  const outliers = options.outliers;
  if (outliers !== undefined) {
    oneOf('outliers.strategy', outliers.strategy, ['keep', 'remove']);
    if (
      outliers.outlierFactor !== undefined &&
      !(typeof outliers.outlierFactor === 'number' && outliers.outlierFactor > 0 && Number.isFinite(outliers.outlierFactor))
    ) {
      problems.push(`${path}.outliers.outlierFactor: must be a finite number > 0, got ${String(outliers.outlierFactor)}`);
    }
  }
  for (const [name, value] of Object.entries(options.effectSize ?? {})) {
    if (name === 'measure') {
      oneOf('effectSize.measure', value, ['meanRatio', 'cles']);
      continue;
    }
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

/**
 * Percentile as Kayenta's IQR detector computes it (Apache Commons Math's default estimate:
 * position p (n + 1) / 100, the ends clamped, linear between neighbours).
 */
function percentile(sorted: readonly number[], p: number): number {
  const n = sorted.length;
  const position = (p * (n + 1)) / 100;
  if (position < 1) return sorted[0] as number;
  if (position >= n) return sorted[n - 1] as number;
  const below = Math.floor(position);
  const lower = sorted[below - 1] as number;
  const upper = sorted[below] as number;
  return lower + (position - below) * (upper - lower);
}

/** Kayenta's IQRDetector(factor, reduceSensitivity = true) as a filter; undefined factor keeps everything. */
export function withoutOutliers(values: readonly number[], factor: number | undefined): number[] {
  if (factor === undefined || values.length === 0) return [...values];
  const sorted = [...values].sort((a, b) => a - b);
  const q1 = percentile(sorted, 25);
  const q3 = percentile(sorted, 75);
  const iqr = q3 - q1;
  const lowerFence = Math.min(percentile(sorted, 1), q1 - factor * iqr);
  const upperFence = Math.max(percentile(sorted, 99), q3 + factor * iqr);
  return values.filter((v) => v >= lowerFence && v <= upperFence);
}

/** The IQR fences without reduced sensitivity (Kayenta's IQRDetector default), for tests against its vectors. */
export function iqrOutliers(values: readonly number[], factor: number): boolean[] {
  const sorted = [...values].sort((a, b) => a - b);
  const q1 = percentile(sorted, 25);
  const q3 = percentile(sorted, 75);
  const iqr = q3 - q1;
  return values.map((v) => v < q1 - factor * iqr || v > q3 + factor * iqr);
}

/**
 * Kayenta's common language effect size: (2 R1 - m (m + 1)) / (2 m n), R1 the experiment's rank
 * sum among both series with ties averaged: the share of pairs where the experiment is higher.
 */
export function cles(experiment: readonly number[], control: readonly number[]): number {
  const m = experiment.length;
  const n = control.length;
  const all = [...experiment.map((v) => ({ v, x: true })), ...control.map((v) => ({ v, x: false }))].sort((a, b) => a.v - b.v);
  let r1 = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) j++;
    const rank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) if (all[k]!.x) r1 += rank;
    i = j + 1;
  }
  return (2 * r1 - m * (m + 1)) / (2 * m * n);
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
function shiftInterval(x: readonly number[], y: readonly number[], confidenceLevel: number): { interval: readonly [number, number]; estimate: number } {
  const [x0] = x;
  const [y0] = y;
  if (x0 !== undefined && y0 !== undefined && x.every((v) => v === x0) && y.every((v) => v === y0)) {
    const shift = x0 - y0;
    return { interval: [shift, shift], estimate: shift };
  }
  const result = wilcoxonRankSumTest(x, y, { confidenceLevel, rootTolerance: rootToleranceFor(x, y) });
  return { interval: result.confidenceInterval, estimate: result.estimate };
}

/**
 * The root-finding tolerance for the interval and estimate, relative to the data's spread: R and
 * Kayenta use a fixed 1e-4, which is coarse for values around 1e-3 (seconds that were ms) and
 * needlessly fine for values around 1e6, so the same data in other units could be classified
 * differently. 1e-6 of the spread classifies the same data the same way in any unit.
 */
const RELATIVE_ROOT_TOLERANCE = 1e-6;

function rootToleranceFor(x: readonly number[], y: readonly number[]): number {
  let low = Infinity;
  let high = -Infinity;
  for (const v of x) [low, high] = [Math.min(low, v), Math.max(high, v)];
  for (const v of y) [low, high] = [Math.min(low, v), Math.max(high, v)];
  const spread = high - low;
  return RELATIVE_ROOT_TOLERANCE * (spread > 0 ? spread : Math.max(Math.abs(high), Number.MIN_VALUE));
}

function fmt(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}
