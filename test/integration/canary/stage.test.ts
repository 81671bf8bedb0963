import type { GetMetricDataCommandOutput } from '@aws-sdk/client-cloudwatch';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { awsClients, resetClientCache } from '../../../functions/core/aws-clients.js';
import { cloudClients, cloudDriver } from '../../../functions/core/cloud/index.js';
import { awsTargets } from '../../../functions/core/aws-target.js';
import { cloudFleet } from '../../../functions/stages/canary/fleet.js';
import {
  CANARY_STATE_KEY,
  canaryStage,
  cleanupCanary,
  type CanaryDeps,
  type CanaryState,
  type IntervalRecord,
} from '../../../functions/stages/canary/stage.js';
import { injectFault, removeAllFaults, throttlingError } from '../../support/faults.js';
import { useMoto } from '../../support/moto.js';
import { StageRun } from '../external/support/stage-run.js';
import { createServerGroup } from '../../../functions/core/cloud/index.js';
import { autoScalingGroups, createProduction, noise, publish, type Production } from './fixtures.js';

useMoto();

const MIN = 60_000;
// The family's defaults (externalStages), spelled out.
const deps: CanaryDeps = {
  target: awsTargets(),
  fleet: (t) => cloudFleet(cloudDriver(cloudClients(t.clientOptions))),
  cloudwatch: (t) => awsClients.cloudwatchClient(t.clientOptions),
};

const METRICS = [
  { name: 'latency', namespace: 'Shop', metricName: 'Latency', statistic: 'Average', direction: 'increase', group: 'latency' },
  {
    name: 'errorRate',
    namespace: 'Shop',
    ratio: { numerator: { metricName: 'Errors', statistic: 'Sum' }, denominator: { metricName: 'Requests', statistic: 'Sum' } },
    direction: 'increase',
    group: 'errors',
  },
];

