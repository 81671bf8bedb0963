/**
 * Bad input fails the stage with a message that names what is wrong, before anything is created:
 * the emulator holds exactly what it held before (nothing left behind, nothing changed).
 *
 * Every test here changes nothing (that is what it checks), so they share one emulator set up once
 * instead of resetting it for each test; each run has its own execution id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAccounts, type CloudClients } from '../../../functions/core/cloud/index.js';
import { ensureTables } from '../../../functions/core/tables.js';
import { startMoto, type MotoServer } from '../../../local/moto.js';
import { useEndpoint } from '../../../local/environment.js';
import { validatePipeline } from '../../../state-machines/model/validate.js';
import { createNetwork, deployStage, seedCluster, type Network } from '../../support/cloud-stages/fixtures.js';
import { freshStageClients, runStages, stageOf } from '../../support/cloud-stages/harness.js';
import { world } from '../../support/cloud-stages/world.js';

let moto: MotoServer;
let clients: CloudClients;
let network: Network;
let runs = 0;

beforeAll(async () => {
  moto = await startMoto();
  useEndpoint(moto.endpoint);
  clients = freshStageClients();
  await ensureTables();
  network = await createNetwork(clients);
  await seedCluster(clients, network);
}, 90_000);
afterAll(async () => {
  await moto?.stop();
});

const accounts = () => Promise.resolve(parseAccounts({ accounts: { prod: { accountId: '123456789012', regions: ['us-east-1'] } } }, { includeLocal: true }));

async function refused(raw: Record<string, unknown>, message: RegExp): Promise<void> {
  const before = await world(clients);
  const run = await runStages(raw, { deps: { accounts }, executionId: `bad-input-${(runs += 1)}` });
  const stage = stageOf(run, '1');
  expect(stage.status).toBe('TERMINAL');
  expect(stage.error).toMatch(message);
  expect(await world(clients)).toEqual(before);
}

describe('deploy refuses bad input before creating anything', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['an unknown account', { account: 'nope' }, /unknown account "nope"; known accounts: default, local, prod/],
    [
      'a region the account does not have',
      { account: 'prod', availabilityZones: { 'us-west-2': ['us-west-2a'] } },
      /account "prod" \(123456789012\) has no region "us-west-2"; its regions: us-east-1/,
    ],
    ['an unknown subnet', { subnetType: undefined, subnetIds: ['subnet-0123456789abcdef0'] }, /subnet not found in us-east-1: subnet-0123456789abcdef0/],
    ['an unknown subnet type', { subnetType: 'dmz' }, /subnet not found in us-east-1: of type "dmz"/],
    ['an unknown target group', { targetGroups: ['no-such-tg'] }, /target group not found in us-east-1: no-such-tg/],
    ['an image that does not exist', { imageId: 'ami-0123456789abcdef0' }, /image ami-0123456789abcdef0 not found in us-east-1/],
    [
      'no image at all',
      { imageId: undefined },
      /no image to deploy in us-east-1: give imageId or amiName, or put a bake \/ findImage stage for us-east-1 upstream/,
    ],
    ['capacity min > max (from an expression)', { capacity: { min: '${3}', max: 1, desired: 1 } }, /capacity: min \(3\) is greater than max \(1\)/],
    ['an unknown security group', { securityGroups: ['no-such-sg'] }, /security group not found in us-east-1: no-such-sg/],
  ])('%s', async (_what, extra, message) => {
    await refused({ stages: [deployStage(network, extra)] }, message);
  });

  it('rolling red/black with a bad target group leaves the source group unpinned', async () => {
    await refused({ stages: [deployStage(network, { strategy: 'rollingredblack', targetGroups: ['no-such-tg'] })] }, /target group not found/);
  });

  it('a literal min > max is refused by validation, before the pipeline runs', () => {
    const result = validatePipeline({ application: 'app', name: 'p', stages: [deployStage(network, { capacity: { min: 3, max: 1, desired: 2 } })] });
    expect(result.errors.map((e) => `${e.path}: ${e.message}`)).toContain('$.stages[0].clusters[0].capacity: min (3) is greater than max (1)');
  });

  it('a cloudProvider other than aws or ecs is refused by validation, naming it', () => {
    const result = validatePipeline({ application: 'app', name: 'p', stages: [deployStage(network, { cloudProvider: 'gce' })] });
    expect(result.errors.map((e) => e.message)).toEqual([
      "cloudProvider 'gce' is not supported; Gennaker deploys to AWS EC2 or ECS (cloudProvider 'aws' or 'ecs')",
    ]);
  });
});

describe('other stages refuse bad input', () => {
  const on = { account: 'default', cluster: 'app-prod', regions: ['us-east-1'] };
  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'a target that names no group',
      { type: 'disableServerGroup', ...on, target: 'ancestor_asg_dynamic' },
      /target ancestor_asg_dynamic names no server group in cluster app-prod/,
    ],
    [
      'a server group that does not exist',
      { type: 'destroyServerGroup', account: 'default', regions: ['us-east-1'], serverGroupName: 'app-prod-v042' },
      /server group app-prod-v042 not found in default\/us-east-1/,
    ],
    [
      'a resize to min > max',
      { type: 'resizeServerGroup', ...on, target: 'current_asg_dynamic', capacity: { min: '${5}', max: 2 } },
      /min \(5\) is greater than max \(2\)/,
    ],
    [
      'a bake from an image that does not exist',
      { type: 'bake', package: 'app', baseOs: 'ubuntu', baseAmi: 'ami-0123456789abcdef0', region: 'us-east-1' },
      /image ami-0123456789abcdef0 not found in us-east-1/,
    ],
    [
      'a bake with no base image configured',
      { type: 'bake', package: 'app', baseOs: 'ubuntu', region: 'us-east-1' },
      /no base image named gennaker-local-base in us-east-1/,
    ],
    ['a rollback with nothing to go back to', { type: 'rollbackCluster', ...on }, /app-prod-v000 is its only server group and no previous image is recorded/],
  ])('%s', async (_what, stage, message) => {
    await refused({ stages: [{ refId: '1', name: 'Stage', ...stage }] }, message);
  });
});
