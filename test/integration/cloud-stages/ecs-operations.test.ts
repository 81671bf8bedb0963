/**
 * The server group and cluster stages on ECS, through the provider seam: Deck's ECS stages (cloudProvider
 * ecs, no ECS cluster named: the one holding the cluster's services is found) against the emulator's ECS.
 */
import { CreateClusterCommand, DescribeServicesCommand, DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CloudClients } from '../../../functions/core/cloud/index.js';
import { checkPreconditionsStage } from '../../../functions/core/check-preconditions.js';
import { cloudEnv, cloudPreconditions } from '../../../functions/stages/cloud/index.js';
import { useLocalAws } from '../../support/local.js';
import { ECS_CLUSTER, createEcsCluster, ecsDeployStage, ecsWorld } from '../../support/cloud-stages/ecs-fixtures.js';
import { createNetwork, type Network } from '../../support/cloud-stages/fixtures.js';
import { freshStageClients, runStages, stageOf } from '../../support/cloud-stages/harness.js';

useLocalAws();
let clients: CloudClients;
let network: Network;

const REGISTRY = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const image = (tag: string) => ({ registry: REGISTRY, repository: 'app', tag, fromTrigger: false });
/** Deck's ECS stage location fields, as its ECS stages export them (no ECS cluster named). */
const onEcs = { credentials: 'default', cluster: 'app-prod', regions: ['us-east-1'], cloudProvider: 'ecs', interestingHealthProviderNames: ['ecs'] };

async function seed(count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    const run = await runStages({ stages: [ecsDeployStage({ imageDescription: image(`1.${i}.0`) })] }, { executionId: `seed-${i}` });
    expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
  }
}

async function run(stage: Record<string, unknown>, executionId = 'exec-1') {
  const result = await runStages({ stages: [{ refId: '1', name: 'Stage', ...stage }] }, { executionId });
  return stageOf(result, '1');
}

async function containerImage(service: string): Promise<string | undefined> {
  const found = (await clients.ecs.send(new DescribeServicesCommand({ cluster: ECS_CLUSTER, services: [service] }))).services![0]!;
  const td = (await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: found.taskDefinition! }))).taskDefinition!;
  return td.containerDefinitions![0]!.image;
}

beforeEach(async () => {
  clients = freshStageClients();
  network = await createNetwork(clients);
  await createEcsCluster(clients, network);
});

