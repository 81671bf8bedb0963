/** Deploy strategies as step lists (pure), and how Deck's cluster entries are read. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StageConfigError } from '../../../../../functions/core/stage-api.js';
import { readDeployConfig, type StrategyOptions } from '../../../../../functions/stages/cloud/deploy/config.js';
import { deploySteps, expectedUp, rollbackSteps, sizeAt } from '../../../../../functions/stages/cloud/deploy/strategy.js';
import { SPINNAKER_EXAMPLES } from '../../../../support/fixtures.js';

const options = (o: Partial<StrategyOptions> = {}): StrategyOptions => ({
  scaleDown: false,
  delayBeforeDisableSec: 0,
  delayBeforeScaleDownSec: 0,
  rollbackOnFailure: false,
  destroyOnFailure: false,
  rollbackAlarms: [],
  trafficSteps: [],
  bakeTimeSec: 0,
  targetPercentages: [100],
  targetHealthyDeployPercentage: 100,
  waitForUpTimeoutSeconds: 1800,
  ...o,
});
const kinds = (steps: ReturnType<typeof deploySteps>) =>
  steps.map((s) => ('percent' in s ? `${s.kind}(${s.percent})` : 'seconds' in s ? `${s.kind}(${s.seconds})` : 'keep' in s ? `${s.kind}(${s.keep})` : s.kind));

describe('deploySteps', () => {
  it('none and highlander', () => {
    expect(kinds(deploySteps('none', options()))).toEqual(['create', 'waitUp']);
    expect(kinds(deploySteps('highlander', options()))).toEqual(['create', 'waitUp', 'destroyOthers']);
  });

  it('redblack with every option', () => {
    expect(kinds(deploySteps('redblack', options()))).toEqual(['create', 'waitUp', 'disableOthers']);
    expect(kinds(deploySteps('redblack', options({ delayBeforeDisableSec: 30, scaleDown: true, delayBeforeScaleDownSec: 60, maxRemainingAsgs: 2 })))).toEqual([
      'create',
      'waitUp',
      'delay(30)',
      'disableOthers',
      'delay(60)',
      'scaleDownDisabled',
      'trim(2)',
    ]);
  });

  it('rollbackAlarms: a gate once the new group serves and before any other group is disabled or destroyed', () => {
    const gated = options({ rollbackAlarms: ['app-5xx'], delayBeforeDisableSec: 30 });
    expect(kinds(deploySteps('redblack', gated))).toEqual(['create', 'waitUp', 'delay(30)', 'gate', 'disableOthers']);
    expect(kinds(deploySteps('highlander', gated))).toEqual(['create', 'waitUp', 'gate', 'destroyOthers']);
    expect(kinds(deploySteps('none', gated))).toEqual(['create', 'waitUp', 'gate']);
    const rolling = kinds(deploySteps('rollingredblack', options({ rollbackAlarms: ['a'], targetPercentages: [50, 100] })));
    expect(rolling.indexOf('gate')).toBe(rolling.indexOf('disableOthers') - 1);
  });

  it('rollingredblack grows in steps between pin and unpin', () => {
    expect(kinds(deploySteps('rollingredblack', options({ targetPercentages: [25, 100], delayBeforeDisableSec: 10 })))).toEqual([
      'create',
      'pinSource',
      'grow(25)',
      'waitUp',
      'delay(10)',
      'grow(100)',
      'waitUp',
      'delay(10)',
      'disableOthers',
      'unpin',
    ]);
    expect(deploySteps('rollingredblack', options())[0]).toEqual({ kind: 'create', atZero: true });
  });

  it('rolls back by restoring the old groups before retiring the new one; progressive moves traffic back first and drops its canaries last', () => {
    expect(rollbackSteps('redblack').map((s) => s.kind)).toEqual(['restoreAncestors', 'waitAncestorsUp', 'retireNew']);
    expect(rollbackSteps('progressive').map((s) => s.kind)).toEqual(['closeRoutes', 'restoreAncestors', 'waitAncestorsUp', 'retireNew', 'dropCanaries']);
  });

  it('progressive: canary routes, a shift and a hold per traffic step, bake, then the red/black end with the canaries dropped', () => {
    const steps = deploySteps(
      'progressive',
      options({ trafficSteps: [{ weight: 10, pauseSec: 60 }, { weight: 50 }, { weight: 100 }], bakeTimeSec: 300, scaleDown: true, maxRemainingAsgs: 2 }),
    );
    expect(
      steps.map((s) =>
        'weight' in s
          ? `${s.kind}(${s.weight})`
          : 'step' in s
            ? `${s.kind}[${s.step}]`
            : 'seconds' in s
              ? `${s.kind}(${s.seconds})`
              : 'keep' in s
                ? `${s.kind}(${s.keep})`
                : s.kind,
      ),
    ).toEqual([
      'openRoutes',
      'create',
      'waitUp',
      'shift(10)',
      'hold[0]',
      'shift(50)',
      'hold[1]',
      'shift(100)',
      'hold[2]',
      'bake(300)',
      'adopt',
      'waitUp',
      'disableOthers',
      'closeRoutes',
      'release',
      'waitUp',
      'dropCanaries',
      'scaleDownDisabled',
      'trim(2)',
    ]);
  });

  it('sizes round up', () => {
    expect([sizeAt(4, 25), sizeAt(3, 50), sizeAt(4, 100)]).toEqual([1, 2, 4]);
    expect([expectedUp(3, 100), expectedUp(3, 50), expectedUp(0, 100)]).toEqual([3, 2, 0]);
  });
});

describe('readDeployConfig', () => {
  const example = (file: string) => JSON.parse(readFileSync(join(SPINNAKER_EXAMPLES, file), 'utf8')) as { stages: Array<Record<string, unknown>> };

  it("reads Spinnaker 001's clusters: names, regions from availabilityZones, strategies, loadBalancers as target groups", () => {
    const deploy = example('001.json').stages.find((s) => s.type === 'deploy')!;
    const [west, east] = readDeployConfig(deploy, 'spindemo');
    expect(west).toMatchObject({
      account: 'test',
      cluster: 'spindemo-test-demo',
      regions: ['us-west-1'],
      strategy: 'redblack',
      capacity: { min: 1, max: 1, desired: 1 },
      useSourceCapacity: true,
      options: { maxRemainingAsgs: 2, scaleDown: true, rollbackOnFailure: false, targetHealthyDeployPercentage: 100 },
      launch: {
        instanceType: 'm3.large',
        keyPair: 'keypair',
        iamInstanceProfile: 'myIAMRole',
        targetGroups: ['spindemo-demo-frontend'],
        subnetType: 'mySubnet',
        healthCheckType: 'EC2',
        healthCheckGracePeriod: 600,
      },
    });
    expect(east).toMatchObject({ regions: ['us-east-1'], strategy: 'highlander', capacity: { min: 0, max: 0, desired: 0 } });
  });

  it("reads 036's older single `cluster` with the account on the stage", () => {
    const deploy = example('036.json').stages[1]!;
    expect(readDeployConfig(deploy, 'flex')).toMatchObject([
      { account: 'test', cluster: 'flex-test', regions: ['us-west-1'], strategy: 'highlander', sourceServerGroup: 'flex-test-v016' },
    ]);
  });

  it('reads rollbackAlarms and rollback.destroyOnFailure', () => {
    const [c] = readDeployConfig(
      {
        clusters: [
          {
            application: 'a',
            capacity: { min: 1, max: 1, desired: 1 },
            region: 'us-east-1',
            rollbackAlarms: [' a-5xx', 'a-latency'],
            rollback: { destroyOnFailure: true },
          },
        ],
      },
      'a',
    );
    expect(c!.options).toMatchObject({ rollbackAlarms: ['a-5xx', 'a-latency'], destroyOnFailure: true, rollbackOnFailure: false });
  });

  it('rolling red/black always rolls back and ends at 100%', () => {
    const [c] = readDeployConfig(
      {
        clusters: [
          { application: 'a', capacity: { min: 1, max: 1, desired: 1 }, strategy: 'rollingredblack', targetPercentages: [10, 50], region: 'us-east-1' },
        ],
      },
      'a',
    );
    expect(c!.options).toMatchObject({ rollbackOnFailure: true, targetPercentages: [10, 50, 100] });
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ strategy: 'custom' }, /strategy: must be one of none, redblack, highlander, rollingredblack/],
    [{ capacity: undefined }, /capacity: required/],
    [{ region: undefined, availabilityZones: { mars: [] } }, /"mars" is not a region name/],
    [{ targetHealthyDeployPercentage: 150 }, /targetHealthyDeployPercentage: must be at most 100/],
    [{ rollbackAlarms: 'app-5xx' }, /clusters\[0\]\.rollbackAlarms: must be a list of CloudWatch alarm names/],
    [{ rollbackAlarms: ['a', ''] }, /clusters\[0\]\.rollbackAlarms\[1\]: must be an alarm name/],
  ])('refuses %j', (extra, message) => {
    const entry = { application: 'a', capacity: { min: 1, max: 1, desired: 1 }, region: 'us-east-1', ...extra };
    expect(() => readDeployConfig({ clusters: [entry] }, 'a')).toThrow(StageConfigError);
    expect(() => readDeployConfig({ clusters: [entry] }, 'a')).toThrow(message);
  });
});
