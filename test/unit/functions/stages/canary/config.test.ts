import { describe, expect, it } from 'vitest';
import { canaryConfigOf, fromKayentaCanary, isoMinutes, parseCanaryConfig } from '../../../../../functions/stages/canary/config.js';

const metrics = [
  { name: 'latency', namespace: 'App', metricName: 'Latency', statistic: 'Average', direction: 'increase', critical: true },
  {
    name: 'errorRate',
    group: 'errors',
    ratio: {
      numerator: { namespace: 'App', metricName: 'Errors', statistic: 'Sum' },
      denominator: { namespace: 'App', metricName: 'Requests', statistic: 'Sum' },
    },
  },
];

describe('parseCanaryConfig', () => {
  it('reads the native fields with their defaults', () => {
    const parsed = parseCanaryConfig({ cluster: 'shop-prod', canaryImage: 'ami-new', metrics, lifetimeMinutes: 30, intervalMinutes: '10', warmupMinutes: 5 });

    expect(parsed.problems).toEqual([]);
    expect(parsed.value).toMatchObject({
      cluster: 'shop-prod',
      canaryImage: 'ami-new',
      capacity: { min: 1, max: 1, desired: 1 },
      lifetimeMs: 30 * 60_000,
      intervalMs: 10 * 60_000,
      warmupMs: 5 * 60_000,
      metricsDelayMs: 60_000,
      periodSeconds: 60,
      scopeDimension: 'AutoScalingGroupName',
      thresholds: { pass: 75, marginal: 50 },
    });
    expect(parsed.value?.metrics[0]).toEqual({
      name: 'latency',
      direction: 'increase',
      critical: true,
      query: { namespace: 'App', metricName: 'Latency', statistic: 'Average', dimensions: {} },
    });
    expect(parsed.value?.metrics[1]?.query).toEqual({
      numerator: { namespace: 'App', metricName: 'Errors', statistic: 'Sum', dimensions: {} },
      denominator: { namespace: 'App', metricName: 'Requests', statistic: 'Sum', dimensions: {} },
    });
    expect(parsed.value?.judge.metrics).toEqual([
      { name: 'latency', direction: 'increase', critical: true },
      { name: 'errorRate', group: 'errors' },
    ]);
  });

  it('defaults the interval to the lifetime (one judgement at the end)', () => {
    const parsed = parseCanaryConfig({ cluster: 'shop', canary: { imageId: 'ami-1' }, metrics, lifetime: 'PT2H' });
    expect(parsed.value).toMatchObject({ lifetimeMs: 120 * 60_000, intervalMs: 120 * 60_000 });
  });

  it('lists every problem, the judge rules included', () => {
    const parsed = parseCanaryConfig({
      capacity: { min: 2, max: 1, desired: 1 },
      periodSeconds: 45,
      scoreThresholds: { pass: 40, marginal: 60 },
      metrics: [
        { name: 'a', namespace: 'App', metricName: 'A', statistic: 'Median', direction: 'up' },
        { name: 'b', metricName: 'B' },
      ],
    });
    expect(parsed.problems).toEqual([
      'cluster: required (the production cluster)',
      'canaryImage: required (the image under test)',
      'capacity: needs min <= desired <= max',
      'periodSeconds: must be 1, 5, 10, 30 or a multiple of 60 (CloudWatch periods)',
      'metrics[0].statistic: must be Average, Sum, Minimum, Maximum, SampleCount or an extended statistic such as p99',
      'metrics[1].namespace: required',
    ]);
    const judged = parseCanaryConfig({
      cluster: 'c',
      canaryImage: 'ami',
      metrics: [{ name: 'a', namespace: 'N', metricName: 'A', direction: 'up' }],
      scoreThresholds: { pass: 40, marginal: 60 },
    });
    expect(judged.problems).toEqual([
      'metrics[0].direction: must be one of either, increase, decrease, got "up"',
      'scoreThresholds: marginal (60) must not exceed pass (40)',
    ]);
  });
});

