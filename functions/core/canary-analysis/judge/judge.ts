/**
 * The canary judge, equivalent in spirit to Kayenta's NetflixACAJudge: classify every configured
 * metric (classifier.ts), score the groups (scorer.ts) and turn the score into pass / marginal /
 * fail. Pure: configuration and observations in, verdict out.
 */
import {
  CLASSIFIER_DEFAULTS,
  classifierOptionProblems,
  classifyMetric,
  type EffectSizeThresholds,
  type MetricClassification,
  type MetricDirection,
  type NanStrategy,
  type OutlierOptions,
  type Series,
  type ToleranceBasis,
} from './classifier.js';
import { InvalidJudgeConfigError } from './errors.js';
import { groupWeightProblems, scoreMetrics, type GroupScore } from './scorer.js';

export interface MetricConfig {
  /** Key of the metric's series in the observations. */
  readonly name: string;
  /** @default 'default' */
  readonly group?: string;
  /** @default 'either' */
  readonly direction?: MetricDirection;
  /** @default false */
  readonly critical?: boolean;
  /** @default false */
  readonly mustHaveData?: boolean;
  /** @default 'remove' */
  readonly nanStrategy?: NanStrategy;
  readonly effectSize?: EffectSizeThresholds;
  /** Kayenta's outlier removal (IQR fences). @default keep */
  readonly outliers?: OutlierOptions;
}

export interface ScoreThresholds {
  /** A score at or above this passes. @default 75 */
  readonly pass?: number;
  /** A score at or below this fails; between the two is marginal. @default 50 */
  readonly marginal?: number;
}

export interface JudgeConfig {
  readonly metrics: readonly MetricConfig[];
  /** Relative weights by group; groups left out share what the others leave of 100. @default equal */
  readonly groupWeights?: Readonly<Record<string, number>>;
  /** @default 0.25 */
  readonly tolerance?: number;
  /** @default 'estimate' (Kayenta) */
  readonly toleranceBasis?: ToleranceBasis;
  /** @default 0.98 */
  readonly confidenceLevel?: number;
  readonly scoreThresholds?: ScoreThresholds;
}

interface MetricObservation {
  /** Canary series. */
  readonly experiment: Series;
  /** Baseline series. */
  readonly control: Series;
}

export type Observations = Readonly<Record<string, MetricObservation>>;

export type JudgeClassification = 'pass' | 'marginal' | 'fail';

interface MetricResult extends MetricClassification {
  readonly name: string;
  readonly group: string;
  readonly critical: boolean;
}

export interface JudgeResult {
  /** 0-100. */
  readonly score: number;
  readonly classification: JudgeClassification;
  readonly summary: string;
  /** One per configured metric, in config order. */
  readonly metrics: readonly MetricResult[];
  readonly groups: readonly GroupScore[];
  readonly failedCritical: readonly string[];
  /** Things that did not stop the judgement but look like mistakes (e.g. unconfigured series). */
  readonly warnings: readonly string[];
}

const DEFAULT_GROUP = 'default';
const DEFAULT_SCORE_THRESHOLDS = { pass: 75, marginal: 50 } as const;

/** Throws InvalidJudgeConfigError listing every problem with the config or the observations. */
export function judge(config: JudgeConfig, observations: Observations): JudgeResult {
  const problems = [...judgeConfigProblems(config), ...observationProblems(observations)];
  if (problems.length > 0) throw new InvalidJudgeConfigError(problems);

  const warnings: string[] = [];
  const configured = new Set(config.metrics.map((m) => m.name));
  for (const name of Object.keys(observations)) {
    if (!configured.has(name)) warnings.push(`observations.${name}: no metric is configured with this name; ignored`);
  }

  const metrics = config.metrics.map((metric): MetricResult => {
    const observation = Object.hasOwn(observations, metric.name) ? observations[metric.name] : undefined;
    if (observation === undefined) warnings.push(`observations.${metric.name}: missing; judged as no data`);
    const classification = classifyMetric(observation?.experiment ?? [], observation?.control ?? [], {
      direction: metric.direction,
      nanStrategy: metric.nanStrategy,
      critical: metric.critical,
      mustHaveData: metric.mustHaveData,
      effectSize: metric.effectSize,
      ...(metric.outliers ? { outliers: metric.outliers } : {}),
      tolerance: config.tolerance,
      toleranceBasis: config.toleranceBasis,
      confidenceLevel: config.confidenceLevel,
    });
    return {
      name: metric.name,
      group: metric.group ?? DEFAULT_GROUP,
      critical: metric.critical ?? CLASSIFIER_DEFAULTS.critical,
      ...classification,
    };
  });

  const scored = scoreMetrics(metrics, config.groupWeights);
  return {
    score: scored.score,
    classification: classifyScore(scored.score, config.scoreThresholds),
    summary: scored.summary,
    metrics,
    groups: scored.groups,
    failedCritical: scored.failedCritical,
    warnings,
  };
}

