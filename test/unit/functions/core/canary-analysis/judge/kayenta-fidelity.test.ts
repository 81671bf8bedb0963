/**
 * The judge fails safe and does not depend on units (fidelity item 5): Kayenta's test vectors for
 * IQR outlier detection and CLES, critical metrics without data, all-Nodata groups, and the same
 * data in other units classified the same way (beyond Kayenta's fixed 1e-4 root tolerance).
 */
import { describe, expect, it } from 'vitest';
import { classifyMetric, cles, iqrOutliers, withoutOutliers } from '../../../../../../functions/core/canary-analysis/judge/classifier.js';
import { judge } from '../../../../../../functions/core/canary-analysis/judge/judge.js';
import { wilcoxonRankSumTest } from '../../../../../../functions/core/canary-analysis/judge/mann-whitney.js';

describe("Kayenta's IQR detector (OutlierDetectorSuite vectors)", () => {
  it('IQR Detection: flags the one high point', () => {
    expect(iqrOutliers([21, 23, 24, 25, 50, 29, 23, 21], 1.5)).toEqual([false, false, false, false, true, false, false, false]);
  });

  it('IQR Detect Two Sided', () => {
    expect(iqrOutliers([1, 1, 1, 5, -1, -1, -1, -5], 1.5)).toEqual([false, false, false, true, false, false, false, true]);
  });

  it('IQR NIST Test: only the last of 90 values', () => {
    const data = [
      30, 171, 184, 201, 212, 250, 265, 270, 272, 289, 305, 306, 322, 322, 336, 346, 351, 370, 390, 404, 409, 411, 436, 437, 439, 441, 444, 448, 451, 453, 470,
      480, 482, 487, 494, 495, 499, 503, 514, 521, 522, 527, 548, 550, 559, 560, 570, 572, 574, 578, 585, 592, 592, 607, 616, 618, 621, 629, 637, 638, 640, 656,
      668, 707, 709, 719, 737, 739, 752, 758, 766, 792, 792, 794, 802, 818, 830, 832, 843, 858, 860, 869, 918, 925, 953, 991, 1000, 1005, 1068, 1441,
    ];
    expect(iqrOutliers(data, 1.5)).toEqual([...Array<boolean>(data.length - 1).fill(false), true]);
  });

  it('IQR Reduce Sensitivity (factor 3, the 1st/99th percentiles widen the fences): keeps everything', () => {
    const data = [1, 1, 1, 1, 1, 20, 1, 1, 1, 1, 1];
    expect(withoutOutliers(data, 3)).toEqual(data);
  });

  it('removes outliers before the test when the metric asks for it (outliers.strategy remove)', () => {
    // 200 points (with fewer than 100 the 99th percentile is the maximum, which reduced sensitivity never removes).
    const control = Array.from({ length: 200 }, (_, i) => 10 + (i % 3));
    const spiky = control.map((v, i) => (i === 50 || i === 150 ? v + 40_000 : v));
    const kept = classifyMetric(spiky, control, { effectSize: { allowedIncrease: 1.5 } });
    const removed = classifyMetric(spiky, control, { effectSize: { allowedIncrease: 1.5 }, outliers: { strategy: 'remove' } });
    expect(kept.deviation).toBeGreaterThan(30);
    expect(removed.deviation).toBeCloseTo(1, 2);
    expect(removed.classification).toBe('Pass');
    expect(() => classifyMetric(spiky, control, { outliers: { strategy: 'remove', outlierFactor: -1 } })).toThrow(
      /outliers.outlierFactor: must be a finite number > 0/,
    );
  });
});