describe('server group stages on ECS', () => {
  it('disableServerGroup scales the service to 0 remembering its count; enableServerGroup brings that count back and waits for it', async () => {
    await seed(2);
    const disabled = await run({ type: 'disableServerGroup', ...onEcs, target: 'current_asg_dynamic' });
    expect(disabled.status, disabled.error).toBe('SUCCEEDED');
    expect(disabled.context.disabledServerGroups).toEqual(['app-prod-v001']);
    expect((await ecsWorld(clients)).services).toEqual({ 'app-prod-v000': 'disabled 0/0', 'app-prod-v001': 'disabled 0/0' });
    const enabled = await run({ type: 'enableServerGroup', ...onEcs, serverGroupName: 'app-prod-v000' }, 'exec-2');
    expect(enabled.status, enabled.error).toBe('SUCCEEDED');
    expect((await ecsWorld(clients)).services).toEqual({ 'app-prod-v000': 'enabled 2/2', 'app-prod-v001': 'disabled 0/0' });
  });

  it('a traffic guard refuses to disable the last enabled service', async () => {
    await seed(1);
    const stage = await run({
      type: 'disableServerGroup',
      ...onEcs,
      target: 'current_asg_dynamic',
      trafficGuards: [{ account: 'default', location: 'us-east-1', stack: 'prod', detail: '*', enabled: true }],
    });
    expect(stage.status).toBe('TERMINAL');
    expect(stage.error).toMatch(/app-prod-v000/);
    expect((await ecsWorld(clients)).services).toEqual({ 'app-prod-v000': 'enabled 2/2' });
  });

  it('resizeServerGroup scale_up and scale_exact (min/max kept in the service tag)', async () => {
    await seed(1);
    const up = await run({ type: 'resizeServerGroup', ...onEcs, target: 'current_asg_dynamic', action: 'scale_up', scaleNum: 2 });
    expect(up.status, up.error).toBe('SUCCEEDED');
    expect((await ecsWorld(clients)).services).toEqual({ 'app-prod-v000': 'enabled 4/4' });
    const exact = await run({ type: 'resizeServerGroup', ...onEcs, target: 'current_asg_dynamic', capacity: { min: 1, max: 6, desired: 5 } }, 'exec-2');
    expect(exact.status, exact.error).toBe('SUCCEEDED');
    const service = (await clients.ecs.send(new DescribeServicesCommand({ cluster: ECS_CLUSTER, services: ['app-prod-v000'], include: ['TAGS'] })))
      .services![0]!;
    expect(service.desiredCount).toBe(5);
    expect(service.tags).toContainEqual({ key: 'gennaker:min-max', value: '1/6' });
  });

  it('destroyServerGroup deletes the service and its task definition revision, and waits until it is gone', async () => {
    await seed(2);
    const stage = await run({ type: 'destroyServerGroup', ...onEcs, target: 'oldest_asg_dynamic' });
    expect(stage.status, stage.error).toBe('SUCCEEDED');
    expect(await ecsWorld(clients)).toEqual({ services: { 'app-prod-v001': 'enabled 2/2' }, taskDefinitions: { 'app-prod-v001': 1 } });
  });

  it('cloneServerGroup copies the service (task definition, network, target groups) with a new image and capacity', async () => {
    await seed(1);
    const stage = await run({
      type: 'cloneServerGroup',
      cloudProvider: 'ecs',
      source: { account: 'default', region: 'us-east-1', asgName: 'app-prod-v000' },
      imageDescription: image('2.0.0'),
      capacity: { desired: 1, min: 1 },
      tags: { owner: 'team' },
    });
    expect(stage.status, stage.error).toBe('SUCCEEDED');
    expect(stage.outputs['deploy.server.groups']).toEqual({ 'us-east-1': ['app-prod-v001'] });
    expect(await ecsWorld(clients)).toEqual({
      services: { 'app-prod-v000': 'enabled 2/2', 'app-prod-v001': 'enabled 1/1' },
      taskDefinitions: { 'app-prod-v000': 1, 'app-prod-v001': 1 },
    });
    const [source, clone] = (
      await clients.ecs.send(new DescribeServicesCommand({ cluster: ECS_CLUSTER, services: ['app-prod-v000', 'app-prod-v001'], include: ['TAGS'] }))
    ).services!;
    expect(clone!.loadBalancers).toEqual(source!.loadBalancers);
    expect(clone!.networkConfiguration).toEqual(source!.networkConfiguration);
    expect(clone!.launchType).toBe('FARGATE');
    expect(Object.fromEntries(clone!.tags!.map((t) => [t.key, t.value]))).toMatchObject({
      owner: 'team',
      'gennaker:replaces': 'app-prod-v000',
      'gennaker:min-max': '1/4',
    });
    expect(await containerImage('app-prod-v001')).toBe(`${REGISTRY}/app:2.0.0`);
    const td = (await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: clone!.taskDefinition! }))).taskDefinition!;
    expect(td).toMatchObject({ family: 'app-prod-v001', cpu: '256', memory: '512', requiresCompatibilities: ['FARGATE'] });
    expect(td.containerDefinitions![0]).toMatchObject({ name: 'web', environment: [{ name: 'PORT', value: '8080' }], portMappings: [{ containerPort: 8080 }] });
  });
});

