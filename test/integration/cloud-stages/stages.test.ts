/**
 * The other cloud stages against the emulator: cluster stages (disable, scale down, shrink), clone,
 * rollbacks, images (findImage, findImageFromTags, tagImage) and the clusterSize precondition.
 */
import { RegisterImageCommand } from '@aws-sdk/client-ec2';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  describeImage,
  describeServerGroup,
  destroyServerGroup,
  disableServerGroup,
  tagImage,
  type CloudClients,
} from '../../../functions/core/cloud/index.js';
import { useLocalAws } from '../../support/local.js';
import { createNetwork, deployStage, seedCluster, type Network } from '../../support/cloud-stages/fixtures.js';
import { freshStageClients, runStages, stageOf } from '../../support/cloud-stages/harness.js';
import { world } from '../../support/cloud-stages/world.js';
import { checkPreconditionsStage } from '../../../functions/core/check-preconditions.js';
import { cloudEnv, cloudPreconditions } from '../../../functions/stages/cloud/index.js';

useLocalAws();
let clients: CloudClients;
let network: Network;

beforeEach(async () => {
  clients = freshStageClients();
  network = await createNetwork(clients);
});

const on = { account: 'default', cluster: 'app-prod', regions: ['us-east-1'], cloudProvider: 'aws' };
const stage = (raw: Record<string, unknown>) => ({ stages: [{ refId: '1', name: 'Stage', ...raw }] });
const groups = async () => (await world(clients, { images: false })).groups;

describe('cluster stages', () => {
  beforeEach(async () => {
    await seedCluster(clients, network, 3);
  });

  it('disableCluster keeps the newest enabled group', async () => {
    const run = await runStages(stage({ type: 'disableCluster', ...on }));
    expect(stageOf(run, '1').status).toBe('SUCCEEDED');
    expect(await groups()).toEqual({
      'app-prod-v000': 'disabled 1/2/3 2 instances',
      'app-prod-v001': 'disabled 1/2/3 2 instances',
      'app-prod-v002': 'enabled 1/2/3 2 instances',
    });
  });

  it('scaleDownCluster scales disabled groups beyond the newest to 0', async () => {
    await disableServerGroup(clients, 'app-prod-v000');
    const run = await runStages(stage({ type: 'scaleDownCluster', ...on, remainingFullSizeServerGroups: 1 }));
    expect(stageOf(run, '1').status).toBe('SUCCEEDED');
    expect(await groups()).toMatchObject({ 'app-prod-v000': 'disabled 0/0/0 0 instances', 'app-prod-v001': 'enabled 1/2/3 2 instances' });
  });

  it('shrinkCluster destroys disabled groups beyond shrinkToSize (active ones only with allowDeleteActive)', async () => {
    await disableServerGroup(clients, 'app-prod-v000');
    const run = await runStages(stage({ type: 'shrinkCluster', ...on, shrinkToSize: 1 }));
    expect(stageOf(run, '1').status).toBe('SUCCEEDED');
    expect(Object.keys(await groups())).toEqual(['app-prod-v001', 'app-prod-v002']);
    await runStages(stage({ type: 'shrinkCluster', ...on, shrinkToSize: 1, allowDeleteActive: true }), { executionId: 'exec-2' });
    expect(Object.keys(await groups())).toEqual(['app-prod-v002']);
  });
});

