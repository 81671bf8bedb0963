/**
 * Reserved and provisioned concurrency of the plugin's deploy and routing stages: set after the
 * version is published, on the alias the plugin sets it on, waited for until READY (IN_PROGRESS and
 * FAILED driven at the SDK boundary), changed only when it differs; bad input changes nothing.
 */
import type { GetProvisionedConcurrencyConfigCommandOutput } from '@aws-sdk/client-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { provisionedConcurrency } from '../../../functions/core/cloud/lambda/index.js';
import { validatePipeline } from '../../../state-machines/model/validate.js';
import { countCalls, injectFault, MUTATING, removeAllFaults } from '../../support/faults.js';
import { runStages, stageOf } from '../../support/cloud-stages/harness.js';
import { useLambdaAws } from '../../support/lambda/emulator.js';
import { deployStage, functionsClient, functionsWorld, lambdaWorld, publishedVersions, routeStage } from '../../support/lambda/fixtures.js';

const FN = 'test-prod-fn';

async function provisioned(alias = 'live'): Promise<number | undefined> {
  return (await provisionedConcurrency(functionsClient(), FN, alias))?.requested;
}

function writes(calls: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(calls).filter(([op]) => MUTATING.test(op)));
}

function concurrencyWrites(calls: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(writes(calls)).filter(([op]) => /Concurrency/.test(op)));
}

/** GetProvisionedConcurrencyConfig answers `status` for the next `times` reads. */
function allocation(status: 'IN_PROGRESS' | 'FAILED', times: number, reason?: string) {
  return injectFault<GetProvisionedConcurrencyConfigCommandOutput>(functionsClient(), {
    command: 'GetProvisionedConcurrencyConfig',
    times,
    rewrite: (out) => ({ ...out, Status: status, AllocatedProvisionedConcurrentExecutions: 0, ...(reason ? { StatusReason: reason } : {}) }),
  });
}

