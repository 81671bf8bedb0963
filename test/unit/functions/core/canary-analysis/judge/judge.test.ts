import { describe, expect, it } from 'vitest';
import {
  classifyScore,
  InvalidJudgeConfigError,
  judge,
  judgeConfigProblems,
  type JudgeConfig,
  type Observations,
} from '../../../../../../functions/core/canary-analysis/judge/index.js';

const baseline = [100, 101, 99, 100, 102, 98, 100, 101, 99, 100];
const noise = [100.3, 99.2, 101.4, 100.1, 98.6, 101.9, 99.7, 100.8, 99.4, 100.6];
const up = baseline.map((v) => v * 1.5);
const down = baseline.map((v) => v * 0.5);
const same = { experiment: noise, control: baseline };

describe('judge', () => {
  it('classifies each metric and scores the groups', () => {
    // GIVEN errors: one increase; latency: noise and a decrease that only matters if it drops
    const config: JudgeConfig = {
      metrics: [
        { name: 'errors', group: 'errors', direction: 'increase' },
        { name: 'p50', group: 'latency' },
        { name: 'throughput', group: 'latency', direction: 'increase' },
      ],
    };
    const observations: Observations = {
      errors: { experiment: up, control: baseline },
      p50: same,
      throughput: { experiment: down, control: baseline },
    };

    // WHEN
    const result = judge(config, observations);

    // THEN errors fails (0), latency passes both (100): (0 + 100) / 2 = 50 → fail (<= 50)
    expect(result.metrics.map((m) => [m.name, m.group, m.classification])).toEqual([
      ['errors', 'errors', 'High'],
      ['p50', 'latency', 'Pass'],
      ['throughput', 'latency', 'Pass'],
    ]);
    expect(result.metrics[0]?.deviation).toBe(1.5);
    expect(result.score).toBe(50);
    expect(result.classification).toBe('fail');
    expect(result.groups.map((g) => [g.name, g.score])).toEqual([
      ['errors', 0],
      ['latency', 100],
    ]);
    expect(result.warnings).toEqual([]);
  });

  it('uses group weights', () => {
    const config: JudgeConfig = {
      metrics: [
        { name: 'errors', group: 'errors' },
        { name: 'p50', group: 'latency' },
      ],
      groupWeights: { errors: 20, latency: 80 },
    };

    const result = judge(config, { errors: { experiment: up, control: baseline }, p50: same });

    // 0 × 0.2 + 100 × 0.8
    expect(result.score).toBe(80);
    expect(result.classification).toBe('pass');
  });

  it('puts metrics without a group in the default group', () => {
    const result = judge({ metrics: [{ name: 'a' }, { name: 'b' }] }, { a: same, b: { experiment: up, control: baseline } });

    expect(result.groups).toEqual([{ name: 'default', score: 50, noData: false, weight: 100, pass: 1, fail: 1, nodata: 0 }]);
  });

  it('scores 0 when a critical metric fails, whatever the others do', () => {
    const config: JudgeConfig = {
      metrics: [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'errors', critical: true }],
    };

    const result = judge(config, { a: same, b: same, c: same, errors: { experiment: up, control: baseline } });

    expect(result.score).toBe(0);
    expect(result.classification).toBe('fail');
    expect(result.failedCritical).toEqual(['errors']);
    expect(result.metrics[3]).toMatchObject({ critical: true, isCriticalFailure: true });
  });

  it('scores 0 when a critical metric that must have data has none', () => {
    const config: JudgeConfig = { metrics: [{ name: 'a' }, { name: 'b' }, { name: 'c', critical: true, mustHaveData: true }] };

    const result = judge(config, { a: same, b: same, c: { experiment: [null, null], control: baseline } });

    expect(result.metrics[2]?.classification).toBe('NodataFailMetric');
    expect(result.score).toBe(0);
  });

  it('scores 0 when half the metrics have no data, and judges a missing series as no data', () => {
    const config: JudgeConfig = { metrics: [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }] };

    const result = judge(config, { a: same, b: same, c: { experiment: [Number.NaN], control: [Number.NaN] } });

    expect(result.metrics.map((m) => m.classification)).toEqual(['Pass', 'Pass', 'Nodata', 'Nodata']);
    expect(result.score).toBe(0);
    expect(result.summary).toMatch(/no data/);
    expect(result.warnings).toEqual(['observations.d: missing; judged as no data']);
  });

  it('warns about series that no metric is configured for', () => {
    const result = judge({ metrics: [{ name: 'a' }] }, { a: same, typo: same });

    expect(result.score).toBe(100);
    expect(result.classification).toBe('pass');
    expect(result.warnings).toEqual(['observations.typo: no metric is configured with this name; ignored']);
  });

  it('applies the judge-wide tolerance and confidence level to every metric', () => {
    const spread = Array.from({ length: 40 }, (_, i) => 90 + i * 0.5);
    const observations = { m: { experiment: spread.map((v) => v + 10.25), control: spread } };

    // The default basis (Kayenta's 'estimate') flags the 10% shift; 'control-mean' tolerates it
    // unless the tolerance is narrowed; a lower confidence level narrows the interval.
    expect(judge({ metrics: [{ name: 'm' }] }, observations).metrics[0]?.classification).toBe('High');
    expect(judge({ metrics: [{ name: 'm' }], toleranceBasis: 'control-mean' }, observations).metrics[0]?.classification).toBe('Pass');
    expect(judge({ metrics: [{ name: 'm' }], toleranceBasis: 'control-mean', tolerance: 0.05 }, observations).metrics[0]?.classification).toBe('High');
    expect(judge({ metrics: [{ name: 'm' }], tolerance: 0.7 }, observations).metrics[0]?.classification).toBe('Pass');
    expect(judge({ metrics: [{ name: 'm' }], tolerance: 0.7, confidenceLevel: 0.5 }, observations).metrics[0]?.classification).toBe('High');
  });

  it('collects every configuration problem before refusing', () => {
    const config = {
      metrics: [
        { name: 'a', direction: 'sideways' },
        { name: 'a', critcal: true },
        { name: '', effectSize: { allowedIncrease: -1 } },
      ],
      groupWeights: { nosuch: 10 },
      confidenceLevel: 1.5,
      scoreThresholds: { pass: 40, marginal: 60 },
    } as unknown as JudgeConfig;

    expect(judgeConfigProblems(config)).toEqual([
      'config.metrics[0].direction: must be one of either, increase, decrease, got "sideways"',
      'config.metrics[1].critcal: unknown key',
      'config.metrics[1].name: duplicate metric name "a"',
      'config.metrics[2].name: must be a non-empty string',
      'config.metrics[2].effectSize.allowedIncrease: must be a finite number > 0, got -1',
      'config.confidenceLevel: must be in (0, 1), got 1.5',
      'config.groupWeights.nosuch: no metric is in this group',
      'config.scoreThresholds: marginal (60) must not exceed pass (40)',
    ]);
    expect(() => judge(config, {})).toThrow(InvalidJudgeConfigError);
  });

  it('refuses observations that are not lists of numbers', () => {
    const observations = { a: { experiment: 'oops', control: [1] } } as unknown as Observations;

    expect(() => judge({ metrics: [{ name: 'a' }] }, observations)).toThrow(/observations.a.experiment: must be a list of numbers/);
  });
});

describe('classifyScore', () => {
  it.each([
    [100, 'pass'],
    [75, 'pass'],
    [74.99, 'marginal'],
    [50.01, 'marginal'],
    [50, 'fail'],
    [0, 'fail'],
  ] as const)('classifies %s as %s with the default thresholds 75 / 50', (score, expected) => {
    expect(classifyScore(score)).toBe(expected);
  });

  it('uses configured thresholds', () => {
    expect(classifyScore(85, { pass: 90, marginal: 80 })).toBe('marginal');
  });
});

describe('judge score thresholds', () => {
  it('fills a threshold left out with its default', () => {
    const config: JudgeConfig = { metrics: [{ name: 'a' }, { name: 'b' }], scoreThresholds: { marginal: 40 } };

    // one of two metrics passes: 50 is below the default pass 75 and above marginal 40
    const result = judge(config, { a: same, b: { experiment: up, control: baseline } });

    expect(result.score).toBe(50);
    expect(result.classification).toBe('marginal');
    expect(judgeConfigProblems({ metrics: [{ name: 'a' }], scoreThresholds: { pass: 30 } })).toEqual([
      'config.scoreThresholds: marginal (50) must not exceed pass (30)',
    ]);
  });
});
