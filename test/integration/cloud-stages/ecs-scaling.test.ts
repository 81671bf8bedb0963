/**
 * copySourceScalingPoliciesAndActions on ECS deploys, against the emulator's Application Auto
 * Scaling: the new service gets the source's scalable target (with the new capacity's min/max),
 * scaling policies and scheduled actions under its own names; destroying a service removes them.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { CloudClients } from '../../../functions/core/cloud/index.js';
import { copiedName } from '../../../functions/core/ecs/scaling.js';
import { useLocalAws } from '../../support/local.js';
import { createEcsCluster, ecsDeployStage, ecsWorld, scalingWorld, seedScaling } from '../../support/cloud-stages/ecs-fixtures.js';
import { createNetwork } from '../../support/cloud-stages/fixtures.js';
import { freshStageClients, runStages, stageOf } from '../../support/cloud-stages/harness.js';

useLocalAws();
let clients: CloudClients;

beforeEach(async () => {
  clients = freshStageClients();
  await createEcsCluster(clients, await createNetwork(clients));
  const seed = await runStages({ stages: [ecsDeployStage()] }, { executionId: 'seed' });
  expect(stageOf(seed, '1').status, stageOf(seed, '1').error).toBe('SUCCEEDED');
  await seedScaling(clients, 'app-prod-v000');
});

const CPU =
  'TargetTrackingScaling {"TargetValue":50,"PredefinedMetricSpecification":{"PredefinedMetricType":"ECSServiceAverageCPUUtilization"},"ScaleOutCooldown":30,"ScaleInCooldown":60}';
const NIGHTLY = 'cron(0 2 * * ? *) {"MinCapacity":0,"MaxCapacity":2}';

describe('ECS deploys copying the source service’s scaling', () => {
  it('redblack: the new service gets a scalable target at the new capacity, the target tracking policy and the scheduled action', async () => {
    const run = await runStages({
      stages: [ecsDeployStage({ copySourceScalingPoliciesAndActions: true, capacity: { min: 2, max: 6, desired: 2 } })],
    });
    expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
    const world = await scalingWorld(clients);
    expect(world['service/apps/app-prod-v001']).toEqual({
      capacity: '2/6',
      policies: { 'app-prod-v001-cpu': CPU },
      actions: { 'nightly-app-prod-v001': NIGHTLY },
    });
    // The source keeps its own.
    expect(world['service/apps/app-prod-v000']).toEqual({ capacity: '1/4', policies: { 'app-prod-v000-cpu': CPU }, actions: { nightly: NIGHTLY } });
  });

  it('is Spinnaker’s default when the field is left out; false copies nothing', async () => {
    const entry = ecsDeployStage();
    delete ((entry.clusters as Record<string, unknown>[])[0] as Record<string, unknown>).copySourceScalingPoliciesAndActions;
    expect(stageOf(await runStages({ stages: [entry] }), '1').status).toBe('SUCCEEDED');
    expect((await scalingWorld(clients))['service/apps/app-prod-v001']?.policies).toEqual({ 'app-prod-v001-cpu': CPU });
    const off = await runStages({ stages: [ecsDeployStage({ copySourceScalingPoliciesAndActions: false })] }, { executionId: 'exec-2' });
    expect(stageOf(off, '1').status, stageOf(off, '1').error).toBe('SUCCEEDED');
    expect((await scalingWorld(clients))['service/apps/app-prod-v002']).toBeUndefined();
  });

  it('a second run of the same deploy leaves what the first copied (no duplicate policy)', async () => {
    const stages = [ecsDeployStage({ copySourceScalingPoliciesAndActions: true, strategy: 'none' })];
    expect(stageOf(await runStages({ stages }), '1').status).toBe('SUCCEEDED');
    const first = await scalingWorld(clients);
    expect(stageOf(await runStages({ stages }), '1').status).toBe('SUCCEEDED');
    expect(await scalingWorld(clients)).toEqual(first);
  });

  it('destroyServerGroup deregisters the service’s scalable target, its policies and scheduled actions with it', async () => {
    expect(stageOf(await runStages({ stages: [ecsDeployStage({ copySourceScalingPoliciesAndActions: true })] }), '1').status).toBe('SUCCEEDED');
    const destroy = await runStages(
      {
        stages: [
          {
            refId: '1',
            name: 'Destroy',
            type: 'destroyServerGroup',
            account: 'default',
            cluster: 'app-prod',
            regions: ['us-east-1'],
            cloudProvider: 'ecs',
            target: 'oldest_asg_dynamic',
          },
        ],
      },
      { executionId: 'destroy' },
    );
    expect(stageOf(destroy, '1').status, stageOf(destroy, '1').error).toBe('SUCCEEDED');
    expect(Object.keys((await ecsWorld(clients)).services)).toEqual(['app-prod-v001']);
    const left = await scalingWorld(clients);
    expect(left['service/apps/app-prod-v000'], JSON.stringify(left)).toBeUndefined();
    expect(Object.keys(left)).toEqual(['service/apps/app-prod-v001']);
  });

  it('names copies after the new service', () => {
    expect(copiedName('app-prod-v000-cpu', 'app-prod-v000', 'app-prod-v001')).toBe('app-prod-v001-cpu');
    expect(copiedName('nightly', 'app-prod-v000', 'app-prod-v001')).toBe('nightly-app-prod-v001');
  });
});