/** score >= pass → pass; score <= marginal → fail; otherwise marginal. */
export function classifyScore(score: number, thresholds: ScoreThresholds = {}): JudgeClassification {
  if (score >= (thresholds.pass ?? DEFAULT_SCORE_THRESHOLDS.pass)) return 'pass';
  if (score <= (thresholds.marginal ?? DEFAULT_SCORE_THRESHOLDS.marginal)) return 'fail';
  return 'marginal';
}

const CONFIG_KEYS = ['metrics', 'groupWeights', 'tolerance', 'toleranceBasis', 'confidenceLevel', 'scoreThresholds'];
const METRIC_KEYS = ['name', 'group', 'direction', 'critical', 'mustHaveData', 'nanStrategy', 'effectSize', 'outliers'];

/** Every problem with a judge config, each prefixed with the path it concerns; [] when valid. */
export function judgeConfigProblems(config: JudgeConfig): string[] {
  const problems: string[] = [];
  problems.push(...unknownKeys(config, CONFIG_KEYS, 'config'));
  const metrics: unknown = config.metrics; // a config from the user: checked, not trusted to match its type
  if (!Array.isArray(metrics) || config.metrics.length === 0) {
    problems.push('config.metrics: must be a non-empty list');
    return problems;
  }

  const seen = new Set<string>();
  config.metrics.forEach((metric, i) => {
    const path = `config.metrics[${i}]`;
    problems.push(...unknownKeys(metric, METRIC_KEYS, path));
    if (typeof metric.name !== 'string' || metric.name === '') problems.push(`${path}.name: must be a non-empty string`);
    else if (seen.has(metric.name)) problems.push(`${path}.name: duplicate metric name ${JSON.stringify(metric.name)}`);
    else seen.add(metric.name);
    if (metric.group !== undefined && (typeof metric.group !== 'string' || metric.group === '')) {
      problems.push(`${path}.group: must be a non-empty string`);
    }
    problems.push(
      ...classifierOptionProblems(
        {
          direction: metric.direction,
          nanStrategy: metric.nanStrategy,
          effectSize: metric.effectSize,
          ...(metric.outliers ? { outliers: metric.outliers } : {}),
        },
        path,
      ),
    );
  });

  problems.push(
    ...classifierOptionProblems({ tolerance: config.tolerance, toleranceBasis: config.toleranceBasis, confidenceLevel: config.confidenceLevel }, 'config'),
  );

  const groups = [...new Set(config.metrics.map((m) => m.group ?? DEFAULT_GROUP))];
  problems.push(...groupWeightProblems(groups, config.groupWeights, 'config.groupWeights'));

  const thresholds = config.scoreThresholds;
  if (thresholds !== undefined) {
    problems.push(...unknownKeys(thresholds, ['pass', 'marginal'], 'config.scoreThresholds'));
    const pass = thresholds.pass ?? DEFAULT_SCORE_THRESHOLDS.pass;
    const marginal = thresholds.marginal ?? DEFAULT_SCORE_THRESHOLDS.marginal;
    const inRange = (v: unknown): boolean => typeof v === 'number' && v >= 0 && v <= 100;
    if (!inRange(pass)) problems.push(`config.scoreThresholds.pass: must be in [0, 100], got ${String(pass)}`);
    if (!inRange(marginal)) problems.push(`config.scoreThresholds.marginal: must be in [0, 100], got ${String(marginal)}`);
    if (inRange(pass) && inRange(marginal) && marginal > pass) {
      problems.push(`config.scoreThresholds: marginal (${marginal}) must not exceed pass (${pass})`);
    }
  }
  return problems;
}

function observationProblems(observations: Observations): string[] {
  const problems: string[] = [];
  const isSeries = (value: unknown): boolean => Array.isArray(value) && value.every((v) => v === null || typeof v === 'number');
  for (const [name, observation] of Object.entries(observations)) {
    for (const side of ['experiment', 'control'] as const) {
      if (!isSeries(observation?.[side])) problems.push(`observations.${name}.${side}: must be a list of numbers (null for missing)`);
    }
  }
  return problems;
}

function unknownKeys(value: object, allowed: readonly string[], path: string): string[] {
  return Object.keys(value)
    .filter((key) => !allowed.includes(key))
    .map((key) => `${path}.${key}: unknown key`);
}
