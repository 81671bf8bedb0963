/**
 * Progressive deploys on ECS, against the emulator: the new service serves from its own canary
 * target group while the listener's routes (default action and rules) forward weighted between it
 * and the cluster's target group; each step holds (pauseSec) or waits for a promote, checking the
 * rollback alarms; the end state is red/black's, with the canary target group gone.
 */
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeServerGroup, type CloudClients } from '../../../functions/core/cloud/index.js';
import { ExecutionStore } from '../../../functions/core/execution-store.js';
import { promotionOf, submitPromote } from '../../../functions/core/promote.js';
import { systemClock } from '../../../functions/core/stage-api.js';
import { removeAllFaults } from '../../support/faults.js';
import { useLocalAws } from '../../support/local.js';
import { ECS_CLUSTER, appImage, createEcsCluster, ecsDeployStage, ecsWorld, seedEcs } from '../../support/cloud-stages/ecs-fixtures.js';
import { createNetwork, deployStage, seedCluster, type Network } from '../../support/cloud-stages/fixtures.js';
import { world } from '../../support/cloud-stages/world.js';
import { freshStageClients, runStages, stageOf } from '../../support/cloud-stages/harness.js';
import { createListener, trafficWorld } from '../../support/cloud-stages/traffic-fixtures.js';
import { putAlarm, setAlarmState } from '../../../local/alarms.js';

useLocalAws();
let clients: CloudClients;
let network: Network;
let targetGroupArn: string;

const STEPS = [{ weight: 10, pauseSec: 120 }, { weight: 50, pauseSec: 120 }, { weight: 100 }];

