import { describe, expect, it } from 'vitest';
import { parseStepAnalysis } from '../../../../../functions/core/canary-analysis/config.js';

const metrics = [{ name: 'latency', namespace: 'App', metricName: 'Latency', direction: 'increase', critical: true }];

describe('parseStepAnalysis', () => {
  it('reads the metric part of a canary config with the step defaults (no metrics delay)', () => {
    const parsed = parseStepAnalysis({ metrics, scoreThresholds: { pass: '90' }, toleranceBasis: 'control-mean', scopeDimension: 'TargetGroup' });

    expect(parsed.problems).toEqual([]);
    expect(parsed.value).toMatchObject({
      periodSeconds: 60,
      metricsDelayMs: 0,
      scopeDimension: 'TargetGroup',
      thresholds: { pass: 90, marginal: 50 },
      judge: { toleranceBasis: 'control-mean', scoreThresholds: { pass: 90, marginal: 50 } },
    });
    expect(parsed.value?.metrics).toEqual([
      { name: 'latency', direction: 'increase', critical: true, query: { namespace: 'App', metricName: 'Latency', statistic: 'Average', dimensions: {} } },
    ]);
  });

  it('names every bad field as the canary stage does', () => {
    const parsed = parseStepAnalysis({
      metrics: [{ name: 'x', metricName: 'Latency', statistic: 'median' }],
      periodSeconds: 45,
      metricsDelaySeconds: -1,
      scopeDimension: '',
    });

    expect(parsed.value).toBeUndefined();
    expect(parsed.problems).toEqual([
      'metrics[0].namespace: required',
      'metrics[0].statistic: must be Average, Sum, Minimum, Maximum, SampleCount or an extended statistic such as p99',
      'periodSeconds: must be 1, 5, 10, 30 or a multiple of 60 (CloudWatch periods)',
      'metricsDelaySeconds: must be a number of seconds >= 0',
      'scopeDimension: must be a dimension name',
    ]);
  });
});