describe('cluster stages on ECS', () => {
  it('disableCluster, scaleDownCluster and shrinkCluster keep the newest and act on the rest', async () => {
    await seed(1);
    // Two more enabled services beside v000 (clones, as the deploy would disable v000).
    for (const id of ['c1', 'c2']) {
      const clone = await run(
        {
          type: 'cloneServerGroup',
          cloudProvider: 'ecs',
          targetCluster: 'app-prod',
          target: 'current_asg_dynamic',
          credentials: 'default',
          region: 'us-east-1',
        },
        id,
      );
      expect(clone.status, clone.error).toBe('SUCCEEDED');
    }
    expect((await ecsWorld(clients)).services).toEqual({ 'app-prod-v000': 'enabled 2/2', 'app-prod-v001': 'enabled 2/2', 'app-prod-v002': 'enabled 2/2' });
    const disable = await run({ type: 'disableCluster', ...onEcs, remainingEnabledServerGroups: 1 }, 'exec-d');
    expect(disable.status, disable.error).toBe('SUCCEEDED');
    expect((await ecsWorld(clients)).services).toEqual({ 'app-prod-v000': 'disabled 0/0', 'app-prod-v001': 'disabled 0/0', 'app-prod-v002': 'enabled 2/2' });
    const scale = await run({ type: 'scaleDownCluster', ...onEcs, remainingFullSizeServerGroups: 2 }, 'exec-s');
    expect(scale.status, scale.error).toBe('SUCCEEDED');
    const tags = (await clients.ecs.send(new DescribeServicesCommand({ cluster: ECS_CLUSTER, services: ['app-prod-v000'], include: ['TAGS'] }))).services![0]!
      .tags;
    // Scaled down while disabled: it would come back at 0.
    expect(tags).toContainEqual({ key: 'gennaker:enabled-desired', value: '0' });
    const shrink = await run({ type: 'shrinkCluster', ...onEcs, shrinkToSize: 1 }, 'exec-k');
    expect(shrink.status, shrink.error).toBe('SUCCEEDED');
    expect(await ecsWorld(clients)).toEqual({ services: { 'app-prod-v002': 'enabled 2/2' }, taskDefinitions: { 'app-prod-v002': 1 } });
  });

  it('rollbackCluster goes back to the service the newest one replaced', async () => {
    await seed(2);
    const stage = await run({ type: 'rollbackCluster', ...onEcs });
    expect(stage.status, stage.error).toBe('SUCCEEDED');
    expect(stage.outputs.rollbacks).toEqual([
      { account: 'default', region: 'us-east-1', cluster: 'app-prod', serverGroup: 'app-prod-v000', rolledBack: 'app-prod-v001' },
    ]);
    expect((await ecsWorld(clients)).services).toEqual({ 'app-prod-v000': 'enabled 2/2', 'app-prod-v001': 'disabled 0/0' });
  });

  it('rollbackCluster after highlander clones the service with the previous image', async () => {
    await seed(1);
    const highlander = await runStages({ stages: [ecsDeployStage({ strategy: 'highlander', imageDescription: image('2.0.0') })] }, { executionId: 'seed-h' });
    expect(stageOf(highlander, '1').status).toBe('SUCCEEDED');
    const stage = await run({ type: 'rollbackCluster', ...onEcs });
    expect(stage.status, stage.error).toBe('SUCCEEDED');
    expect((await ecsWorld(clients)).services).toEqual({ 'app-prod-v001': 'disabled 0/0', 'app-prod-v002': 'enabled 2/2' });
    expect(await containerImage('app-prod-v002')).toBe(`${REGISTRY}/app:1.0.0`);
  });

  it('rollbackServerGroup EXPLICIT and PREVIOUS_IMAGE', async () => {
    await seed(2);
    const explicit = await run({
      type: 'rollbackServerGroup',
      ...onEcs,
      rollbackType: 'EXPLICIT',
      rollbackContext: { rollbackServerGroupName: 'app-prod-v001', restoreServerGroupName: 'app-prod-v000' },
    });
    expect(explicit.status, explicit.error).toBe('SUCCEEDED');
    expect((await ecsWorld(clients)).services).toEqual({ 'app-prod-v000': 'enabled 2/2', 'app-prod-v001': 'disabled 0/0' });
    const previous = await run(
      {
        type: 'rollbackServerGroup',
        ...onEcs,
        rollbackType: 'PREVIOUS_IMAGE',
        rollbackContext: { rollbackServerGroupName: 'app-prod-v000', imageId: `${REGISTRY}/app:0.9.0` },
      },
      'exec-2',
    );
    expect(previous.status, previous.error).toBe('SUCCEEDED');
    expect((await ecsWorld(clients)).services).toEqual({ 'app-prod-v000': 'disabled 0/0', 'app-prod-v001': 'disabled 0/0', 'app-prod-v002': 'enabled 2/2' });
    expect(await containerImage('app-prod-v002')).toBe(`${REGISTRY}/app:0.9.0`);
  });

  it('findImage reports the container image the cluster runs', async () => {
    await seed(2);
    const stage = await run({ type: 'findImage', ...onEcs, selectionStrategy: 'NEWEST', onlyEnabled: true });
    expect(stage.status, stage.error).toBe('SUCCEEDED');
    expect(stage.outputs.deploymentDetails).toEqual([
      {
        imageId: `${REGISTRY}/app:1.1.0`,
        imageName: `${REGISTRY}/app:1.1.0`,
        region: 'us-east-1',
        cloudProvider: 'ecs',
        serverGroup: 'app-prod-v001',
        version: '1.1.0',
      },
    ]);
  });

  it('the clusterSize precondition counts ECS services', async () => {
    await seed(2);
    const check = (comparison: string, expected: number) => ({
      refId: '1',
      name: 'Check',
      type: 'checkPreconditions',
      preconditions: [{ type: 'clusterSize', context: { ...onEcs, comparison, expected, onlyEnabledServerGroups: true } }],
    });
    const extra = [checkPreconditionsStage(cloudPreconditions(cloudEnv()))];
    const passed = await runStages({ stages: [check('==', 1)] }, { extra });
    expect(stageOf(passed, '1').status, stageOf(passed, '1').error).toBe('SUCCEEDED');
    const failed = await runStages({ stages: [check('>', 1)] }, { extra, executionId: 'exec-2' });
    expect(stageOf(failed, '1').error).toBe('clusterSize: cluster app-prod (default) enabled server groups > 1 does not hold: us-east-1 has 1');
  });
});