async function loadBalancersOf(service: string): Promise<string[]> {
  const s = (await clients.ecs.send(new DescribeServicesCommand({ cluster: ECS_CLUSTER, services: [service] }))).services![0]!;
  return (s.loadBalancers ?? []).map((l) => /:targetgroup\/([^/]+)\//.exec(l.targetGroupArn!)![1]!.replace(/^gk-canary-.*/, 'gk-canary'));
}

beforeEach(async () => {
  clients = freshStageClients();
  network = await createNetwork(clients);
});
afterEach(() => removeAllFaults());

describe('EC2 progressive deploys', () => {
  it('the new Auto Scaling group serves from its canary target group while traffic shifts, then from the cluster target group alone', async () => {
    await seedCluster(clients, network, 1);
    await createListener(clients, network, network.targetGroupArn);
    const seen: string[] = [];
    const run = await runStages(
      { stages: [deployStage(network, { strategy: 'progressive', trafficSteps: [{ weight: 25, pauseSec: 60 }, { weight: 100 }], bakeTimeSec: 120 })] },
      {
        beforeCall: async () => {
          const { routes } = await trafficWorld(clients);
          if (seen[seen.length - 1] !== routes.default) seen.push(routes.default!);
        },
      },
    );
    const stage = stageOf(run, '1');
    expect(stage.status, stage.error).toBe('SUCCEEDED');
    expect(seen).toEqual(['app-web', 'app-web=75 canary=25', 'app-web=0 canary=100']);
    // No rollback alarms to read: each hold (the 60 s step, the 120 s bake) is one wait to its end, not a poll every 30 s.
    expect(run.calls['1']).toBe(3);
    expect(await trafficWorld(clients)).toEqual({ routes: { default: 'app-web', 'rule 10': 'app-web' }, targetGroups: ['app-api', 'app-web'] });
    const groups = (await world(clients)).groups;
    expect(Object.keys(groups)).toEqual(['app-prod-v000', 'app-prod-v001']);
    expect(groups['app-prod-v000']).toMatch(/^disabled/);
    expect(groups['app-prod-v001']).toMatch(/^enabled/);
    const v001 = await describeServerGroup(clients, 'app-prod-v001', { launchTemplates: false });
    expect([v001!.targetGroupArns, v001!.recordedTargetGroupArns]).toEqual([[network.targetGroupArn], [network.targetGroupArn]]);
  });
});

describe('ECS progressive deploys', () => {
  beforeEach(async () => {
    ({ targetGroupArn } = await createEcsCluster(clients, network));
    await seedEcs(clients, network);
  });

  it('shifts 10 → 50 → 100 on the listener default action and rule, then ends as red/black with the canary target group gone', async () => {
    await createListener(clients, network, targetGroupArn);
    const seen: string[] = [];
    const run = await runStages(
      { stages: [ecsDeployStage({ strategy: 'progressive', trafficSteps: STEPS, imageDescription: appImage('1.1.0'), scaleDown: true })] },
      {
        beforeCall: async () => {
          const { routes } = await trafficWorld(clients);
          if (seen[seen.length - 1] !== routes['rule 10']) seen.push(routes['rule 10']!);
        },
      },
    );
    const stage = stageOf(run, '1');
    expect(stage.status, stage.error).toBe('SUCCEEDED');
    // What the listener's rule forwarded to whenever the stage waited (its pauses).
    expect(seen).toEqual(['app-ecs', 'app-ecs=90 canary=10', 'app-ecs=50 canary=50']);
    expect(await trafficWorld(clients)).toEqual({ routes: { default: 'app-ecs', 'rule 10': 'app-ecs' }, targetGroups: ['app-api', 'app-ecs', 'app-web'] });
    expect((await ecsWorld(clients)).services).toEqual({ 'app-prod-v000': 'disabled 0/0', 'app-prod-v001': 'enabled 2/2' });
    expect(await loadBalancersOf('app-prod-v001')).toEqual(['app-ecs']);
    // Each pause was waited out on the stage clock: two pauses of 120 s.
    expect(run.clock.now() - Date.parse('2030-01-01T00:00:00Z')).toBeGreaterThanOrEqual(240_000);
  });

  it('an alarm in ALARM at 50% moves all traffic back to the old service at once; the new one is destroyed (destroyOnFailure)', async () => {
    await createListener(clients, network, targetGroupArn);
    await putAlarm(clients.cloudwatch, 'app-5xx');
    const run = await runStages(
      {
        stages: [
          ecsDeployStage({
            strategy: 'progressive',
            trafficSteps: STEPS,
            rollbackAlarms: ['app-5xx'],
            rollback: { destroyOnFailure: true },
            imageDescription: appImage('1.1.0'),
          }),
        ],
      },
      {
        beforeCall: async () => {
          const { routes } = await trafficWorld(clients);
          if (routes['rule 10'] === 'app-ecs=50 canary=50') await setAlarmState(clients.cloudwatch, 'app-5xx', 'ALARM', '5xx over 1');
        },
      },
    );
    const stage = stageOf(run, '1');
    expect(stage.status).toBe('TERMINAL');
    expect(stage.error).toContain('rollbackAlarms: alarm app-5xx is in ALARM (5xx over 1) at 50% on app-prod-v001');
    expect(await trafficWorld(clients)).toEqual({ routes: { default: 'app-ecs', 'rule 10': 'app-ecs' }, targetGroups: ['app-api', 'app-ecs', 'app-web'] });
    expect(await ecsWorld(clients)).toEqual({ services: { 'app-prod-v000': 'enabled 2/2' }, taskDefinitions: { 'app-prod-v000': 1 } });
  });

  it('a step without pauseSec waits for a promote; the weight holds until then', async () => {
    await createListener(clients, network, targetGroupArn, { rules: false });
    const store = new ExecutionStore();
    let promotedAt: string | undefined;
    const run = await runStages(
      { stages: [ecsDeployStage({ strategy: 'progressive', trafficSteps: [{ weight: 20 }, { weight: 100 }], imageDescription: appImage('1.1.0') })] },
      {
        beforeCall: async (_refId, call) => {
          if (promotedAt) return;
          const stage = (await store.load('exec-1')).stages.find((s) => s.refId === '1')!;
          if (promotionOf(stage.context).awaiting && call > 5) {
            promotedAt = (await trafficWorld(clients)).routes.default;
            await submitPromote({ executionId: 'exec-1', user: 'alice' }, { store, clock: systemClock, resume: async () => undefined });
          }
        },
      },
    );
    const stage = stageOf(run, '1');
    expect(stage.status, stage.error).toBe('SUCCEEDED');
    expect(promotedAt).toBe('app-ecs=80 canary=20');
    expect(promotionOf(stage.context)).toMatchObject({ promoted: [0], by: 'alice' });
    expect(await trafficWorld(clients)).toEqual({ routes: { default: 'app-ecs' }, targetGroups: ['app-api', 'app-ecs', 'app-web'] });
  });

  it('refuses a cluster whose target group no listener forwards to, before anything is created', async () => {
    const other = await createListener(clients, network, network.targetGroupArn, { rules: false });
    void other;
    const run = await runStages({ stages: [ecsDeployStage({ strategy: 'progressive', trafficSteps: STEPS, imageDescription: appImage('1.1.0') })] });
    const stage = stageOf(run, '1');
    expect(stage.status).toBe('TERMINAL');
    expect(stage.error).toContain('target group app-ecs: no listener rule forwards to it');
    expect((await ecsWorld(clients)).services).toEqual({ 'app-prod-v000': 'enabled 2/2' });
    expect((await trafficWorld(clients)).targetGroups).toEqual(['app-api', 'app-ecs', 'app-web']);
  });
});
