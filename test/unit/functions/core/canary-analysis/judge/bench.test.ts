import { describe, expect, it } from 'vitest';
import { mulberry32, normalSampler, run } from '../../../../../support/canary-judge-rates.js';

describe('bench/canary-judge', () => {
  it('draws the same numbers from the same seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const first = [a(), a(), a()];

    expect([b(), b(), b()]).toEqual(first);
    expect(first.every((u) => u >= 0 && u < 1)).toBe(true);
  });

  it('draws normal deviates with about the requested mean and spread', () => {
    const normal = normalSampler(mulberry32(7));
    const values = Array.from({ length: 20_000 }, () => normal(100, 10));
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1));

    expect(mean).toBeCloseTo(100, 0);
    expect(sd).toBeGreaterThan(9.7);
    expect(sd).toBeLessThan(10.3);
  });

  it('reports false-alarm and detection rates per tolerance basis and direction', async () => {
    const result = await run();

    expect(result.name).toBe('canary-judge');
    expect(result.rows.map((r) => `${r.toleranceBasis}/${r.direction}`)).toEqual([
      'control-mean/either',
      'control-mean/increase',
      'control-mean/decrease',
      'estimate/either',
      'estimate/increase',
      'estimate/decrease',
    ]);
    const estimateEither = result.rows[3] ?? {};
    expect(estimateEither.falseAlarmRate).toBeLessThanOrEqual(0.02);
    expect(estimateEither.detectionRateUp10).toBeGreaterThan(0.9);
    // a 10% shift sits inside the ±25% band of the control-mean basis (no longer the default)
    expect(result.rows[0]?.detectionRateUp10).toBe(0);
  });
});