describe('ECS operation stages: bad input', () => {
  it('an ECS cluster that does not exist is named, nothing changes', async () => {
    await seed(1);
    const stage = await run({ type: 'disableServerGroup', ...onEcs, ecsClusterName: 'nope', target: 'current_asg_dynamic' });
    expect(stage.status).toBe('TERMINAL');
    expect(stage.error).toMatch(/ECS cluster nope not found in us-east-1/);
    expect((await ecsWorld(clients)).services).toEqual({ 'app-prod-v000': 'enabled 2/2' });
  });

  it('a cluster whose services run in two ECS clusters needs ecsClusterName', async () => {
    await seed(1);
    await clients.ecs.send(new CreateClusterCommand({ clusterName: 'other' }));
    const other = await runStages({ stages: [ecsDeployStage({ ecsClusterName: 'other', strategy: '' })] }, { executionId: 'seed-other' });
    expect(stageOf(other, '1').status, stageOf(other, '1').error).toBe('SUCCEEDED');
    const stage = await run({ type: 'disableServerGroup', ...onEcs, target: 'current_asg_dynamic' });
    expect(stage.error).toMatch(/ecsClusterName: required: cluster app-prod has services in 2 ECS clusters of us-east-1 \(apps, other\)/);
    const named = await run({ type: 'disableServerGroup', ...onEcs, ecsClusterName: 'other', target: 'current_asg_dynamic' }, 'exec-2');
    expect(named.status, named.error).toBe('SUCCEEDED');
    expect((await ecsWorld(clients)).services).toEqual({ 'app-prod-v000': 'enabled 2/2' });
  });

  it('EC2 launch settings on an ECS clone are named as unsupported', async () => {
    await expect(
      runStages({
        stages: [{ refId: '1', name: 'Clone', type: 'cloneServerGroup', cloudProvider: 'ecs', source: { asgName: 'app-prod-v000' }, instanceType: 'm5.large' }],
      }),
    ).rejects.toThrow(/instanceType: not supported for ECS clones/);
  });
});
