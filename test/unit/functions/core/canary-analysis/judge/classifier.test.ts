import { describe, expect, it } from 'vitest';
import { classifyMetric } from '../../../../../../functions/core/canary-analysis/judge/classifier.js';
import { InvalidJudgeConfigError } from '../../../../../../functions/core/canary-analysis/judge/errors.js';

// A baseline around 100 and a canary that is the same service with different noise.
const control = [100, 101, 99, 100, 102, 98, 100, 101, 99, 100];
const noise = [100.3, 99.2, 101.4, 100.1, 98.6, 101.9, 99.7, 100.8, 99.4, 100.6];
const up50 = control.map((v) => v * 1.5); // +50%: the interval sits far from zero
const down50 = control.map((v) => v * 0.5); // -50%

describe('classifyMetric', () => {
  it('classifies a clear increase as High, with the mean ratio as deviation', () => {
    const result = classifyMetric(up50, control);

    expect(result.classification).toBe('High');
    expect(result.deviation).toBe(1.5);
    expect(result.estimate).toBe(50);
    // band = ±0.25 × |estimate| (Kayenta's default basis)
    expect(result.band).toEqual([-12.5, 12.5]);
    expect(result.interval?.[0]).toBeGreaterThan(12.5);
    expect(result.isCriticalFailure).toBe(false);
  });

  it('classifies a clear decrease as Low', () => {
    const result = classifyMetric(down50, control);

    expect(result.classification).toBe('Low');
    expect(result.deviation).toBe(0.5);
    expect(result.band).toEqual([-12.5, 12.5]);
    expect(result.interval?.[1]).toBeLessThan(-12.5);
  });

  it('passes noise around the same level', () => {
    const result = classifyMetric(noise, control);

    expect(result.classification).toBe('Pass');
    expect(result.reason).toMatch(/no significant difference/);
    expect(result.interval?.[0]).toBeLessThan(0);
    expect(result.interval?.[1]).toBeGreaterThan(0);
  });

  it('passes identical series without testing them', () => {
    const result = classifyMetric([...control].reverse(), control);

    expect(result).toMatchObject({ classification: 'Pass', deviation: 1, interval: null, estimate: null });
    expect(result.reason).toMatch(/identical/);
  });

  describe('direction', () => {
    it("'increase' only fails increases: a decrease passes", () => {
      expect(classifyMetric(up50, control, { direction: 'increase' }).classification).toBe('High');
      const result = classifyMetric(down50, control, { direction: 'increase' });
      expect(result.classification).toBe('Pass');
      expect(result.reason).toMatch(/a decrease is not a failure/);
    });

    it("'decrease' only fails decreases: an increase passes", () => {
      expect(classifyMetric(down50, control, { direction: 'decrease' }).classification).toBe('Low');
      expect(classifyMetric(up50, control, { direction: 'decrease' }).classification).toBe('Pass');
    });
  });

  describe('no data', () => {
    it('is Nodata when a series is empty after removing NaN and null', () => {
      const result = classifyMetric([Number.NaN, null, Number.NaN], control);

      expect(result).toMatchObject({ classification: 'Nodata', deviation: null, isCriticalFailure: false });
      expect(result.reason).toBe('no experiment data');
    });

    it('is NodataFailMetric when the metric must have data, and a critical failure if critical', () => {
      expect(classifyMetric([], [], { mustHaveData: true })).toMatchObject({
        classification: 'NodataFailMetric',
        reason: 'no experiment and control data, and the metric must have data',
        isCriticalFailure: false,
      });
      expect(classifyMetric([], control, { mustHaveData: true, critical: true }).isCriticalFailure).toBe(true);
    });

    it('fails safe: a critical metric with no canary data is a critical failure (Kayenta scores it 0)', () => {
      expect(classifyMetric([], control, { critical: true })).toMatchObject({
        classification: 'Nodata',
        reason: 'no experiment data for a critical metric',
        isCriticalFailure: true,
      });
      expect(classifyMetric([Number.NaN, null], control, { critical: true, mustHaveData: true })).toMatchObject({
        classification: 'NodataFailMetric',
        isCriticalFailure: true,
      });
    });

    it("with nanStrategy 'replace' counts NaN as 0, which here is a drop to zero", () => {
      const result = classifyMetric([Number.NaN, null, Number.NaN, Number.NaN], control, { nanStrategy: 'replace' });

      expect(result.classification).toBe('Low');
      expect(result.estimate).toBe(-100);
      // the experiment mean is 0, so the ratio is undefined
      expect(result.deviation).toBeNull();
    });
  });

  describe('effect size', () => {
    it('drops a High whose mean ratio is below allowedIncrease', () => {
      const result = classifyMetric(up50, control, { effectSize: { allowedIncrease: 2 } });

      expect(result.classification).toBe('Pass');
      expect(result.reason).toMatch(/below the allowed effect size 2/);
    });

    it('drops a Low whose mean ratio is above allowedDecrease', () => {
      expect(classifyMetric(down50, control, { effectSize: { allowedDecrease: 0.4 } }).classification).toBe('Pass');
      expect(classifyMetric(down50, control, { effectSize: { allowedDecrease: 0.6 } }).classification).toBe('Low');
    });
  });

  describe('critical metrics', () => {
    it('a High of a critical metric is a critical failure', () => {
      const result = classifyMetric(up50, control, { critical: true });

      expect(result).toMatchObject({ classification: 'High', isCriticalFailure: true });
      expect(result.reason).toMatch(/\(critical\)/);
    });

    it('is a critical failure only beyond criticalIncrease / criticalDecrease when given', () => {
      expect(classifyMetric(up50, control, { critical: true, effectSize: { criticalIncrease: 2 } })).toMatchObject({
        classification: 'High',
        isCriticalFailure: false,
      });
      expect(classifyMetric(down50, control, { critical: true, effectSize: { criticalDecrease: 0.5 } }).isCriticalFailure).toBe(true);
    });
  });

  describe('tolerance', () => {
    // 40 evenly spread baseline points 90 .. 109.5 and the canary 10.25 higher: no ties, so the
    // exact interval applies: [6.75, 13.75] around the shift 10.25.
    const baseline = Array.from({ length: 40 }, (_, i) => 90 + i * 0.5);
    const shifted = baseline.map((v) => v + 10.25);

    it("by default (toleranceBasis 'estimate', as Kayenta) flags a clear 10% shift", () => {
      const result = classifyMetric(shifted, baseline);

      expect(result.classification).toBe('High');
      expect(result.interval).toEqual([6.75, 13.75]);
      expect(result.band).toEqual([-0.25 * 10.25, 0.25 * 10.25]);
      expect(classifyMetric(shifted, baseline, { toleranceBasis: 'estimate' })).toEqual(result);
    });

    it("under 'estimate' the tolerance is how far from zero, as a fraction of the shift, the interval must sit", () => {
      // band ±0.7 × 10.25 = ±7.175: the interval's lower end 6.75 is inside it.
      const result = classifyMetric(shifted, baseline, { tolerance: 0.7 });

      expect(result.classification).toBe('Pass');
      expect(result.band?.[1]).toBeCloseTo(7.175, 10);
    });

    it("with toleranceBasis 'control-mean' tolerates a shift smaller than 25% of the control mean", () => {
      const result = classifyMetric(shifted, baseline, { toleranceBasis: 'control-mean' });

      expect(result.classification).toBe('Pass');
      expect(result.interval).toEqual([6.75, 13.75]);
      expect(result.band).toEqual([-24.9375, 24.9375]);
    });

    it("under 'control-mean' a smaller tolerance narrows the band", () => {
      const result = classifyMetric(shifted, baseline, { toleranceBasis: 'control-mean', tolerance: 0.05 });

      expect(result.classification).toBe('High');
      expect(result.band?.[1]).toBeCloseTo(0.05 * 99.75, 10);
    });
  });

  it('compares two constant series by their difference instead of jittering them', () => {
    const result = classifyMetric([150, 150, 150], [100, 100]);

    expect(result).toMatchObject({ classification: 'High', interval: [50, 50], estimate: 50, deviation: 1.5 });
    // An exact shift of 10 is a clear shift (band ±2.5 around an interval of [10, 10]) ...
    expect(classifyMetric([110, 110], [100, 100, 100]).classification).toBe('High');
    // ... unless the band is a fraction of the control level.
    expect(classifyMetric([110, 110], [100, 100, 100], { toleranceBasis: 'control-mean' }).classification).toBe('Pass');
  });

  it('refuses invalid options, listing every problem', () => {
    const options = { direction: 'up', tolerance: -1, effectSize: { allowedIncrease: 0 } } as never;

    expect(() => classifyMetric(up50, control, options)).toThrow(InvalidJudgeConfigError);
    try {
      classifyMetric(up50, control, options);
    } catch (error) {
      expect((error as InvalidJudgeConfigError).problems).toEqual([
        'options.direction: must be one of either, increase, decrease, got "up"',
        'options.tolerance: must be a finite number >= 0, got -1',
        'options.effectSize.allowedIncrease: must be a finite number > 0, got 0',
      ]);
    }
  });
});
