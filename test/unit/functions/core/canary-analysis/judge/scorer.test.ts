import { describe, expect, it } from 'vitest';
import { InvalidJudgeConfigError } from '../../../../../../functions/core/canary-analysis/judge/errors.js';
import { scoreMetrics, type ScoredMetric } from '../../../../../../functions/core/canary-analysis/judge/scorer.js';
import type { MetricClassificationLabel } from '../../../../../../functions/core/canary-analysis/judge/classifier.js';

function metric(name: string, group: string, classification: MetricClassificationLabel, isCriticalFailure = false): ScoredMetric {
  return { name, group, classification, isCriticalFailure };
}

// Group "errors": 2 pass → 100. Group "latency": 1 pass, 1 High → 50.
const mixed = [metric('5xx', 'errors', 'Pass'), metric('4xx', 'errors', 'Pass'), metric('p50', 'latency', 'Pass'), metric('p99', 'latency', 'High')];

describe('scoreMetrics', () => {
  it('weighs groups equally without configured weights', () => {
    const result = scoreMetrics(mixed);

    // 100 × 1/2 + 50 × 1/2
    expect(result.score).toBe(75);
    expect(result.groups).toEqual([
      { name: 'errors', score: 100, noData: false, weight: 50, pass: 2, fail: 0, nodata: 0 },
      { name: 'latency', score: 50, noData: false, weight: 50, pass: 1, fail: 1, nodata: 0 },
    ]);
    expect(result.failedCritical).toEqual([]);
    expect(result.summary).toBe('score 75: 3 of 4 metrics with data passed');
  });

  it('applies configured weights relative to their total', () => {
    // 100 × 3/4 + 50 × 1/4
    expect(scoreMetrics(mixed, { errors: 3, latency: 1 }).score).toBe(87.5);
  });

  it('gives groups without a weight what the others leave of 100 (Kayenta)', () => {
    // errors 60, latency gets 40: 100 × 0.6 + 50 × 0.4
    const result = scoreMetrics(mixed, { errors: 60 });

    expect(result.score).toBe(80);
    expect(result.groups.map((g) => g.weight)).toEqual([60, 40]);
  });

  it('leaves Nodata metrics out of the group denominator', () => {
    const result = scoreMetrics([...mixed, metric('p90', 'latency', 'Nodata')]);

    expect(result.groups[1]).toMatchObject({ score: 50, pass: 1, fail: 1, nodata: 1 });
    expect(result.score).toBe(75);
    expect(result.summary).toBe('score 75: 3 of 4 metrics with data passed, 1 had no data');
  });

  it("reports a group with nothing but Nodata as Kayenta does (group score 0, no data) and counts it as 100 in the canary's score", () => {
    const result = scoreMetrics([...mixed, metric('gc', 'jvm', 'Nodata')]);

    expect(result.groups[2]).toMatchObject({ name: 'jvm', score: 0, noData: true, nodata: 1 });
    // (100 + 50 + 100) / 3
    expect(result.score).toBe(83.33);
  });

  it('counts NodataFailMetric, High and Low as failures', () => {
    const result = scoreMetrics([metric('a', 'g', 'Pass'), metric('b', 'g', 'NodataFailMetric'), metric('c', 'g', 'Low')]);

    expect(result.groups[0]).toMatchObject({ pass: 1, fail: 2, nodata: 0 });
    expect(result.score).toBe(33.33);
  });

  it('scores 0 when a critical metric fails, naming it', () => {
    const result = scoreMetrics([metric('a', 'g', 'Pass'), metric('p99', 'g', 'High', true), metric('b', 'g', 'Pass')]);

    expect(result.score).toBe(0);
    expect(result.failedCritical).toEqual(['p99']);
    expect(result.summary).toBe('canary failed: critical metric p99 failed');
    // the group scores are still reported
    expect(result.groups[0]?.score).toBeCloseTo(66.667, 3);
  });

  it('scores 0 when half or more of the metrics have no data', () => {
    const half = [metric('a', 'g', 'Pass'), metric('b', 'g', 'Pass'), metric('c', 'h', 'Nodata'), metric('d', 'h', 'Nodata')];

    const result = scoreMetrics(half);

    expect(result.score).toBe(0);
    expect(result.summary).toBe('canary failed: 2 of 4 metrics had no data (50% or more)');
    // one fewer Nodata is below the threshold
    expect(scoreMetrics([...half.slice(0, 3), metric('d', 'h', 'Pass')]).score).toBe(100);
  });

  it('refuses weights that name no group, are negative, or leave nothing for unweighted groups', () => {
    expect(() => scoreMetrics(mixed, { errros: 50 })).toThrow(/groupWeights.errros: no metric is in this group/);
    expect(() => scoreMetrics(mixed, { errors: -1, latency: 1 })).toThrow(InvalidJudgeConfigError);
    expect(() => scoreMetrics(mixed, { errors: 100 })).toThrow(/latency have no weight/);
    expect(() => scoreMetrics(mixed, { errors: 0, latency: 0 })).toThrow(/sum to 0/);
    expect(() => scoreMetrics([])).toThrow(/nothing to score/);
  });
});