describe('kayentaCanary', () => {
  const kayenta = {
    type: 'kayentaCanary',
    analysisType: 'realTimeAutomatic',
    canaryConfig: {
      lifetimeDuration: 'PT1H30M',
      beginCanaryAnalysisAfterMins: '10',
      canaryAnalysisIntervalMins: '30',
      lookbackMins: '15',
      scoreThresholds: { pass: '80', marginal: '60' },
      scopes: [{ scopeName: 'default', step: 300 }],
      metricsAccountName: 'ignored',
      metrics,
    },
    deployments: {
      baseline: { cloudProvider: 'aws', application: 'shop', account: 'prod', cluster: 'shop-prod' },
      serverGroupPairs: [
        {
          control: { capacity: { min: 1, max: 1, desired: 1 }, availabilityZones: { 'eu-west-1': ['eu-west-1a'] } },
          experiment: { amiName: 'ami-new', capacity: { min: 2, max: 2, desired: 2 }, availabilityZones: { 'eu-west-1': ['eu-west-1a'] } },
        },
      ],
      delayBeforeCleanup: 'PT0S',
    },
  };

  it("maps Spinnaker's fields onto the canary stage's", () => {
    const parsed = canaryConfigOf('kayentaCanary', kayenta);

    expect(parsed.problems).toEqual([]);
    expect(parsed.value).toMatchObject({
      account: 'prod',
      region: 'eu-west-1',
      cluster: 'shop-prod',
      canaryImage: 'ami-new',
      capacity: { min: 2, max: 2, desired: 2 },
      lifetimeMs: 90 * 60_000,
      warmupMs: 10 * 60_000,
      intervalMs: 30 * 60_000,
      lookbackMs: 15 * 60_000,
      periodSeconds: 300,
      thresholds: { pass: 80, marginal: 60 },
    });
  });

  it('reads lifetimeHours too', () => {
    expect(fromKayentaCanary({ ...kayenta, canaryConfig: { ...kayenta.canaryConfig, lifetimeDuration: undefined, lifetimeHours: '2' } }).config.lifetime).toBe(
      120,
    );
  });

  it('names what it cannot do', () => {
    const parsed = canaryConfigOf('kayentaCanary', {
      analysisType: 'retrospective',
      canaryConfig: { canaryConfigId: 'abc-123' },
      deployments: { baseline: { cloudProvider: 'kubernetes', cluster: 'shop' }, serverGroupPairs: [] },
    });
    expect(parsed.problems.slice(0, 4)).toEqual([
      "analysisType: 'retrospective' analysis needs server groups that already exist: name them in canaryConfig.scopes, without deployments",
      'canaryConfig.canaryConfigId: refers to a canary config stored in Kayenta, which Gennaker does not read; put the metrics inline as canaryConfig.metrics',
      'deployments.serverGroupPairs: exactly one control/experiment pair is supported',
      'deployments.baseline.cloudProvider: only aws is supported, got "kubernetes"',
    ]);
  });
});

