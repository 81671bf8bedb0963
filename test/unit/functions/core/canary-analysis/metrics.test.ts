import { describe, expect, it } from 'vitest';
import type { CanaryMetric } from '../../../../../functions/core/canary-analysis/config.js';
import { combineResults, planQueries } from '../../../../../functions/core/canary-analysis/metrics.js';

const metrics: CanaryMetric[] = [
  { name: 'latency', query: { namespace: 'App', metricName: 'Latency', statistic: 'p99', dimensions: { Service: 'api' } } },
  {
    name: 'errorRate',
    query: {
      numerator: { namespace: 'App', metricName: 'Errors', statistic: 'Sum', dimensions: {} },
      denominator: { namespace: 'App', metricName: 'Requests', statistic: 'Sum', dimensions: {} },
    },
  },
];
const groups = { control: 'shop-prod-baseline-v000', experiment: 'shop-prod-canary-v000' };
const options = { periodSeconds: 60, scopeDimension: 'AutoScalingGroupName' };

describe('planQueries', () => {
  it('asks for every metric (and both halves of a ratio) per server group, scoped by its dimension', () => {
    const planned = planQueries(metrics, groups, options);

    expect(planned.map((p) => p.id)).toEqual([
      'm0_control_value',
      'm0_experiment_value',
      'm1_control_numerator',
      'm1_control_denominator',
      'm1_experiment_numerator',
      'm1_experiment_denominator',
    ]);
    expect(planned[1]?.query).toEqual({
      Id: 'm0_experiment_value',
      ReturnData: true,
      MetricStat: {
        Metric: {
          Namespace: 'App',
          MetricName: 'Latency',
          Dimensions: [
            { Name: 'Service', Value: 'api' },
            { Name: 'AutoScalingGroupName', Value: 'shop-prod-canary-v000' },
          ],
        },
        Period: 60,
        Stat: 'p99',
      },
    });
  });
});

describe('combineResults', () => {
  const t = (minute: number) => new Date(Date.UTC(2024, 0, 1, 0, minute));

  it('orders values by time and divides ratios per period here, a zero denominator being no data', () => {
    const planned = planQueries(metrics, groups, options);
    const observations = combineResults(metrics, planned, [
      { Id: 'm0_control_value', Timestamps: [t(2), t(1)], Values: [12, 11] },
      { Id: 'm0_experiment_value', Timestamps: [t(1), t(2)], Values: [13, 14] },
      { Id: 'm1_control_numerator', Timestamps: [t(1), t(2), t(3)], Values: [1, 2, 3] },
      { Id: 'm1_control_denominator', Timestamps: [t(1), t(2)], Values: [100, 0] },
      { Id: 'm1_experiment_numerator', Timestamps: [t(1)], Values: [5] },
      { Id: 'm1_experiment_denominator', Timestamps: [t(1)], Values: [50] },
    ]);

    expect(observations).toEqual({
      latency: { control: [11, 12], experiment: [13, 14] },
      // minute 3 has no denominator; minute 2's is 0
      errorRate: { control: [0.01, null], experiment: [0.1] },
    });
  });

  it('gives empty series for metrics CloudWatch had nothing for', () => {
    const planned = planQueries(metrics.slice(0, 1), groups, options);
    expect(combineResults(metrics.slice(0, 1), planned, [])).toEqual({ latency: { control: [], experiment: [] } });
  });
});
