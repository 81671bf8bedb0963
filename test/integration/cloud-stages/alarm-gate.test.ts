/**
 * Alarm gates (rollbackAlarms) against the emulator's CloudWatch: SetAlarmState drives an alarm into
 * ALARM. The gate module on its own, then EC2 red/black checking the alarms between enabling the
 * new group and disabling the old one, rolling back when one fires.
 */
import { putAlarm } from '../../../local/alarms.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlarmNotFoundError, checkAlarmGate, describeAlarms } from '../../../functions/core/gates/alarms.js';
import type { CloudClients } from '../../../functions/core/cloud/index.js';
import { countCalls, removeAllFaults } from '../../support/faults.js';
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
});
afterEach(() => removeAllFaults());

async function alarm(name: string, state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA' = 'OK', reason = 'test'): Promise<void> {
  await putAlarm(clients.cloudwatch, name, { threshold: 5, state, reason });
}

const groups = async () => (await world(clients, { images: false })).groups;

describe('the alarm gate', () => {
  it('passes on OK and INSUFFICIENT_DATA, fails on ALARM naming the alarm and its reason', async () => {
    await alarm('app-5xx');
    await alarm('app-latency', 'INSUFFICIENT_DATA');
    expect(await checkAlarmGate(clients.cloudwatch, ['app-5xx', 'app-latency'], 'us-east-1')).toEqual({ passed: true, checked: ['app-5xx', 'app-latency'] });
    await alarm('app-latency', 'ALARM', 'Threshold Crossed: 1 datapoint [900.0] was greater than 500');
    expect(await checkAlarmGate(clients.cloudwatch, ['app-5xx', 'app-latency'], 'us-east-1')).toEqual({
      passed: false,
      alarm: 'app-latency',
      reason: 'alarm app-latency is in ALARM (Threshold Crossed: 1 datapoint [900.0] was greater than 500)',
    });
  });

  it('no names: passes without a call; a missing alarm is an error naming it and where it was looked for', async () => {
    const counter = countCalls(clients.cloudwatch);
    expect(await checkAlarmGate(clients.cloudwatch, [], 'us-east-1')).toEqual({ passed: true, checked: [] });
    expect(counter.counts().DescribeAlarms ?? 0).toBe(0);
    await alarm('app-5xx');
    const error = await describeAlarms(clients.cloudwatch, ['app-5xx', 'app-typo'], 'account default us-east-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlarmNotFoundError);
    expect((error as Error).message).toBe('rollbackAlarms: no CloudWatch alarm app-typo in account default us-east-1');
  });
});

describe('red/black with rollbackAlarms', () => {
  it('quiet alarms: the deploy ends as a plain red/black, the alarms read between enable and disable', async () => {
    await seedCluster(clients, network);
    await alarm('app-5xx');
    const counter = countCalls(clients.cloudwatch);
    const run = await runStages({ stages: [deployStage(network, { rollbackAlarms: ['app-5xx'] })] });
    expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
    // Once in prepare (they exist), once at the gate.
    expect(counter.counts().DescribeAlarms).toBe(2);
    expect(await groups()).toEqual({ 'app-prod-v000': 'disabled 1/2/3 2 instances', 'app-prod-v001': 'enabled 1/2/3 2 instances' });
  });

  it('an alarm in ALARM rolls back without rollback.onFailure: the old group keeps serving, the new one is disabled at 0', async () => {
    await seedCluster(clients, network);
    await alarm('app-5xx', 'ALARM', 'too many 5xx');
    const run = await runStages({ stages: [deployStage(network, { rollbackAlarms: ['app-5xx'] })] });
    const stage = stageOf(run, '1');
    expect(stage.status).toBe('TERMINAL');
    expect(stage.error).toBe(
      'app-prod/us-east-1: alarm app-5xx is in ALARM (too many 5xx) (rolled back: app-prod-v000 serves again, app-prod-v001 disabled and scaled to 0)',
    );
    expect(await groups()).toEqual({ 'app-prod-v000': 'enabled 1/2/3 2 instances', 'app-prod-v001': 'disabled 0/0/0 0 instances' });
  });

  it('the alarm fires during delayBeforeDisableSec: checked after the delay, rolled back; destroyOnFailure removes the new group', async () => {
    await seedCluster(clients, network);
    await alarm('app-5xx');
    const run = await runStages(
      { stages: [deployStage(network, { rollbackAlarms: ['app-5xx'], delayBeforeDisableSec: 120, rollback: { destroyOnFailure: true } })] },
      {
        beforeCall: async (_refId, call) => {
          if (call === 2) await alarm('app-5xx', 'ALARM', 'late');
        },
      },
    );
    expect(stageOf(run, '1').status).toBe('TERMINAL');
    expect(stageOf(run, '1').error).toMatch(/alarm app-5xx is in ALARM \(late\) \(rolled back: app-prod-v000 serves again, app-prod-v001 destroyed\)/);
    expect(await groups()).toEqual({ 'app-prod-v000': 'enabled 1/2/3 2 instances' });
    expect((await world(clients, { images: false })).launchTemplates).toEqual({ 'app-prod-v000': 1 });
  });

  it('a missing alarm fails the stage before anything is created', async () => {
    await seedCluster(clients, network);
    const run = await runStages({ stages: [deployStage(network, { rollbackAlarms: ['app-typo'] })] });
    expect(stageOf(run, '1').status).toBe('TERMINAL');
    expect(stageOf(run, '1').error).toBe('app-prod/us-east-1: rollbackAlarms: no CloudWatch alarm app-typo in account default us-east-1');
    expect(await groups()).toEqual({ 'app-prod-v000': 'enabled 1/2/3 2 instances' });
  });
});