describe('canary stage (moto: Auto Scaling, ELBv2, CloudWatch)', () => {
  let production: Production;

  beforeAll(() => resetClientCache());
  beforeEach(async () => {
    resetClientCache();
    production = await createProduction();
  });
  afterEach(() => removeAllFaults());

  const nativeConfig = () => ({
    cluster: 'shop-prod',
    canaryImage: production.canaryImage,
    capacity: 1,
    lifetimeMinutes: 30,
    intervalMinutes: 10,
    warmupMinutes: 5,
    metricsDelaySeconds: 60,
    metrics: METRICS,
  });
  const kayentaConfig = () => ({
    analysisType: 'realTimeAutomatic',
    canaryConfig: {
      lifetimeDuration: 'PT30M',
      beginCanaryAnalysisAfterMins: '5',
      canaryAnalysisIntervalMins: '10',
      scoreThresholds: { pass: '75', marginal: '50' },
      metricsDelaySeconds: 60,
      metrics: METRICS,
    },
    deployments: {
      baseline: { cloudProvider: 'aws', application: 'shop', cluster: 'shop-prod' },
      serverGroupPairs: [
        { control: { capacity: { min: 1, max: 1, desired: 1 } }, experiment: { imageId: production.canaryImage, capacity: { min: 1, max: 1, desired: 1 } } },
      ],
    },
  });

  /** Deploys (first calls), then publishes 40 minutes of metrics for both groups. */
  async function deployAndPublish(run: StageRun, canaryLatencyFactor: number): Promise<{ baseline: string; canary: string; analysisStart: number }> {
    for (let i = 0; i < 5 && (run.state[CANARY_STATE_KEY] as CanaryState | undefined)?.phase !== 'analyzing'; i++) {
      const result = await run.call();
      expect(result.status).toBe('RUNNING');
      if (result.status === 'RUNNING' && (run.state[CANARY_STATE_KEY] as CanaryState).phase !== 'analyzing') run.now += result.waitSeconds * 1000;
    }
    const state = run.state[CANARY_STATE_KEY] as CanaryState;
    expect(state.phase).toBe('analyzing');
    const analysisStart = state.analysisStart!;
    const baseline = state.baseline!;
    const canary = state.canary!;
    const rb = noise(1);
    const rc = noise(2);
    await publish(baseline, 'Latency', analysisStart, 40, () => 100 + 5 * rb());
    await publish(canary, 'Latency', analysisStart, 40, () => (100 + 5 * rc()) * canaryLatencyFactor);
    for (const [group, r] of [
      [baseline, noise(3)],
      [canary, noise(4)],
    ] as const) {
      await publish(group, 'Requests', analysisStart, 40, () => 1000);
      await publish(group, 'Errors', analysisStart, 40, () => 5 + 2 * r());
    }
    return { baseline, canary, analysisStart };
  }

  it.each(['canary', 'kayentaCanary'] as const)('%s: a healthy canary passes every interval, then both groups are destroyed', async (type) => {
    const run = new StageRun(canaryStage(deps, type), type === 'canary' ? nativeConfig() : kayentaConfig(), {
      now: Math.floor(Date.now() / MIN) * MIN - 2 * 60 * MIN,
    });

    const { baseline, canary, analysisStart } = await deployAndPublish(run, 1);

    expect(baseline).toBe('shop-prod-baseline-v000');
    expect(canary).toBe('shop-prod-canary-v000');
    expect(await autoScalingGroups(production.clients)).toEqual(['shop-prod-baseline-v000', 'shop-prod-canary-v000', 'shop-prod-v000']);
    // Both run behind production's target group, at the small capacity asked for.
    const view = await cloudDriver(production.clients).describeServerGroup(canary);
    expect(view).toMatchObject({ imageId: production.canaryImage, capacity: { min: 1, max: 1, desired: 1 }, targetGroupArns: [production.targetGroupArn] });
    expect((await cloudDriver(production.clients).describeServerGroup(baseline))?.imageId).toBe(production.productionImage);
    // The first judgement waits for the warm-up, the interval and the metrics delay.
    expect(analysisStart).toBeGreaterThan(run.startTime);

    const result = await run.untilDone();

    expect(result.status).toBe('SUCCEEDED');
    const intervals = run.outputs.intervals as IntervalRecord[];
    expect(intervals.map((i) => [i.index, i.score, i.decision])).toEqual([
      [1, 100, 'continue'],
      [2, 100, 'continue'],
      [3, 100, 'pass'],
    ]);
    expect(intervals[2]?.start).toBe(new Date(analysisStart).toISOString());
    expect(intervals[2]?.end).toBe(new Date(analysisStart + 30 * MIN).toISOString());
    expect(intervals[0]?.metrics).toEqual([
      expect.objectContaining({ name: 'latency', classification: 'Pass', controlPoints: 10, experimentPoints: 10 }),
      expect.objectContaining({ name: 'errorRate', classification: 'Pass', controlPoints: 10, experimentPoints: 10 }),
    ]);
    expect(intervals[2]?.metrics[0]).toMatchObject({ controlPoints: 30 });
    expect(run.outputs).toMatchObject({
      canaryScores: [100, 100, 100],
      overallScore: 100,
      overallResult: 'pass',
      baselineServerGroup: baseline,
      canaryServerGroup: canary,
    });
    expect(await autoScalingGroups(production.clients)).toEqual(['shop-prod-v000']);
  });

  it('ends at the first interval that scores at or below marginal, and still destroys both groups', async () => {
    const run = new StageRun(canaryStage(deps), nativeConfig(), { now: Math.floor(Date.now() / MIN) * MIN - 2 * 60 * MIN });
    await deployAndPublish(run, 1.3);

    const result = await run.untilDone();

    expect(result).toMatchObject({ status: 'FAILED', error: 'canary failed: interval 1 of 3 scored 50, at or below the marginal threshold 50' });
    const intervals = run.outputs.intervals as IntervalRecord[];
    expect(intervals).toHaveLength(1);
    expect(intervals[0]?.metrics.map((m) => [m.name, m.classification])).toEqual([
      ['latency', 'High'],
      ['errorRate', 'Pass'],
    ]);
    expect(run.outputs).toMatchObject({ overallResult: 'fail', canaryScores: [50] });
    expect(await autoScalingGroups(production.clients)).toEqual(['shop-prod-v000']);
  });

  it('retries when CloudWatch throttles, then judges', async () => {
    const run = new StageRun(canaryStage(deps), { ...nativeConfig(), lifetimeMinutes: 10 }, { now: Math.floor(Date.now() / MIN) * MIN - 2 * 60 * MIN });
    await deployAndPublish(run, 1);
    // The SDK retries throttling itself (GENNAKER_AWS_MAX_ATTEMPTS, 5 by default): fault every attempt of one call.
    injectFault(awsClients.cloudwatchClient({ region: 'us-east-1' }), { command: 'GetMetricData', error: () => throttlingError(), times: 5 });

    const result = await run.untilDone();

    expect(result.status).toBe('SUCCEEDED');
    expect(run.results.some((r) => r.status === 'RUNNING' && String(r.context?.lastError).includes('GetMetricData failed: Throttling'))).toBe(true);
  });

  it('fails, and cleans up, when there is no data for most metrics', async () => {
    const run = new StageRun(canaryStage(deps), nativeConfig(), { now: Math.floor(Date.now() / MIN) * MIN - 2 * 60 * MIN });
    for (let i = 0; i < 3; i++) {
      const r = await run.call();
      if (r.status === 'RUNNING') run.now += r.waitSeconds * 1000;
    }
    const result = await run.untilDone();
    expect(result).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/interval 1 of 3 scored 0/) });
    expect((run.outputs.intervals as IntervalRecord[])[0]?.summary).toMatch(/had no data/);
    expect(await autoScalingGroups(production.clients)).toEqual(['shop-prod-v000']);
  });

  it('finds its baseline again after a crash between creating it and recording it: one group, not two', async () => {
    const run = new StageRun(canaryStage(deps), nativeConfig(), { now: Math.floor(Date.now() / MIN) * MIN - 2 * 60 * MIN });
    run.crashBeforeCheckpoint = (patch) => Boolean((patch[CANARY_STATE_KEY] as CanaryState | undefined)?.baseline);
    await expect(run.call()).rejects.toThrow('simulated crash');
    expect(await autoScalingGroups(production.clients)).toEqual(['shop-prod-baseline-v000', 'shop-prod-v000']);

    // The cancel path, from the record alone, finds the unrecorded group by its deploy key.
    const cleaned = await cleanupCanary(run.state, deps);
    expect(cleaned).toEqual({ destroyed: ['shop-prod-baseline-v000'], errors: [] });
    expect(await autoScalingGroups(production.clients)).toEqual(['shop-prod-v000']);
  });

  it('converges when an interrupted deploy is run again', async () => {
    const run = new StageRun(canaryStage(deps), nativeConfig(), { now: Math.floor(Date.now() / MIN) * MIN - 2 * 60 * MIN });
    run.crashBeforeCheckpoint = (patch) => Boolean((patch[CANARY_STATE_KEY] as CanaryState | undefined)?.baseline);
    await expect(run.call()).rejects.toThrow('simulated crash');

    expect((await run.call()).status).toBe('RUNNING');

    expect(await autoScalingGroups(production.clients)).toEqual(['shop-prod-baseline-v000', 'shop-prod-canary-v000', 'shop-prod-v000']);
    expect(await cleanupCanary(run.state, deps)).toEqual({ destroyed: ['shop-prod-canary-v000', 'shop-prod-baseline-v000'], errors: [] });
    expect(await autoScalingGroups(production.clients)).toEqual(['shop-prod-v000']);
  });

  describe("Kayenta's scope-only form: existing server groups named by canaryConfig.scopes, no deployments", () => {
    /** A second group beside production, as a canary someone deployed with an earlier stage. */
    async function experimentGroup(): Promise<string> {
      const view = await cloudDriver(production.clients).describeServerGroup(production.serverGroup);
      const created = await createServerGroup(production.clients, {
        application: 'shop',
        stack: 'prod',
        detail: 'canary',
        imageId: production.canaryImage,
        instanceType: 't3.micro',
        securityGroups: ['web'],
        capacity: { min: 1, max: 1, desired: 1 },
        subnetIds: view!.subnetIds,
        metadata: { executionId: 'someone-else' },
      });
      return created.serverGroup;
    }
    const scopeOnly = (experiment: string, scope: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
      analysisType: 'realTime',
      canaryConfig: {
        lifetimeDuration: 'PT30M',
        beginCanaryAnalysisAfterMins: '5',
        canaryAnalysisIntervalMins: '10',
        scoreThresholds: { pass: '75', marginal: '50' },
        metricsDelaySeconds: 60,
        metrics: METRICS,
        scopes: [
          {
            scopeName: 'default',
            controlScope: production.serverGroup,
            controlLocation: 'us-east-1',
            experimentScope: experiment,
            experimentLocation: 'us-east-1',
            step: 60,
            extendedScopeParams: {},
            ...scope,
          },
        ],
      },
      ...extra,
    });
    async function publishFor(control: string, experiment: string, start: number, factor: number): Promise<void> {
      const [rb, rc] = [noise(11), noise(12)];
      await publish(control, 'Latency', start, 40, () => 100 + 5 * rb());
      await publish(experiment, 'Latency', start, 40, () => (100 + 5 * rc()) * factor);
      for (const [group, r] of [
        [control, noise(13)],
        [experiment, noise(14)],
      ] as const) {
        await publish(group, 'Requests', start, 40, () => 1000);
        await publish(group, 'Errors', start, 40, () => 5 + 2 * r());
      }
    }

    it('realTime: judges the named groups every interval after the warm-up, deploys and removes nothing', async () => {
      const experiment = await experimentGroup();
      const groups = await autoScalingGroups(production.clients);
      const run = new StageRun(canaryStage(deps, 'kayentaCanary'), scopeOnly(experiment), { now: Math.floor(Date.now() / MIN) * MIN - 2 * 60 * MIN });
      await publishFor(production.serverGroup, experiment, run.startTime + 5 * MIN, 1);

      const first = await run.call();
      // Nothing to deploy: the first call waits for the warm-up, the first interval and the metrics delay.
      expect(first).toMatchObject({ status: 'RUNNING', waitSeconds: (5 + 10 + 1) * 60 });
      expect((run.state[CANARY_STATE_KEY] as CanaryState).phase).toBe('analyzing');
      run.now += 16 * MIN;
      const result = await run.untilDone();

      expect(result.status).toBe('SUCCEEDED');
      expect((run.outputs.intervals as IntervalRecord[]).map((i) => [i.index, i.score, i.decision])).toEqual([
        [1, 100, 'continue'],
        [2, 100, 'continue'],
        [3, 100, 'pass'],
      ]);
      expect(run.outputs).toMatchObject({ overallResult: 'pass', controlServerGroup: production.serverGroup, experimentServerGroup: experiment });
      expect(run.outputs).not.toHaveProperty('canaryServerGroup');
      expect(await autoScalingGroups(production.clients)).toEqual(groups);
      // The cancel path has nothing of its own to remove either.
      expect(await cleanupCanary(run.state, deps)).toEqual({ destroyed: [], errors: [] });
      expect(await autoScalingGroups(production.clients)).toEqual(groups);
    });

    it('realTime: a worse experiment fails the stage at its first interval, and both groups stay', async () => {
      const experiment = await experimentGroup();
      const groups = await autoScalingGroups(production.clients);
      const run = new StageRun(canaryStage(deps, 'kayentaCanary'), scopeOnly(experiment), { now: Math.floor(Date.now() / MIN) * MIN - 2 * 60 * MIN });
      await publishFor(production.serverGroup, experiment, run.startTime + 5 * MIN, 1.3);

      const result = await run.untilDone();

      expect(result).toMatchObject({ status: 'FAILED', error: 'canary failed: interval 1 of 3 scored 50, at or below the marginal threshold 50' });
      expect((run.outputs.intervals as IntervalRecord[])[0]?.metrics.map((m) => [m.name, m.classification])).toEqual([
        ['latency', 'High'],
        ['errorRate', 'Pass'],
      ]);
      expect(await autoScalingGroups(production.clients)).toEqual(groups);
    });

    it('retrospective: judges the past time range of startTimeIso..endTimeIso at once, interval by interval', async () => {
      const experiment = await experimentGroup();
      const start = Math.floor(Date.now() / MIN) * MIN - 3 * 60 * MIN;
      await publishFor(production.serverGroup, experiment, start, 1);
      const config = scopeOnly(
        experiment,
        { startTimeIso: new Date(start).toISOString(), endTimeIso: new Date(start + 20 * MIN).toISOString() },
        { analysisType: 'retrospective' },
      );
      const run = new StageRun(canaryStage(deps, 'kayentaCanary'), config, { now: start + 3 * 60 * MIN });

      const result = await run.untilDone();

      expect(result.status).toBe('SUCCEEDED');
      // Two 10-minute intervals over the range, judged without waiting for real time.
      expect(run.now - run.startTime).toBeLessThanOrEqual(2_000);
      const intervals = run.outputs.intervals as IntervalRecord[];
      expect(intervals.map((i) => [i.index, i.start, i.end, i.decision])).toEqual([
        [1, new Date(start).toISOString(), new Date(start + 10 * MIN).toISOString(), 'continue'],
        [2, new Date(start).toISOString(), new Date(start + 20 * MIN).toISOString(), 'pass'],
      ]);
      expect(intervals[1]?.metrics[0]).toMatchObject({ controlPoints: 20, experimentPoints: 20 });
    });
  });

  it('fails without creating anything when the production cluster has no server group', async () => {
    const run = new StageRun(canaryStage(deps), { ...nativeConfig(), cluster: 'shop-staging' });
    expect(await run.call()).toMatchObject({
      status: 'FAILED',
      error: 'canary failed: cluster shop-staging has no enabled server group in us-east-1 to compare the canary with',
    });
    expect(await autoScalingGroups(production.clients)).toEqual(['shop-prod-v000']);
  });

  it('takes the groups down when CloudWatch keeps failing', async () => {
    const run = new StageRun(canaryStage(deps), nativeConfig(), { now: Math.floor(Date.now() / MIN) * MIN - 2 * 60 * MIN });
    await deployAndPublish(run, 1);
    injectFault<GetMetricDataCommandOutput>(awsClients.cloudwatchClient({ region: 'us-east-1' }), {
      command: 'GetMetricData',
      error: () => Object.assign(new Error('Access denied'), { name: 'AccessDenied', $fault: 'client' }),
      times: 100,
    });

    const result = await run.untilDone();

    expect(result).toMatchObject({ status: 'FAILED', error: 'canary failed: GetMetricData failed: AccessDenied: Access denied' });
    expect(await autoScalingGroups(production.clients)).toEqual(['shop-prod-v000']);
  });
});
