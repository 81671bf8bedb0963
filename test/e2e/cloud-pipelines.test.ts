/**
 * Cloud stages in whole pipelines run by the local engine: two executions deploying the same
 * cluster take turns (the second waits for the first's lock), a canceled execution's locks are
 * released by the end of the execution (engine/execution-end.ts), and a canceled bake terminates its builder.
 */
import { describe, expect, it } from 'vitest';
import { ClusterLocks } from '../../functions/core/cluster-lock.js';
import { cloudClients, describeCluster, findBuilder } from '../../functions/core/cloud/index.js';
import { cloudStages, parseBakeConfig } from '../../functions/stages/cloud/index.js';
import { sleep } from '../../local/clock.js';
import { LocalRuntime } from '../../local/runtime.js';
import { deployStage, seedCluster } from '../support/cloud-stages/fixtures.js';
import { createNetwork } from '../support/cloud/fixtures.js';
import { pipelineOf, useLocalAws } from '../support/local.js';

useLocalAws();
const key = { account: 'default', region: 'us-east-1', cluster: 'app-prod' };

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(50);
  }
}

describe('cluster locks across executions', () => {
  it('a second deploy of the same cluster waits for the first, then runs', async () => {
    const clients = cloudClients({ region: 'us-east-1' });
    const network = await createNetwork(clients);
    await seedCluster(clients, network);
    const runtime = new LocalRuntime({ timeScale: 100, tickMs: 10, families: [() => cloudStages()] });
    const pipeline = pipelineOf({ stages: [deployStage(network, { delayBeforeDisableSec: 120 })] });
    const first = runtime.start(pipeline, { executionId: 'first' });
    const locks = new ClusterLocks({ clock: runtime.clock });
    await until(
      () => locks.holderOf(key),
      (h) => h?.executionId === 'first',
    );
    const second = runtime.start(pipeline, { executionId: 'second' });
    const [a, b] = await Promise.all([first.result, second.result]);
    expect([a.status, b.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(b.execution.stages[0]!.context.lockedBy).toEqual({ execution: 'first', stage: '1' });
    const view = await describeCluster(clients, 'app-prod', { launchTemplates: false, targetHealth: false });
    expect(view.serverGroups.map((g) => `${g.name} ${g.enabled ? 'enabled' : 'disabled'}`)).toEqual([
      'app-prod-v000 disabled',
      'app-prod-v001 disabled',
      'app-prod-v002 enabled',
    ]);
    expect(await locks.holderOf(key)).toBeUndefined();
  });

  it('canceling an execution releases the locks it holds', async () => {
    const clients = cloudClients({ region: 'us-east-1' });
    const network = await createNetwork(clients);
    await seedCluster(clients, network);
    const runtime = new LocalRuntime({ timeScale: 10, tickMs: 10, families: [() => cloudStages()] });
    const run = runtime.start(pipelineOf({ stages: [deployStage(network, { delayBeforeDisableSec: 3600 })] }), { executionId: 'canceled' });
    const locks = new ClusterLocks({ clock: runtime.clock });
    await until(
      () => locks.holderOf(key),
      (h) => h?.executionId === 'canceled',
    );
    await run.cancel('tester');
    const result = await run.result;
    expect(result.status).toBe('CANCELED');
    expect(await locks.holderOf(key)).toBeUndefined();
  });
});

describe('cancel', () => {
  it('a canceled bake terminates its builder and says so in the record', async () => {
    const clients = cloudClients({ region: 'us-east-1' });
    const network = await createNetwork(clients);
    const bakeConfig = async () => parseBakeConfig({ completion: 'shutdown' }, 'test', true);
    const runtime = new LocalRuntime({ timeScale: 10, tickMs: 10, families: [() => cloudStages({ bakeConfig })] });
    const stage = { refId: 'bake', name: 'Bake', type: 'bake', package: 'app', baseOs: 'ubuntu', baseAmi: network.imageId, region: 'us-east-1' };
    const run = runtime.start(pipelineOf({ stages: [stage] }), { executionId: 'baking' });
    const key = 'baking:bake:us-east-1';
    await until(
      () => findBuilder(clients, key),
      (b) => b?.state === 'running',
    );
    await run.cancel('tester');
    const result = await run.result;
    expect(result.execution.stages[0]).toMatchObject({ status: 'CANCELED', error: expect.stringMatching(/^canceled: terminated builder i-\w+ in us-east-1$/) });
    expect(await findBuilder(clients, key)).toBeUndefined();
  });
});
