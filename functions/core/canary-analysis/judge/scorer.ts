/**
 * Weighted group scoring in the manner of Kayenta's WeightedSumScorer (the NetflixACAJudge's
 * "sum of groups"): each group scores the percentage of its metrics that passed, the canary
 * scores the weighted mean of its groups, and two vetoes force 0.
 */
import { InvalidJudgeConfigError } from './errors.js';
import type { MetricClassificationLabel } from './classifier.js';

export interface ScoredMetric {
  readonly name: string;
  readonly group: string;
  readonly classification: MetricClassificationLabel;
  readonly isCriticalFailure: boolean;
}

export interface GroupScore {
  readonly name: string;
  /**
   * Percentage of the group's metrics that passed, Nodata metrics left out; a group with nothing
   * but Nodata metrics reports 0 with `noData` (Kayenta's group score) and counts as 100 in the
   * canary's score (it has nothing against it, as in Kayenta's summary).
   */
  readonly score: number;
  readonly noData: boolean;
  /** The group's weight as used, normalized to percent of the total. */
  readonly weight: number;
  readonly pass: number;
  /** High, Low and NodataFailMetric. */
  readonly fail: number;
  readonly nodata: number;
}

export interface ScoreResult {
  /** 0-100, rounded to two decimals. */
  readonly score: number;
  readonly groups: readonly GroupScore[];
  /** Names of the critical metrics that failed, in input order. */
  readonly failedCritical: readonly string[];
  readonly summary: string;
}

/** At or above this percentage of Nodata metrics the canary scores 0 (Kayenta's NODATA_THRESHOLD). */
const NODATA_THRESHOLD_PERCENT = 50;

/**
 * Scores classified metrics. `groupWeights` are relative weights by group name; groups without
 * one share what the configured weights leave of 100 (Kayenta's rule), and with no weights at all
 * every group weighs the same.
 */
export function scoreMetrics(metrics: readonly ScoredMetric[], groupWeights: Readonly<Record<string, number>> = {}): ScoreResult {
  if (metrics.length === 0) throw new InvalidJudgeConfigError(['metrics: there is nothing to score']);

  const groupNames = [...new Set(metrics.map((m) => m.group))];
  const weights = resolveWeights(groupNames, groupWeights);
  const totalWeight = groupNames.reduce((sum, name) => sum + (weights.get(name) ?? 0), 0);

  const groups = groupNames.map((name): GroupScore => {
    const members = metrics.filter((m) => m.group === name);
    const pass = members.filter((m) => m.classification === 'Pass').length;
    const nodata = members.filter((m) => m.classification === 'Nodata').length;
    const fail = members.length - pass - nodata;
    const noData = pass + fail === 0;
    return {
      name,
      score: noData ? 0 : (pass / (pass + fail)) * 100,
      noData,
      weight: ((weights.get(name) ?? 0) / totalWeight) * 100,
      pass,
      fail,
      nodata,
    };
  });

  const failedCritical = metrics.filter((m) => m.isCriticalFailure).map((m) => m.name);
  const nodataCount = metrics.filter((m) => m.classification === 'Nodata').length;
  const nodataPercent = (nodataCount / metrics.length) * 100;

  if (failedCritical.length > 0) {
    return {
      score: 0,
      groups,
      failedCritical,
      summary: `canary failed: critical metric${failedCritical.length > 1 ? 's' : ''} ${failedCritical.join(', ')} failed`,
    };
  }
  if (nodataPercent >= NODATA_THRESHOLD_PERCENT) {
    return {
      score: 0,
      groups,
      failedCritical,
      summary: `canary failed: ${nodataCount} of ${metrics.length} metrics had no data (${NODATA_THRESHOLD_PERCENT}% or more)`,
    };
  }
  const weighted = groups.reduce((sum, group) => sum + ((group.noData ? 100 : group.score) * group.weight) / 100, 0);
  const score = roundTo2(weighted);
  const passed = metrics.filter((m) => m.classification === 'Pass').length;
  return {
    score,
    groups,
    failedCritical,
    summary: `score ${score}: ${passed} of ${metrics.length - nodataCount} metrics with data passed${nodataCount > 0 ? `, ${nodataCount} had no data` : ''}`,
  };
}

/** Problems with `groupWeights` for these groups, each prefixed with `path`. */
export function groupWeightProblems(groupNames: readonly string[], groupWeights: Readonly<Record<string, number>> | undefined, path: string): string[] {
  if (groupWeights === undefined) return [];
  const problems: string[] = [];
  for (const [name, weight] of Object.entries(groupWeights)) {
    if (!(typeof weight === 'number' && Number.isFinite(weight) && weight >= 0)) {
      problems.push(`${path}.${name}: weight must be a finite number >= 0, got ${String(weight)}`);
    }
    if (!groupNames.includes(name)) problems.push(`${path}.${name}: no metric is in this group`);
  }
  if (problems.length > 0) return problems;
  const missing = groupNames.filter((name) => !Object.hasOwn(groupWeights, name));
  const configured = Object.values(groupWeights).reduce((sum, w) => sum + w, 0);
  if (missing.length > 0 && configured >= 100) {
    problems.push(`${path}: groups ${missing.join(', ')} have no weight and the configured weights (sum ${configured}) leave none of 100 for them`);
  } else if (missing.length === 0 && configured === 0) {
    problems.push(`${path}: weights sum to 0`);
  }
  return problems;
}

function resolveWeights(groupNames: readonly string[], groupWeights: Readonly<Record<string, number>>): Map<string, number> {
  const problems = groupWeightProblems(groupNames, groupWeights, 'groupWeights');
  if (problems.length > 0) throw new InvalidJudgeConfigError(problems);
  const configured = groupNames.filter((name) => Object.hasOwn(groupWeights, name));
  if (configured.length === 0) return new Map(groupNames.map((name) => [name, 1]));
  const missing = groupNames.filter((name) => !Object.hasOwn(groupWeights, name));
  const configuredSum = configured.reduce((sum, name) => sum + (groupWeights[name] as number), 0);
  const share = missing.length > 0 ? (100 - configuredSum) / missing.length : 0;
  return new Map(groupNames.map((name) => [name, Object.hasOwn(groupWeights, name) ? (groupWeights[name] as number) : share]));
}

function roundTo2(value: number): number {
  return Math.round((value + Number.EPSILON) * 100) / 100;
}
