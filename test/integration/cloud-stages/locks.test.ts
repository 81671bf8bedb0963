/**
 * Cluster locks: the lease in the locks table (take, renew, expire, release, release by holder),
 * and stages holding them: a second execution waits (RUNNING) and fails naming the holder after the
 * lock wait timeout, or goes on once the lock is free; locks are released when a stage ends,
 * succeeded or failed, and kept while it waits.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { awsClients } from '../../../functions/core/aws-clients.js';
import type { CloudClients } from '../../../functions/core/cloud/index.js';
import { ClusterLocks, lockKey } from '../../../functions/core/cluster-lock.js';
import { releaseLocksHeldBy } from '../../../functions/core/locks-table.js';
import { tableName } from '../../../functions/core/tables.js';
import { countCalls, MUTATING } from '../../support/faults.js';
import { useLocalAws } from '../../support/local.js';
import { createNetwork, deployStage, neverUp, seedCluster, type Network } from '../../support/cloud-stages/fixtures.js';
import { freshStageClients, MovableClock, runStages, stageOf } from '../../support/cloud-stages/harness.js';
import { world } from '../../support/cloud-stages/world.js';

useLocalAws();
const key = { account: 'default', region: 'us-east-1', cluster: 'app-prod' };

describe('ClusterLocks', () => {
  it('takes a free lock, refuses another holder, renews for the same one, and lets it expire', async () => {
    const clock = new MovableClock();
    const locks = new ClusterLocks({ clock });
    expect(await locks.acquire(key, { executionId: 'a', stage: '1' }, 60)).toEqual({ acquired: true });
    const item = (await awsClients.dynamoClient().send(new GetCommand({ TableName: tableName('locks'), Key: { pk: 'lock#default/us-east-1/app-prod' } }))).Item;
    expect(item).toEqual({ pk: lockKey(key), holder: 'a', stage: '1', expiresAt: Math.floor(clock.now() / 1000) + 60 });

    const refused = await locks.acquire(key, { executionId: 'b', stage: '1' }, 60);
    expect(refused).toMatchObject({ acquired: false, heldBy: { executionId: 'a', stage: '1' } });

    clock.advance(50);
    expect(await locks.acquire(key, { executionId: 'a', stage: '2' }, 60)).toEqual({ acquired: true }); // same execution: renewed
    clock.advance(50);
    expect((await locks.acquire(key, { executionId: 'b', stage: '1' }, 60)).acquired).toBe(false); // still held (renewed)
    clock.advance(11);
    expect(await locks.acquire(key, { executionId: 'b', stage: '1' }, 60)).toEqual({ acquired: true }); // expired: taken over
  });

  it('releases only for its holder and stage, and releaseLocksHeldBy frees what an execution holds', async () => {
    const locks = new ClusterLocks({ clock: new MovableClock() });
    await locks.acquire(key, { executionId: 'a', stage: '1' });
    await locks.acquire({ ...key, cluster: 'app-staging' }, { executionId: 'a', stage: '1' });
    expect(await locks.release(key, { executionId: 'b', stage: '1' })).toBe(false);
    expect(await locks.release(key, { executionId: 'a', stage: '2' })).toBe(false);
    expect(await locks.release(key, { executionId: 'a', stage: '1' })).toBe(true);
    expect(await locks.holderOf(key)).toBeUndefined();
    expect(await releaseLocksHeldBy('a')).toEqual(['lock#default/us-east-1/app-staging']);
    expect(await locks.holderOf({ ...key, cluster: 'app-staging' })).toBeUndefined();
  });
});

describe('stages hold their clusters locked', () => {
  let clients: CloudClients;
  let network: Network;
  beforeEach(async () => {
    clients = freshStageClients();
    network = await createNetwork(clients);
    await seedCluster(clients, network, 2);
  });
  const disable = {
    refId: '1',
    name: 'Disable',
    type: 'disableServerGroup',
    account: 'default',
    cluster: 'app-prod',
    regions: ['us-east-1'],
    target: 'ancestor_asg_dynamic',
  };

  it('waits for a lock another execution holds, then fails naming it, having changed nothing', async () => {
    const clock = new MovableClock();
    await new ClusterLocks({ clock }).acquire(key, { executionId: 'exec-other', stage: '3' }, 3600);
    const before = await world(clients);
    const counter = countCalls(clients.ec2, clients.autoScaling, clients.elbv2);
    const run = await runStages({ stages: [disable] }, { clock, deps: { lockWaitTimeoutSeconds: 120 } });
    const stage = stageOf(run, '1');
    expect(stage.status).toBe('TERMINAL');
    expect(stage.error).toBe('cluster app-prod (default/us-east-1) is locked by execution exec-other (stage 3); gave up after waiting 120 s');
    expect(run.calls['1']).toBeGreaterThan(3);
    expect(counter.matching(MUTATING)).toBe(0);
    counter.remove();
    expect(await world(clients)).toEqual(before);
  });

  it('goes on once the holder releases the lock', async () => {
    const clock = new MovableClock();
    const locks = new ClusterLocks({ clock });
    await locks.acquire(key, { executionId: 'exec-other', stage: '3' }, 3600);
    const run = await runStages(
      { stages: [disable] },
      { clock, beforeCall: async (_ref, call) => void (call === 3 && (await locks.release(key, { executionId: 'exec-other', stage: '3' }))) },
    );
    expect(stageOf(run, '1').status).toBe('SUCCEEDED');
    expect(run.calls['1']).toBe(3);
    expect(stageOf(run, '1').context).toMatchObject({ lockWait: null, lockedBy: { execution: 'exec-other', stage: '3' } });
    expect((await world(clients)).groups['app-prod-v000']).toMatch(/^disabled/);
    expect(await locks.holderOf(key)).toBeUndefined();
  });

  it('keeps the lock while the stage waits, with a lease beyond its wait, and releases it when it fails', async () => {
    const clock = new MovableClock();
    const locks = new ClusterLocks({ clock });
    neverUp(clients, /-v002$/);
    const held: Array<number | undefined> = [];
    const run = await runStages(
      { stages: [deployStage(network, { waitForUpTimeoutSeconds: 200 })] },
      {
        clock,
        beforeCall: async (_ref, call) => {
          if (call === 1) return;
          const holder = await locks.holderOf(key);
          held.push(holder && holder.executionId === 'exec-1' ? holder.expiresAt - Math.floor(clock.now() / 1000) : undefined);
        },
      },
    );
    expect(stageOf(run, '1').status).toBe('TERMINAL');
    expect(held.length).toBeGreaterThan(2);
    for (const remaining of held) expect(remaining).toBeGreaterThan(0);
    expect(await locks.holderOf(key)).toBeUndefined();
  });

  it('two stages of one execution on the same cluster run one after the other', async () => {
    const run = await runStages({
      stages: [disable, { ...disable, refId: '2', name: 'Enable', type: 'enableServerGroup', requisiteStageRefIds: ['1'] }],
    });
    expect([stageOf(run, '1').status, stageOf(run, '2').status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
  });
});
