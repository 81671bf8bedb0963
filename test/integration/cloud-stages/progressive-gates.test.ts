/**
 * The gates of a progressive ECS deploy, against the emulator: a step's `analysis` (the canary judge
 * on the two services' CloudWatch metrics over the time the step held its weight), the rollback
 * alarms during `bakeTimeSec` at 100%, and the rollback alarms while a step waits for a promote
 * (read at every call: with a task token the stage polls instead of parking on it). A failed gate
 * moves all traffic back to the old service at once and ends the stage TERMINAL naming it.
 */
import { PutMetricDataCommand, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CloudClients } from '../../../functions/core/cloud/index.js';
import { ExecutionStore } from '../../../functions/core/execution-store.js';
import { promotionOf, submitPromote } from '../../../functions/core/promote.js';
import { systemClock } from '../../../functions/core/stage-api.js';
import { noise } from '../canary/fixtures.js';
import { countCalls, removeAllFaults } from '../../support/faults.js';
import { useLocalAws } from '../../support/local.js';
import { appImage, createEcsCluster, ecsDeployStage, ecsWorld, seedEcs } from '../../support/cloud-stages/ecs-fixtures.js';
import { createNetwork } from '../../support/cloud-stages/fixtures.js';
import { freshStageClients, runStages, stageOf } from '../../support/cloud-stages/harness.js';
import { trafficWorld } from '../../support/cloud-stages/traffic-fixtures.js';
import { putAlarm, setAlarmState } from '../../../local/alarms.js';

useLocalAws();
let clients: CloudClients;

/** The harness clock's start: every run's stage time begins here. */
const START = Date.parse('2030-01-01T00:00:00Z');
const RESTORED = { routes: { default: 'app-ecs', 'rule 10': 'app-ecs' }, targetGroups: ['app-api', 'app-ecs', 'app-web'] };

/** Latency per minute for a service over two hours of stage time: `level` ms with ±10% noise. */
async function publishLatency(service: string, level: number, seed: number): Promise<void> {
  const jitter = noise(seed);
  const data: MetricDatum[] = Array.from({ length: 120 }, (_, m) => ({
    MetricName: 'Latency',
    Dimensions: [{ Name: 'ServiceName', Value: service }],
    Timestamp: new Date(START + m * 60_000 + 1_000),
    Value: level * (1 + 0.1 * jitter()),
  }));
  for (let i = 0; i < data.length; i += 20) await clients.cloudwatch.send(new PutMetricDataCommand({ Namespace: 'App', MetricData: data.slice(i, i + 20) }));
}

const ANALYSIS = {
  metrics: [{ name: 'latency', namespace: 'App', metricName: 'Latency', statistic: 'Average', direction: 'increase' }],
  scoreThresholds: { pass: 75, marginal: 50 },
  periodSeconds: 60,
};
const analysedSteps = [{ weight: 20, pauseSec: 900, analysis: ANALYSIS }, { weight: 100 }];

beforeEach(async () => {
  clients = freshStageClients();
  const network = await createNetwork(clients);
  await createEcsCluster(clients, network);
  await seedEcs(clients, network, { listener: true });
});
afterEach(() => removeAllFaults());

/** What the listener's rule forwards to, each time it changed, as the stage calls go. */
function routeLog(): { seen: string[]; beforeCall: () => Promise<void> } {
  const seen: string[] = [];
  return {
    seen,
    beforeCall: async () => {
      const route = (await trafficWorld(clients)).routes['rule 10']!;
      if (seen[seen.length - 1] !== route) seen.push(route);
    },
  };
}

describe('per-step analysis', () => {
  it('GIVEN the new service’s latency like the old one’s WHEN the step’s hold ends THEN the analysis passes and traffic goes on to 100%', async () => {
    await publishLatency('app-prod-v000', 100, 1);
    await publishLatency('app-prod-v001', 100, 2);
    const metricReads = countCalls(clients.cloudwatch);
    const log = routeLog();
    const run = await runStages(
      { stages: [ecsDeployStage({ strategy: 'progressive', trafficSteps: analysedSteps, imageDescription: appImage('1.1.0') })] },
      { beforeCall: log.beforeCall },
    );
    const stage = stageOf(run, '1');
    expect(stage.status, stage.error).toBe('SUCCEEDED');
    expect(log.seen).toEqual(['app-ecs', 'app-ecs=80 canary=20']);
    // Judged once, when the 900 s hold ended: one GetMetricData window for both services.
    expect(metricReads.counts().GetMetricData).toBeGreaterThanOrEqual(1);
    metricReads.remove();
    expect(run.clock.now() - START).toBeGreaterThanOrEqual(900_000);
    expect(await trafficWorld(clients)).toEqual(RESTORED);
    expect((await ecsWorld(clients)).services).toEqual({ 'app-prod-v000': 'disabled 0/0', 'app-prod-v001': 'enabled 2/2' });
  }, 180_000);

  it('GIVEN the new service three times slower WHEN the step’s hold ends THEN traffic goes back to the old service at once, the new one is disabled, and the stage names the analysis', async () => {
    await publishLatency('app-prod-v000', 100, 1);
    await publishLatency('app-prod-v001', 300, 2);
    const log = routeLog();
    const run = await runStages(
      { stages: [ecsDeployStage({ strategy: 'progressive', trafficSteps: analysedSteps, imageDescription: appImage('1.1.0') })] },
      { beforeCall: log.beforeCall },
    );
    const stage = stageOf(run, '1');
    expect(stage.status).toBe('TERMINAL');
    expect(stage.error).toMatch(/trafficSteps\[0\]\.analysis: canary analysis scored 0 \(pass is 75\); latency: High at 20% on app-prod-v001/);
    // Never past 20%, and the listener forwards to the old service's target group alone again.
    expect(log.seen).toEqual(['app-ecs', 'app-ecs=80 canary=20']);
    expect(await trafficWorld(clients)).toEqual(RESTORED);
    expect((await ecsWorld(clients)).services).toEqual({ 'app-prod-v000': 'enabled 2/2', 'app-prod-v001': 'disabled 0/0' });
  }, 180_000);
});