describe("Kayenta's CLES effect size", () => {
  it('is the share of pairs where the experiment is higher, ties counting half', () => {
    expect(cles([1, 2, 3], [1, 2, 3])).toBe(0.5);
    expect(cles([10, 11, 12], [1, 2, 3])).toBe(1);
    expect(cles([1, 2, 3], [10, 11, 12])).toBe(0);
    // pairs: (2>1) (2=2 half) (2<3), (4>1) (4>2) (4>3) → 4.5 / 6
    expect(cles([2, 4], [1, 2, 3])).toBe(0.75);
    const x = [0.3, 1.7, 2.2, 2.2, 5.1];
    const y = [0.1, 2.2, 3.3, 4.4];
    const brute = x.flatMap((a) => y.map((b) => (a > b ? 1 : a === b ? 0.5 : 0))).reduce((s: number, v) => s + v, 0) / (x.length * y.length);
    expect(cles(x, y)).toBeCloseTo(brute, 12);
  });

  it('classifies with effectSize.measure cles, thresholds around 0.5 by default, units irrelevant', () => {
    const control = Array.from({ length: 30 }, (_, i) => 100 + (i % 10));
    const experiment = control.map((v) => v + 20);
    const high = classifyMetric(experiment, control, { effectSize: { measure: 'cles' } });
    expect(high).toMatchObject({ classification: 'High', deviation: 1 });
    expect(high.reason).toContain('CLES 1');
    expect(classifyMetric(experiment, control, { effectSize: { measure: 'cles', allowedIncrease: 1.01 } }).classification).toBe('Pass');
    expect(() => classifyMetric(experiment, control, { effectSize: { measure: 'median' as never } })).toThrow(
      /effectSize.measure: must be one of meanRatio, cles/,
    );
  });
});

describe('fail safe on missing data', () => {
  const control = [5, 6, 5, 7, 6, 5, 6, 7];
  it('fails the analysis when a critical metric has no canary data (score 0)', () => {
    const result = judge(
      { metrics: [{ name: 'ok' }, { name: 'errors', critical: true }] },
      { ok: { experiment: control, control }, errors: { experiment: [Number.NaN, null], control } },
    );
    expect(result.score).toBe(0);
    expect(result.classification).toBe('fail');
    expect(result.failedCritical).toEqual(['errors']);
  });

  it('reports an all-Nodata group as Kayenta does: group score 0 with no data, counted as 100 in the summary', () => {
    const result = judge(
      {
        metrics: [
          { name: 'a', group: 'web' },
          { name: 'b', group: 'web' },
          { name: 'c', group: 'web' },
          { name: 'gc', group: 'jvm' },
        ],
      },
      { a: { experiment: control, control }, b: { experiment: control, control }, c: { experiment: control, control }, gc: { experiment: [], control } },
    );
    expect(result.groups.find((g) => g.name === 'jvm')).toMatchObject({ score: 0, noData: true, nodata: 1 });
    expect(result.score).toBe(100);
  });
});

describe('classification does not depend on units', () => {
  /** Deterministic data: 60 points per series on a 0.1 grid (ties: the normal approximation). */
  function series(): { control: number[]; experiment: number[] } {
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let trial = 0; trial < 3; trial++) {
      rnd();
      Array.from({ length: 120 }, rnd);
    }
    const shift = rnd() * 0.3;
    const control = Array.from({ length: 60 }, () => Math.round((100 + rnd() * 10) * 10) / 10);
    const experiment = Array.from({ length: 60 }, () => Math.round((100 + shift * 10 + rnd() * 10) * 10) / 10);
    return { control, experiment };
  }

  it('gives the same classification and proportional intervals for the data in ms, s, ×1e-6 and ×1e6', () => {
    const { control, experiment } = series();
    const results = [1, 1e-3, 1e-6, 1e6].map((k) => ({
      k,
      r: classifyMetric(
        experiment.map((v) => v * k),
        control.map((v) => v * k),
      ),
    }));
    expect(new Set(results.map(({ r }) => r.classification)).size).toBe(1);
    const [base] = results;
    for (const { k, r } of results) {
      expect(Math.abs(r.interval![0] / k - base!.r.interval![0])).toBeLessThanOrEqual(1e-6 * 20);
      expect(Math.abs(r.estimate! / k - base!.r.estimate!)).toBeLessThanOrEqual(1e-6 * 20);
    }
  });

  it("is needed: R's and Kayenta's fixed 1e-4 root tolerance classifies the same data differently at another scale", () => {
    const { control, experiment } = series();
    const verdict = (k: number) => {
      const r = wilcoxonRankSumTest(
        experiment.map((v) => v * k),
        control.map((v) => v * k),
        { confidenceLevel: 0.98 },
      );
      const band = 0.25 * Math.abs(r.estimate);
      return r.confidenceInterval[0] > band ? 'High' : r.confidenceInterval[1] < -band ? 'Low' : 'Pass';
    };
    expect(new Set([1, 1e-3, 1e-6, 1e6].map(verdict)).size).toBeGreaterThan(1);
  });
});
