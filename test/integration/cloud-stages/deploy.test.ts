/**
 * The deploy stage against the emulator, through the real engine: each strategy ends with the
 * cluster it promises, options (delays, scale down, maxRemainingAsgs, source capacity) do what they
 * say, and a failed deploy rolls back when asked to (always, for rolling red/black).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeServerGroup, type CloudClients } from '../../../functions/core/cloud/index.js';
import { countCalls, removeAllFaults } from '../../support/faults.js';
import { useLocalAws } from '../../support/local.js';
import { clusterEntry, createNetwork, deployStage, neverUp, seedCluster, type Network } from '../../support/cloud-stages/fixtures.js';
import { freshStageClients, runStages, stageClients, stageOf } from '../../support/cloud-stages/harness.js';
import { world } from '../../support/cloud-stages/world.js';

useLocalAws();
let clients: CloudClients;
let network: Network;

beforeEach(async () => {
  clients = freshStageClients();
  network = await createNetwork(clients);
});
afterEach(() => removeAllFaults());

const groups = async () => (await world(clients, { images: false })).groups;

describe('deploy strategies', () => {
  it('none: a first deploy creates v000, enabled and up, and says so in its outputs', async () => {
    const run = await runStages({ stages: [deployStage(network, { strategy: '' })] });
    const stage = stageOf(run, '1');
    expect(stage.status).toBe('SUCCEEDED');
    expect(await groups()).toEqual({ 'app-prod-v000': 'enabled 1/2/3 2 instances' });
    expect(stage.outputs).toMatchObject({
      'deploy.account.name': 'default',
      'deploy.server.groups': { 'us-east-1': ['app-prod-v000'] },
      touchedClusters: [{ account: 'default', region: 'us-east-1', cluster: 'app-prod' }],
    });
    const view = await describeServerGroup(clients, 'app-prod-v000');
    expect(view?.tags['gennaker:deploy-key']).toBe('exec-1:1:us-east-1');
    expect(view?.imageId).toBe(network.otherImageId);
  });

  it('redblack: the new group serves, the old one is disabled but keeps its instances', async () => {
    await seedCluster(clients, network);
    const run = await runStages({ stages: [deployStage(network)] });
    expect(stageOf(run, '1').status).toBe('SUCCEEDED');
    expect(await groups()).toEqual({
      'app-prod-v000': 'disabled 1/2/3 2 instances',
      'app-prod-v001': 'enabled 1/2/3 2 instances',
    });
    const v001 = await describeServerGroup(clients, 'app-prod-v001');
    expect(v001?.tags['gennaker:previous-image-id']).toBe(network.imageId);
  });

  it('redblack with delays, scaleDown and maxRemainingAsgs: waits, scales the old to 0, keeps two', async () => {
    await seedCluster(clients, network, 2);
    const run = await runStages({
      stages: [deployStage(network, { delayBeforeDisableSec: 90, delayBeforeScaleDownSec: 300, scaleDown: true, maxRemainingAsgs: 2 })],
    });
    expect(stageOf(run, '1').status).toBe('SUCCEEDED');
    expect(await groups()).toEqual({
      'app-prod-v001': 'disabled 0/0/0 0 instances',
      'app-prod-v002': 'enabled 1/2/3 2 instances',
    });
    // The delays were waited out as RUNNING results, not slept through.
    const elapsed = (run.clock.now() - stageOf(run, '1').startTime!) / 1000;
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(run.calls['1']).toBeGreaterThanOrEqual(3);
  });

  it('highlander: only the new group is left', async () => {
    await seedCluster(clients, network, 2);
    const run = await runStages({ stages: [deployStage(network, { strategy: 'highlander' })] });
    expect(stageOf(run, '1').status).toBe('SUCCEEDED');
    expect(await groups()).toEqual({ 'app-prod-v002': 'enabled 1/2/3 2 instances' });
    expect((await world(clients, { images: false })).launchTemplates).toEqual({ 'app-prod-v002': 1 });
  });

  it('rollingredblack: grows the new group step by step with capacity pinned, then swaps and unpins', async () => {
    await seedCluster(clients, network, 1, { capacity: { min: 2, max: 6, desired: 4 } });
    const counter = countCalls(clients.autoScaling);
    const run = await runStages({
      stages: [deployStage(network, { strategy: 'rollingredblack', targetPercentages: [25, 50, 100], capacity: { min: 2, max: 8, desired: 4 } })],
    });
    expect(stageOf(run, '1').status).toBe('SUCCEEDED');
    expect(await groups()).toEqual({
      'app-prod-v000': 'disabled 2/4/6 4 instances',
      'app-prod-v001': 'enabled 2/4/8 4 instances',
    });
    // Pin the source, grow to 1, 2 and 4 instances (each pinned min = max = desired), unpin both.
    expect(counter.counts().UpdateAutoScalingGroup).toBe(6);
    counter.remove();
    expect(run.calls['1']).toBe(1); // the emulator's instances are up at once: no waiting
  });

  it('uses the source capacity with useSourceCapacity', async () => {
    await seedCluster(clients, network, 1, { capacity: { min: 1, max: 5, desired: 3 } });
    const run = await runStages({ stages: [deployStage(network, { useSourceCapacity: true, capacity: { min: 1, max: 1, desired: 1 } })] });
    expect(stageOf(run, '1').status).toBe('SUCCEEDED');
    expect((await groups())['app-prod-v001']).toBe('enabled 1/3/5 3 instances');
  });

  it('deploys one server group per region (Deck availabilityZones keys)', async () => {
    const west = stageClients('us-west-2');
    const entry = clusterEntry(network, {
      strategy: 'highlander',
      availabilityZones: { 'us-east-1': ['us-east-1a'], 'us-west-2': ['us-west-2a'] },
      subnetType: undefined,
      targetGroups: [],
      healthCheckType: 'EC2',
      imageId: { 'us-east-1': network.imageId, 'us-west-2': network.imageId },
      capacity: { min: 1, max: 1, desired: 1 },
    });
    const run = await runStages({ stages: [{ refId: '1', name: 'Deploy', type: 'deploy', clusters: [entry] }] });
    expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
    expect(stageOf(run, '1').outputs['deploy.server.groups']).toEqual({ 'us-east-1': ['app-prod-v000'], 'us-west-2': ['app-prod-v000'] });
    expect(await groups()).toEqual({ 'app-prod-v000': 'enabled 1/1/1 1 instances' });
    expect((await world(west, { images: false })).groups).toEqual({ 'app-prod-v000': 'enabled 1/1/1 1 instances' });
  });
});

describe('failure and rollback', () => {
  it('redblack with rollback.onFailure: instances never up → the old group serves again, the new one is disabled at 0', async () => {
    await seedCluster(clients, network);
    neverUp(clients, /-v001$/);
    const run = await runStages({ stages: [deployStage(network, { rollback: { onFailure: true } }, { waitForUpTimeoutSeconds: 120 })] });
    const stage = stageOf(run, '1');
    expect(stage.status).toBe('TERMINAL');
    expect(stage.error).toMatch(
      /app-prod-v001 in us-east-1: 0 of 2 instances up after \d+ s .*rolled back: app-prod-v000 serves again, app-prod-v001 disabled and scaled to 0/,
    );
    removeAllFaults();
    expect(await groups()).toEqual({
      'app-prod-v000': 'enabled 1/2/3 2 instances',
      'app-prod-v001': 'disabled 0/0/0 0 instances',
    });
  });

  it('redblack without rollback: the failed group is left as it is, the old one untouched', async () => {
    await seedCluster(clients, network);
    neverUp(clients, /-v001$/);
    const run = await runStages({ stages: [deployStage(network, {}, { waitForUpTimeoutSeconds: 120 })] });
    expect(stageOf(run, '1').status).toBe('TERMINAL');
    removeAllFaults();
    expect(await groups()).toEqual({
      'app-prod-v000': 'enabled 1/2/3 2 instances',
      'app-prod-v001': 'enabled 1/2/3 2 instances',
    });
  });

  it('rollingredblack always rolls back: the old group gets its capacity and traffic back', async () => {
    await seedCluster(clients, network, 1, { capacity: { min: 2, max: 6, desired: 4 } });
    neverUp(clients, /-v001$/);
    const run = await runStages({
      stages: [
        deployStage(
          network,
          { strategy: 'rollingredblack', targetPercentages: [50, 100], capacity: { min: 2, max: 8, desired: 4 } },
          { waitForUpTimeoutSeconds: 120 },
        ),
      ],
    });
    expect(stageOf(run, '1').status).toBe('TERMINAL');
    removeAllFaults();
    expect(await groups()).toEqual({
      'app-prod-v000': 'enabled 2/4/6 4 instances',
      'app-prod-v001': 'disabled 0/0/0 0 instances',
    });
  });
});

describe('cancel', () => {
  it("a rolling deploy ended by the engine's stageTimeoutMs gives the pinned source its capacity back", async () => {
    await seedCluster(clients, network, 1, { capacity: { min: 2, max: 6, desired: 4 } });
    neverUp(clients, /-v001$/);
    const run = await runStages({
      stages: [deployStage(network, { strategy: 'rollingredblack', targetPercentages: [50, 100] }, { stageTimeoutMs: 300_000 })],
    });
    expect(stageOf(run, '1').error).toBe('stage timed out after 300 s (unpinned app-prod-v000)');
    removeAllFaults();
    expect((await groups())['app-prod-v000']).toBe('enabled 2/4/6 4 instances');
  });
});

describe('API calls', () => {
  it('a red/black deploy of a cluster with one group makes a bounded number of calls', async () => {
    await seedCluster(clients, network);
    const counter = countCalls(clients.ec2, clients.autoScaling, clients.elbv2);
    await runStages({ stages: [deployStage(network)] });
    expect(counter.total()).toBeLessThan(40);
    counter.remove();
  });
});
