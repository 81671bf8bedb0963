/**
 * Traffic guards: an operation that would leave a guarded cluster without enabled, up capacity is
 * refused before anything changes, with a message naming the guard; guards come from the
 * configuration and from the stage's Spinnaker `trafficGuards`.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { disableServerGroup, type CloudClients } from '../../../functions/core/cloud/index.js';
import { parseTrafficGuards } from '../../../functions/core/traffic-guards.js';
import { countCalls, MUTATING } from '../../support/faults.js';
import { useLocalAws } from '../../support/local.js';
import { createNetwork, deployStage, seedCluster, type Network } from '../../support/cloud-stages/fixtures.js';
import { freshStageClients, runStages, stageOf } from '../../support/cloud-stages/harness.js';
import { world } from '../../support/cloud-stages/world.js';

useLocalAws();
let clients: CloudClients;
let network: Network;

beforeEach(async () => {
  clients = freshStageClients();
  network = await createNetwork(clients);
  await seedCluster(clients, network, 2);
  await disableServerGroup(clients, 'app-prod-v000');
});

const configured = parseTrafficGuards({ applications: { app: [{ account: 'default', region: 'us-east-1', cluster: 'app-prod' }] } }, 'GENNAKER_TRAFFIC_GUARDS');
const trafficGuards = async () => configured;
const on = { account: 'default', cluster: 'app-prod', regions: ['us-east-1'] };

async function refused(stage: Record<string, unknown>, withConfigured = true): Promise<string> {
  const before = await world(clients);
  const counter = countCalls(clients.ec2, clients.autoScaling, clients.elbv2);
  const run = await runStages({ stages: [{ refId: '1', name: 'Stage', ...stage }] }, withConfigured ? { deps: { trafficGuards } } : {});
  expect(stageOf(run, '1').status).toBe('TERMINAL');
  expect(counter.matching(MUTATING)).toBe(0);
  counter.remove();
  expect(await world(clients)).toEqual(before);
  return stageOf(run, '1').error ?? '';
}

describe('refused when nothing would serve', () => {
  it.each<[string, Record<string, unknown>]>([
    ['disableServerGroup', { type: 'disableServerGroup', ...on, target: 'current_asg_dynamic' }],
    ['destroyServerGroup', { type: 'destroyServerGroup', ...on, target: 'current_asg_dynamic' }],
    ['resizeServerGroup to 0', { type: 'resizeServerGroup', ...on, target: 'current_asg_dynamic', capacity: { min: 0, desired: 0 } }],
    ['disableCluster', { type: 'disableCluster', ...on, remainingEnabledServerGroups: 0 }],
    ['scaleDownCluster', { type: 'scaleDownCluster', ...on, remainingFullSizeServerGroups: 0, allowScaleDownActive: true }],
    ['shrinkCluster', { type: 'shrinkCluster', ...on, shrinkToSize: 0, allowDeleteActive: true }],
  ])('%s', async (_name, stage) => {
    expect(await refused(stage)).toMatch(
      /refused to .*app-prod-v001.*: cluster app-prod in default\/us-east-1 is protected by traffic guard \{application app, account default, region us-east-1, cluster app-prod\} \(from GENNAKER_TRAFFIC_GUARDS\), and this would leave it with no enabled, up instances \(2 up now\)/,
    );
  });

  it("also by the stage's own trafficGuards (Spinnaker's application setting)", async () => {
    const error = await refused(
      {
        type: 'disableServerGroup',
        ...on,
        target: 'current_asg_dynamic',
        trafficGuards: [{ account: 'default', location: 'us-east-1', stack: 'prod', detail: '*', enabled: true }],
      },
      false,
    );
    expect(error).toContain('traffic guard {application app, account default, region us-east-1, stack prod, detail *} (from stage trafficGuards)');
  });
});

describe('allowed when capacity remains or no guard applies', () => {
  it('disabling the old group while the new one serves', async () => {
    const run = await runStages(
      {
        stages: [
          { refId: '1', name: 'Enable', type: 'enableServerGroup', ...on, target: 'oldest_asg_dynamic' },
          { refId: '2', name: 'Disable', type: 'disableServerGroup', ...on, target: 'oldest_asg_dynamic', requisiteStageRefIds: ['1'] },
        ],
      },
      { deps: { trafficGuards } },
    );
    expect(stageOf(run, '2').status).toBe('SUCCEEDED');
  });

  it('a guard that is switched off, or for another account, does not apply', async () => {
    const run = await runStages({
      stages: [
        {
          refId: '1',
          name: 'Disable',
          type: 'disableServerGroup',
          ...on,
          target: 'current_asg_dynamic',
          trafficGuards: [
            { account: 'prod', location: '*' },
            { account: 'default', enabled: false },
          ],
        },
      ],
    });
    expect(stageOf(run, '1').status).toBe('SUCCEEDED');
  });

  it('a red/black deploy into a guarded cluster: the new group serves before the old one is disabled', async () => {
    const run = await runStages({ stages: [deployStage(network)] }, { deps: { trafficGuards } });
    expect(stageOf(run, '1').status).toBe('SUCCEEDED');
  });
});