describe("kayentaCanary's scope-only form (no deployments)", () => {
  const metrics = [{ name: 'latency', namespace: 'Shop', metricName: 'Latency' }];
  const scope = {
    scopeName: 'default',
    controlScope: 'shop-prod-v003',
    controlLocation: 'eu-west-1',
    experimentScope: 'shop-prod-v004',
    experimentLocation: 'eu-west-1',
    step: 60,
  };

  it('analyses the named groups in their region, deploying nothing', () => {
    const parsed = canaryConfigOf('kayentaCanary', {
      analysisType: 'realTime',
      canaryConfig: { lifetimeHours: '1', canaryAnalysisIntervalMins: '15', beginCanaryAnalysisAfterMins: '2', metrics, scopes: [scope] },
    });
    expect(parsed.problems).toEqual([]);
    expect(parsed.value).toMatchObject({
      scopes: { control: 'shop-prod-v003', experiment: 'shop-prod-v004' },
      region: 'eu-west-1',
      lifetimeMs: 60 * 60_000,
      intervalMs: 15 * 60_000,
      warmupMs: 2 * 60_000,
    });
    expect(parsed.value).not.toHaveProperty('cluster');
    expect(parsed.value).not.toHaveProperty('canaryImage');
    expect(parsed.value).not.toHaveProperty('startMs');
  });

  it('retrospective: the lifetime is startTimeIso..endTimeIso', () => {
    const parsed = canaryConfigOf('kayentaCanary', {
      analysisType: 'retrospective',
      canaryConfig: {
        canaryAnalysisIntervalMins: '30',
        metrics,
        scopes: [{ ...scope, startTimeIso: '2024-05-01T10:00:00Z', endTimeIso: '2024-05-01T12:00:00.000Z' }],
      },
    });
    expect(parsed.problems).toEqual([]);
    expect(parsed.value).toMatchObject({
      startMs: Date.UTC(2024, 4, 1, 10),
      endMs: Date.UTC(2024, 4, 1, 12),
      lifetimeMs: 120 * 60_000,
      intervalMs: 30 * 60_000,
    });
  });

  it.each([
    [
      'no scopes',
      { metrics },
      [
        "canaryConfig.scopes: exactly one scope is supported (Kayenta's scopeName 'default')",
        'canaryConfig.scopes[0].controlScope: required (the existing server group to compare with)',
        'canaryConfig.scopes[0].experimentScope: required (the existing server group under test)',
      ],
    ],
    [
      'two regions',
      { metrics, scopes: [{ ...scope, experimentLocation: 'us-east-1' }] },
      ['canaryConfig.scopes[0].experimentLocation: the control and experiment must be in one region (CloudWatch is read per region)'],
    ],
    [
      'a retrospective without its range',
      { metrics, scopes: [scope] },
      ["canaryConfig.scopes[0].endTimeIso: 'retrospective' analysis needs startTimeIso and endTimeIso (the past time range to analyse)"],
      'retrospective',
    ],
    [
      'a range that ends before it starts',
      { metrics, scopes: [{ ...scope, startTimeIso: '2024-05-01T12:00:00Z', endTimeIso: '2024-05-01T10:00:00Z' }] },
      ['canaryConfig.scopes[0].endTimeIso: must be after the start time'],
      'retrospective',
    ],
    [
      'a time that is not ISO 8601',
      { metrics, scopes: [{ ...scope, startTimeIso: 'yesterday' }] },
      ['canaryConfig.scopes[0].startTimeIso: must be an ISO 8601 instant such as 2024-05-01T12:00:00Z, got "yesterday"'],
    ],
  ])('names the scope fields: %s', (_name, canaryConfig, problems, analysisType = 'realTime') => {
    expect(canaryConfigOf('kayentaCanary', { analysisType, canaryConfig }).problems).toEqual(problems);
  });
});

describe('isoMinutes', () => {
  it.each([
    ['PT1H', 60],
    ['PT1H30M', 90],
    ['P1DT2H', 1560],
    ['PT90S', 1.5],
    [45, 45],
  ])('%j is %d minutes', (value, expected) => {
    expect(isoMinutes('lifetime', value, [])).toBe(expected);
  });

  it.each(['1h', 'PT', 'P', 'PT0M', -5])('refuses %j', (value) => {
    const problems: string[] = [];
    expect(isoMinutes('lifetime', value, problems)).toBeUndefined();
    expect(problems).toHaveLength(1);
  });
});

describe('kayentaCanary problems', () => {
  it("name Spinnaker's fields, not the canary stage's", () => {
    const parsed = canaryConfigOf('kayentaCanary', {
      canaryConfig: { lifetimeDuration: '1 hour', metrics: [{ name: 'a', namespace: 'N', metricName: 'A' }], scopes: [{ step: 45 }] },
      deployments: { baseline: { cluster: 'shop-prod' }, serverGroupPairs: [{ control: {}, experiment: {} }] },
    });
    expect(parsed.problems).toEqual([
      'deployments.serverGroupPairs[0].experiment.imageId: required (the image under test)',
      'canaryConfig.lifetimeDuration: must be an ISO 8601 duration such as PT1H or a number of minutes, got "1 hour"',
      'canaryConfig.scopes[0].step: must be 1, 5, 10, 30 or a multiple of 60 (CloudWatch periods)',
    ]);
  });
});