describe('rollback alarms', () => {
  it('GIVEN bakeTimeSec after 100% WHEN an alarm goes into ALARM during the bake THEN traffic goes back to the old service', async () => {
    await putAlarm(clients.cloudwatch, 'app-5xx');
    const log = routeLog();
    const run = await runStages(
      {
        stages: [
          ecsDeployStage({
            strategy: 'progressive',
            trafficSteps: [{ weight: 50, pauseSec: 60 }, { weight: 100 }],
            bakeTimeSec: 600,
            rollbackAlarms: ['app-5xx'],
            imageDescription: appImage('1.1.0'),
          }),
        ],
      },
      {
        beforeCall: async () => {
          await log.beforeCall();
          if (log.seen.at(-1) === 'app-ecs=0 canary=100') await setAlarmState(clients.cloudwatch, 'app-5xx', 'ALARM', 'baking went bad');
        },
      },
    );
    const stage = stageOf(run, '1');
    expect(stage.status).toBe('TERMINAL');
    expect(stage.error).toContain('rollbackAlarms: alarm app-5xx is in ALARM (baking went bad) at 100% on app-prod-v001');
    expect(log.seen).toEqual(['app-ecs', 'app-ecs=50 canary=50', 'app-ecs=0 canary=100']);
    expect(await trafficWorld(clients)).toEqual(RESTORED);
    expect((await ecsWorld(clients)).services).toEqual({ 'app-prod-v000': 'enabled 2/2', 'app-prod-v001': 'disabled 0/0' });
  }, 180_000);

  it('GIVEN a step waiting for a promote on a task token WHEN an alarm goes into ALARM meanwhile THEN it rolls back with no promote (the stage polls its alarms, never parks on the token)', async () => {
    await putAlarm(clients.cloudwatch, 'app-5xx');
    const store = new ExecutionStore();
    let waitingCalls = 0;
    const run = await runStages(
      {
        stages: [
          ecsDeployStage({
            strategy: 'progressive',
            trafficSteps: [{ weight: 20 }, { weight: 100 }],
            rollbackAlarms: ['app-5xx'],
            imageDescription: appImage('1.1.0'),
          }),
        ],
      },
      {
        taskToken: 'token-1',
        beforeCall: async () => {
          const stage = (await store.load('exec-1')).stages.find((s) => s.refId === '1')!;
          expect(stage.callbackToken).toBeUndefined();
          if (!promotionOf(stage.context).awaiting) return;
          waitingCalls += 1;
          if (waitingCalls === 3) await setAlarmState(clients.cloudwatch, 'app-5xx', 'ALARM', 'errors');
        },
      },
    );
    const stage = stageOf(run, '1');
    expect(stage.status).toBe('TERMINAL');
    expect(stage.error).toContain('rollbackAlarms: alarm app-5xx is in ALARM (errors) at 20% on app-prod-v001');
    expect(promotionOf(stage.context).promoted).toEqual([]);
    // Polled at the gate interval while waiting: two quiet calls, then the one that found the alarm.
    expect(waitingCalls).toBe(3);
    expect(await trafficWorld(clients)).toEqual(RESTORED);
    expect((await ecsWorld(clients)).services).toEqual({ 'app-prod-v000': 'enabled 2/2', 'app-prod-v001': 'disabled 0/0' });
  }, 180_000);

  it('GIVEN a step waiting for a promote on a task token and no alarms WHEN it waits THEN it parks on the token until promoted', async () => {
    const store = new ExecutionStore();
    let parked: string | undefined;
    const run = await runStages(
      { stages: [ecsDeployStage({ strategy: 'progressive', trafficSteps: [{ weight: 20 }, { weight: 100 }], imageDescription: appImage('1.1.0') })] },
      {
        taskToken: 'token-1',
        beforeCall: async () => {
          const stage = (await store.load('exec-1')).stages.find((s) => s.refId === '1')!;
          if (!promotionOf(stage.context).awaiting || parked) return;
          parked = stage.callbackToken;
          await submitPromote({ executionId: 'exec-1', user: 'alice' }, { store, clock: systemClock, resume: async () => undefined });
        },
      },
    );
    expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
    expect(parked).toBe('token-1');
  }, 180_000);
});