describe('clone and rollbacks', () => {
  it('cloneServerGroup copies the current group with changes, and waits for it', async () => {
    await seedCluster(clients, network, 1);
    const run = await runStages(
      stage({
        type: 'cloneServerGroup',
        account: 'default',
        region: 'us-east-1',
        targetCluster: 'app-prod',
        target: 'current_asg_dynamic',
        capacity: { desired: 3 },
        instanceType: 't3.small',
      }),
    );
    expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
    expect(stageOf(run, '1').outputs['deploy.server.groups']).toEqual({ 'us-east-1': ['app-prod-v001'] });
    expect((await groups())['app-prod-v001']).toBe('enabled 1/3/3 3 instances');
    expect((await describeServerGroup(clients, 'app-prod-v001'))?.instanceType).toBe('t3.small');
  });

  it('rollbackCluster goes back to the group the current one replaced', async () => {
    await seedCluster(clients, network, 1);
    await runStages({ stages: [deployStage(network, { scaleDown: true })] });
    expect(await groups()).toEqual({ 'app-prod-v000': 'disabled 0/0/0 0 instances', 'app-prod-v001': 'enabled 1/2/3 2 instances' });
    const run = await runStages(stage({ type: 'rollbackCluster', ...on }), { executionId: 'exec-2' });
    expect(stageOf(run, '1').status).toBe('SUCCEEDED');
    expect(stageOf(run, '1').outputs.rollbacks).toEqual([
      { account: 'default', region: 'us-east-1', cluster: 'app-prod', serverGroup: 'app-prod-v000', rolledBack: 'app-prod-v001' },
    ]);
    expect(await groups()).toEqual({ 'app-prod-v000': 'enabled 1/2/3 2 instances', 'app-prod-v001': 'disabled 1/2/3 2 instances' });
  });

  it('rollbackCluster goes back to the previous image when the previous group is gone (after highlander)', async () => {
    await seedCluster(clients, network, 1);
    await runStages({ stages: [deployStage(network, { strategy: 'highlander' })] });
    const run = await runStages(stage({ type: 'rollbackCluster', ...on }), { executionId: 'exec-2' });
    expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
    expect(await groups()).toEqual({ 'app-prod-v001': 'disabled 1/2/3 2 instances', 'app-prod-v002': 'enabled 1/2/3 2 instances' });
    expect((await describeServerGroup(clients, 'app-prod-v002'))?.imageId).toBe(network.imageId);
  });

  it('rollbackServerGroup (explicit) restores the named group at the capacity of the one rolled back', async () => {
    await seedCluster(clients, network, 1, { capacity: { min: 0, max: 1, desired: 1 } });
    await seedCluster(clients, network, 1, { capacity: { min: 2, max: 4, desired: 3 } });
    await disableServerGroup(clients, 'app-prod-v000');
    const run = await runStages(
      stage({
        type: 'rollbackServerGroup',
        account: 'default',
        region: 'us-east-1',
        rollbackType: 'EXPLICIT',
        rollbackContext: { rollbackServerGroupName: 'app-prod-v001', restoreServerGroupName: 'app-prod-v000' },
      }),
    );
    expect(stageOf(run, '1').status).toBe('SUCCEEDED');
    expect(await groups()).toEqual({ 'app-prod-v000': 'enabled 2/3/4 3 instances', 'app-prod-v001': 'disabled 2/3/4 3 instances' });
  });

  it('rollbackServerGroup (PREVIOUS_IMAGE) clones with the image given', async () => {
    await seedCluster(clients, network, 1, { imageId: network.otherImageId });
    const run = await runStages(
      stage({
        type: 'rollbackServerGroup',
        account: 'default',
        region: 'us-east-1',
        rollbackType: 'PREVIOUS_IMAGE',
        rollbackContext: { rollbackServerGroupName: 'app-prod-v000', imageId: network.imageId },
      }),
    );
    expect(stageOf(run, '1').status).toBe('SUCCEEDED');
    expect(await groups()).toEqual({ 'app-prod-v000': 'disabled 1/2/3 2 instances', 'app-prod-v001': 'enabled 1/2/3 2 instances' });
  });
});