describe('Lambda concurrency', () => {
  useLambdaAws();
  beforeEach(async () => lambdaWorld());
  afterEach(() => removeAllFaults());

  describe('Aws.LambdaDeploymentStage', () => {
    it('puts provisioned concurrency on the alias once it points at the published version, and reserved concurrency on the function', async () => {
      const counter = countCalls(functionsClient());
      const run = await runStages({ stages: [deployStage({ provisionedConcurrentExecutions: 5, reservedConcurrentExecutions: 20 })] });
      const calls = counter.counts();
      counter.remove();
      expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
      expect(writes(calls)).toMatchObject({ PutProvisionedConcurrencyConfig: 1, PutFunctionConcurrency: 1, PublishVersion: 1, CreateAlias: 1 });
      const world = (await functionsWorld())[FN]!;
      expect(world.reserved).toBe(20);
      expect(world.aliases).toEqual([{ name: 'live', version: '1', weights: {}, provisioned: 5 }]);
    });

    it('changes neither when they are as the stage asks, and changes only provisioned when only it differs', async () => {
      await runStages({ stages: [deployStage({ provisionedConcurrentExecutions: 5, reservedConcurrentExecutions: 20 })] });
      let counter = countCalls(functionsClient());
      await runStages({ stages: [deployStage({ provisionedConcurrentExecutions: 5, reservedConcurrentExecutions: 20 })] }, { executionId: 'exec-2' });
      expect(concurrencyWrites(counter.counts())).toEqual({});
      counter.remove();
      counter = countCalls(functionsClient());
      const run = await runStages(
        { stages: [deployStage({ provisionedConcurrentExecutions: 8, reservedConcurrentExecutions: 20 })] },
        { executionId: 'exec-3' },
      );
      expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
      expect(concurrencyWrites(counter.counts())).toEqual({ PutProvisionedConcurrencyConfig: 1 });
      counter.remove();
      expect(await provisioned()).toBe(8);
    });

    it('removes reserved concurrency when the field is unset (as the plugin), and leaves provisioned concurrency', async () => {
      await runStages({ stages: [deployStage({ provisionedConcurrentExecutions: 5, reservedConcurrentExecutions: 20 })] });
      const run = await runStages({ stages: [deployStage()] }, { executionId: 'exec-2' });
      expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
      const world = (await functionsWorld())[FN]!;
      expect(world.reserved).toBeUndefined();
      expect(world.aliases[0]!.provisioned).toBe(5);
    });

    it('waits while Lambda allocates (IN_PROGRESS), then succeeds', async () => {
      const fault = allocation('IN_PROGRESS', 3);
      const run = await runStages({ stages: [deployStage({ provisionedConcurrentExecutions: 5 })] });
      expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
      expect(fault.triggered).toBe(3);
      expect(run.calls['1']).toBe(3);
      expect(await provisioned()).toBe(5);
    });

    it('fails the stage naming Lambda’s reason when the allocation it asked for FAILED', async () => {
      allocation('FAILED', 100, 'not enough unreserved concurrency');
      const run = await runStages({ stages: [deployStage({ provisionedConcurrentExecutions: 5 })] });
      expect(stageOf(run, '1').status).toBe('TERMINAL');
      expect(stageOf(run, '1').error).toMatch(/provisioned concurrency of 5 on test-prod-fn:live failed: not enough unreserved concurrency/);
    });

    it('refuses, before anything is created, provisioned concurrency Lambda could not give', async () => {
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ publish: false, provisionedConcurrentExecutions: 5 }, /provisionedConcurrentExecutions: alias live would point at \$LATEST/],
        [{ aliasName: 'other', provisionedConcurrentExecutions: 5 }, /aliasName: function test-prod-fn has no alias other and this deploy does not create it/],
        [
          { aliases: ['live', 'beta'], provisionedConcurrentExecutions: 5 },
          /aliasName: required with provisionedConcurrentExecutions \(the alias it applies to: one of live, beta\)/,
        ],
        [{ provisionedConcurrentExecutions: '${5000}' }, /provisionedConcurrentExecutions: must be a whole number from 0 to 3000 \(got 5000\)/],
      ];
      for (const [i, [extra, message]] of cases.entries()) {
        const counter = countCalls(functionsClient());
        const run = await runStages({ stages: [deployStage(extra)] }, { executionId: `exec-bad-${i}` });
        expect(stageOf(run, '1').status, JSON.stringify(extra)).toBe('TERMINAL');
        expect(stageOf(run, '1').error).toMatch(message);
        expect(writes(counter.counts()), JSON.stringify(extra)).toEqual({});
        counter.remove();
      }
      expect(await functionsWorld()).toEqual({});
      const invalid = validatePipeline({ application: 'test', name: 'p', stages: [deployStage({ provisionedConcurrentExecutions: 5000 })] });
      expect(invalid.errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
        '$.stages[0].provisionedConcurrentExecutions: must be a whole number from 0 to 3000 (got 5000)',
      ]);
    });
  });

  describe('Aws.LambdaTrafficRoutingStage', () => {
    beforeEach(async () => publishedVersions(3, runStages));

    it('$SIMPLE sets it on the alias after moving it, waits for READY, and 0 removes it', async () => {
      const fault = allocation('IN_PROGRESS', 2);
      let run = await runStages({ stages: [routeStage({ deploymentStrategy: '$SIMPLE', versionNameA: '$LATEST', provisionedConcurrentExecutions: 4 })] });
      expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
      expect(fault.triggered).toBe(2);
      expect((await functionsWorld())[FN]!.aliases).toEqual([{ name: 'live', version: '3', weights: {}, provisioned: 4 }]);
      run = await runStages(
        { stages: [routeStage({ deploymentStrategy: '$SIMPLE', versionNameA: '$LATEST', provisionedConcurrentExecutions: 0 })] },
        { executionId: 'exec-2' },
      );
      expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
      expect(await provisioned()).toBeUndefined();
    });

    it('waits again after moving an alias that keeps its value (Lambda re-allocates for the new version)', async () => {
      await runStages({ stages: [routeStage({ deploymentStrategy: '$SIMPLE', versionNameA: '2', provisionedConcurrentExecutions: 4 })] });
      const counter = countCalls(functionsClient());
      const fault = allocation('IN_PROGRESS', 1);
      const run = await runStages(
        { stages: [routeStage({ deploymentStrategy: '$SIMPLE', versionNameA: '3', provisionedConcurrentExecutions: 4 })] },
        { executionId: 'exec-2' },
      );
      expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
      expect(fault.triggered).toBe(1);
      expect(writes(counter.counts())).toEqual({ UpdateAlias: 1 });
      counter.remove();
    });

    it('$WEIGHTED leaves provisioned concurrency alone, as the plugin does', async () => {
      const counter = countCalls(functionsClient());
      const run = await runStages({
        stages: [
          routeStage({
            deploymentStrategy: '$WEIGHTED',
            versionNameA: '$LATEST',
            trafficPercentA: 90,
            versionNameB: '$PREVIOUS',
            provisionedConcurrentExecutions: 4,
          }),
        ],
      });
      expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
      expect(counter.counts().PutProvisionedConcurrencyConfig ?? 0).toBe(0);
      counter.remove();
    });

    it('$BLUEGREEN puts it on the alias once the new version passed', async () => {
      const run = await runStages({
        stages: [routeStage({ deploymentStrategy: '$BLUEGREEN', lambdaPayload: '{"a":1}', lambdaOutput: '{"a":1}', provisionedConcurrentExecutions: 3 })],
      });
      expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
      expect((await functionsWorld())[FN]!.aliases).toEqual([{ name: 'live', version: '3', weights: {}, provisioned: 3 }]);
    });
  });
});
