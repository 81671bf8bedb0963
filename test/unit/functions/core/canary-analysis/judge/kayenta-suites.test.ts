/**
 * Kayenta's own test vectors, run through the one judge: its classifier suite (MannWhitneyClassifier,
 * with the constructor's defaults written out) and its CLES effect sizes. The data and expectations
 * are copied from Kayenta's Scala suites (test/fixtures/kayenta/README.md).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyMetric, cles } from '../../../../../../functions/core/canary-analysis/judge/classifier.js';
import { KAYENTA_VECTORS } from '../../../../../support/fixtures.js';

interface ClassifierVector {
  readonly name: string;
  readonly experiment: number[];
  readonly control: number[];
  readonly tolerance: number;
  readonly confidenceLevel: number;
  readonly direction: 'either' | 'increase' | 'decrease';
  readonly critical: boolean;
  readonly nanStrategy: 'remove' | 'replace';
  readonly effectSize: { measure?: 'meanRatio' | 'cles'; allowedDecrease: number; allowedIncrease: number; criticalDecrease: number; criticalIncrease: number };
  readonly expected: string;
  readonly expectedCritical?: boolean;
}

const read = <T>(file: string) => (JSON.parse(readFileSync(join(KAYENTA_VECTORS, file), 'utf8')) as { vectors: T[] }).vectors;
const classifierSuite = read<ClassifierVector>('classifier-suite.json');
const clesSuite = read<{ name: string; experiment: number[]; control: number[]; expected: number }>('cles.json');

describe("Kayenta's ClassifierSuite (MannWhitneyClassifier)", () => {
  it('has every vector of the suite that asserts a classification', () => {
    expect(classifierSuite).toHaveLength(33);
  });

  it.each(classifierSuite.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    const result = classifyMetric(v.experiment, v.control, {
      tolerance: v.tolerance,
      confidenceLevel: v.confidenceLevel,
      direction: v.direction,
      critical: v.critical,
      nanStrategy: v.nanStrategy,
      effectSize: v.effectSize,
    });
    expect(result.classification).toBe(v.expected);
    if (v.expectedCritical !== undefined) expect(result.isCriticalFailure).toBe(v.expectedCritical);
  });
});

describe("Kayenta's StatisticSuite (CLES)", () => {
  it.each(clesSuite.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    expect(cles(v.experiment, v.control)).toBeCloseTo(v.expected, 3);
  });
});

describe("Kayenta's defaults beyond the suites, and where the judge fails safer", () => {
  it('a critical metric without data fails safe even with nanStrategy replace (Kayenta passes it)', () => {
    const result = classifyMetric([], [1, 2, 3], { nanStrategy: 'replace', critical: true });
    expect(result).toMatchObject({ classification: 'Nodata', isCriticalFailure: true });
  });

  it('default critical thresholds are the neutral effect size, as in Kayenta: a High below it is not a critical failure', () => {
    // High because allowedIncrease is lowered to 0.8, but the mean ratio (about 0.99) is under 1.0.
    const control = [10, 10.1, 10.2, 10.3, 10.4, 10.5, 10.6, 10.7, 10.8, 30];
    const experiment = [12, 12.1, 12.2, 12.3, 12.4, 12.5, 12.6, 12.7, 12.8, 11];
    const result = classifyMetric(experiment, control, { critical: true, tolerance: 0.01, effectSize: { allowedIncrease: 0.8 } });
    expect(result.classification).toBe('High');
    expect(result.deviation!).toBeLessThan(1);
    expect(result.isCriticalFailure).toBe(false);
  });
});