describe('images', () => {
  it('findImage picks by selectionStrategy, and a deploy downstream uses what it found', async () => {
    await seedCluster(clients, network, 1, { imageId: network.imageId });
    await seedCluster(clients, network, 1, { imageId: network.otherImageId, capacity: { min: 1, max: 5, desired: 4 } });
    const run = await runStages({
      stages: [
        { refId: 'find', name: 'Find', type: 'findImage', ...on, selectionStrategy: 'OLDEST' },
        {
          refId: '1',
          name: 'Deploy',
          type: 'deploy',
          requisiteStageRefIds: ['find'],
          clusters: [
            {
              account: 'default',
              application: 'app',
              stack: 'canary',
              availabilityZones: { 'us-east-1': ['us-east-1a'] },
              subnetType: 'internal',
              instanceType: 't3.micro',
              capacity: { min: 1, max: 1, desired: 1 },
              strategy: 'highlander',
            },
          ],
        },
      ],
    });
    expect(stageOf(run, 'find').outputs.deploymentDetails).toMatchObject([{ imageId: network.imageId, region: 'us-east-1', serverGroup: 'app-prod-v000' }]);
    expect(stageOf(run, '1').status).toBe('SUCCEEDED');
    expect((await describeServerGroup(clients, 'app-canary-v000'))?.imageId).toBe(network.imageId);
    const largest = await runStages(stage({ type: 'findImage', ...on, selectionStrategy: 'LARGEST' }), { executionId: 'exec-2' });
    expect(stageOf(largest, '1').outputs.deploymentDetails).toMatchObject([{ imageId: network.otherImageId }]);
    const fail = await runStages(stage({ type: 'findImage', ...on, selectionStrategy: 'FAIL' }), { executionId: 'exec-3' });
    expect(stageOf(fail, '1').error).toMatch(/runs 2 images .*selectionStrategy FAIL wants exactly one/);
  });

  it('findImageFromTags finds the newest image with the tags; tagImage tags what upstream found', async () => {
    // Images of the account itself (moto's built-in ones belong to others).
    const register = async (name: string) =>
      (await clients.ec2.send(new RegisterImageCommand({ Name: name, RootDeviceName: '/dev/xvda', Architecture: 'x86_64', VirtualizationType: 'hvm' })))
        .ImageId!;
    const older = await register('app-1.0.0');
    await tagImage(clients, older, { team: 'web', release: 'no' });
    const imageId = await register('app-1.1.0');
    await tagImage(clients, imageId, { team: 'web', release: 'yes' });
    const run = await runStages({
      stages: [
        { refId: 'find', name: 'Find', type: 'findImageFromTags', tags: { team: 'web', release: 'yes' }, regions: ['us-east-1'], cloudProvider: 'aws' },
        { refId: 'tag', name: 'Tag', type: 'tagImage', tags: { promoted: 'prod' }, requisiteStageRefIds: ['find'] },
      ],
    });
    expect(stageOf(run, 'find').outputs.deploymentDetails).toMatchObject([{ imageId, imageName: 'app-1.1.0' }]);
    expect(stageOf(run, 'tag').status).toBe('SUCCEEDED');
    expect((await describeImage(clients, imageId)).tags).toMatchObject({ promoted: 'prod', team: 'web' });
    expect((await describeImage(clients, older)).tags).not.toHaveProperty('promoted');
    const none = await runStages(stage({ type: 'findImageFromTags', tags: { team: 'nobody' }, regions: ['us-east-1'] }), { executionId: 'exec-2' });
    expect(stageOf(none, '1').error).toBe('no image in default/us-east-1 matches team=nobody');
  });
});

describe('clusterSize precondition', () => {
  it('compares the number of server groups per region', async () => {
    await seedCluster(clients, network, 2);
    await destroyServerGroup(clients, 'app-prod-v000');
    const check = (comparison: string, expected: number) => ({
      refId: '1',
      name: 'Check',
      type: 'checkPreconditions',
      preconditions: [{ type: 'clusterSize', context: { cluster: 'app-prod', credentials: 'default', regions: ['us-east-1'], comparison, expected } }],
    });
    const extra = [checkPreconditionsStage(cloudPreconditions(cloudEnv()))];
    const passed = await runStages({ stages: [check('==', 1)] }, { extra });
    expect(stageOf(passed, '1').status).toBe('SUCCEEDED');
    const failed = await runStages({ stages: [check('>', 1)] }, { extra, executionId: 'exec-2' });
    expect(stageOf(failed, '1').error).toBe('clusterSize: cluster app-prod (default) server groups > 1 does not hold: us-east-1 has 1');
  });
});
