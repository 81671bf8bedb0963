/** Aws.LambdaTrafficRoutingStage: $SIMPLE, $WEIGHTED, $BLUEGREEN, $PROGRESSIVE against moto's Lambda. */
import { putAlarm, setAlarmState } from '../../../local/alarms.js';
import type { InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cloudwatchClient } from '../../../functions/core/aws-clients.js';
import { countCalls, injectFault, removeAllFaults } from '../../support/faults.js';
import { runStages, stageOf } from '../../support/cloud-stages/harness.js';
import { deployStage, functionsClient, functionsWorld, lambdaWorld, publishedVersions, putCode, routeStage } from '../../support/lambda/fixtures.js';
import { useLambdaAws } from '../../support/lambda/emulator.js';

const alias = async () => (await functionsWorld())['test-prod-fn']!.aliases.find((a) => a.name === 'live')!;
const versions = async () => (await functionsWorld())['test-prod-fn']!.versions.map((v) => v.version);

describe('Aws.LambdaTrafficRoutingStage', () => {
  useLambdaAws();
  beforeEach(async () => {
    await lambdaWorld();
    await publishedVersions(3, runStages);
  });
  afterEach(() => removeAllFaults());

  it('$SIMPLE routes the alias to one version, named as the plugin names them', async () => {
    const run = await runStages({ stages: [routeStage({ deploymentStrategy: '$SIMPLE', versionNameA: '$PREVIOUS' })] });
    expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
    expect(await alias()).toEqual({ name: 'live', version: '2', weights: {} });
    expect(stageOf(run, '1').outputs).toMatchObject({
      'deployment:aliasDeployed': 'live',
      'deployment:majorVersionDeployed': '2',
      'deployment:strategyUsed': 'SimpleDeploymentStrategy',
    });
    await runStages({ stages: [routeStage({ deploymentStrategy: '$SIMPLE', versionNameA: '$PROVIDED', versionNumberA: '1' })] }, { executionId: 'exec-2' });
    expect(await alias()).toEqual({ name: 'live', version: '1', weights: {} });
    await runStages({ stages: [routeStage({ deploymentStrategy: '$SIMPLE', versionNameA: '$OLDEST', aliasName: 'stable' })] }, { executionId: 'exec-3' });
    expect((await functionsWorld())['test-prod-fn']!.aliases.find((a) => a.name === 'stable')).toEqual({ name: 'stable', version: '1', weights: {} });
  });

  it('$WEIGHTED splits the alias between two versions by trafficPercentA', async () => {
    const run = await runStages({
      stages: [routeStage({ deploymentStrategy: '$WEIGHTED', versionNameA: '$LATEST', trafficPercentA: 90, versionNameB: '$PREVIOUS', trafficPercentB: 10 })],
    });
    expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
    expect(await alias()).toEqual({ name: 'live', version: '3', weights: { '2': 0.1 } });
    expect(stageOf(run, '1').outputs).toMatchObject({ 'deployment:majorVersionDeployed': '3', 'deployment:minorVersionDeployed': '2' });
  });

  describe('bad input: a clear stage error, the alias unchanged', () => {
    it.each([
      [
        'weights over 100',
        { deploymentStrategy: '$WEIGHTED', versionNameA: '$LATEST', trafficPercentA: '${parameters.pct}', versionNameB: '$PREVIOUS' },
        /trafficPercentA: must be a whole number from 0 to 100 \(got 150\)/,
      ],
      [
        'a version that does not exist',
        { deploymentStrategy: '$SIMPLE', versionNameA: '$PROVIDED', versionNumberA: '${parameters.nine}' },
        /versionNumberA: function test-prod-fn has no version 9 \(published versions: 3, 2, 1\)/,
      ],
      [
        'the same version twice in a split',
        { deploymentStrategy: '$WEIGHTED', versionNameA: '3', trafficPercentA: 50, versionNameB: '$LATEST' },
        /versionNameB: is the same version as versionNameA \(3\)/,
      ],
      [
        'a function of another application',
        { deploymentStrategy: '$SIMPLE', versionNameA: '1', functionName: 'arn:aws:lambda:us-east-1:123456789012:function:billing-fn' },
        /functionName: function billing-fn belongs to application billing, not test/,
      ],
    ])('%s', async (_what, extra, message) => {
      const before = await functionsWorld();
      const run = await runStages(
        { parameterConfig: [{ name: 'pct' }, { name: 'nine' }], stages: [routeStage(extra)] },
        { parameters: { pct: 150, nine: '9' } },
      );
      expect(stageOf(run, '1').status).toBe('TERMINAL');
      expect(stageOf(run, '1').error).toMatch(message);
      expect(await functionsWorld()).toEqual(before);
    });

    it('literal weights over 100 are refused by the validator', async () => {
      const { validatePipeline } = await import('../../../state-machines/model/validate.js');
      const result = validatePipeline({
        application: 'test',
        name: 'p',
        stages: [routeStage({ deploymentStrategy: '$WEIGHTED', versionNameA: '$LATEST', trafficPercentA: 120, versionNameB: '$PREVIOUS' })],
      });
      expect(result.errors.map((e) => e.message)).toEqual(['must be a whole number from 0 to 100 (got 120)']);
    });
  });

  describe('$BLUEGREEN', () => {
    const blueGreen = (extra: Record<string, unknown> = {}) =>
      routeStage({ deploymentStrategy: '$BLUEGREEN', lambdaPayload: '{"ping": 1}', lambdaOutput: '{"ping":1}', timeout: 30, ...extra });

    it('invokes the newest version, and on the expected output moves all traffic to it', async () => {
      await runStages({ stages: [routeStage({ deploymentStrategy: '$SIMPLE', versionNameA: '2' })] }, { executionId: 'exec-0' });
      const run = await runStages({ stages: [blueGreen()] });
      expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
      expect(await alias()).toEqual({ name: 'live', version: '3', weights: {} });
    });

    it('on another output leaves traffic alone and, with destroyOnFail, deletes the tested version', async () => {
      await runStages({ stages: [routeStage({ deploymentStrategy: '$SIMPLE', versionNameA: '2' })] }, { executionId: 'exec-0' });
      const run = await runStages({ stages: [blueGreen({ lambdaOutput: '{"pong": 1}', destroyOnFail: true })] });
      expect(stageOf(run, '1').status).toBe('TERMINAL');
      expect(stageOf(run, '1').error).toMatch(
        /comparison failed: expected \[\{"pong":1\}\], actual \[\{"ping":1\}\]; alias live left as it was, version 3 deleted \(destroyOnFail\)/,
      );
      expect(await alias()).toEqual({ name: 'live', version: '2', weights: {} });
      expect(await versions()).toEqual([2, 1]);
    });

    it('fails on a function error (driven at the SDK boundary) and keeps the version without destroyOnFail', async () => {
      await runStages({ stages: [routeStage({ deploymentStrategy: '$SIMPLE', versionNameA: '2' })] }, { executionId: 'exec-0' });
      injectFault<InvokeCommandOutput>(functionsClient(), {
        command: 'Invoke',
        rewrite: (out) => ({
          ...out,
          FunctionError: 'Unhandled',
          Payload: new TextEncoder().encode('{"errorMessage":"boom"}') as InvokeCommandOutput['Payload'],
        }),
      });
      const run = await runStages({ stages: [blueGreen()] });
      expect(stageOf(run, '1').error).toMatch(/the function failed \(Unhandled\): \{"errorMessage":"boom"\}/);
      expect(await alias()).toEqual({ name: 'live', version: '2', weights: {} });
      expect(await versions()).toEqual([3, 2, 1]);
    });
  });

  describe('$PROGRESSIVE (trafficSteps and rollbackAlarms, as ECS/EC2 progressive deploys)', () => {
    const steps = [{ weight: 10, pauseSec: 60 }, { weight: 50, pauseSec: 60 }, { weight: 100 }];
    const progressive = (extra: Record<string, unknown> = {}) => routeStage({ deploymentStrategy: '$PROGRESSIVE', trafficSteps: steps, ...extra });
    const onVersion2 = () => runStages({ stages: [routeStage({ deploymentStrategy: '$SIMPLE', versionNameA: '2' })] }, { executionId: 'exec-0' });
    const alarm = (name: string) => putAlarm(cloudwatchClient(), name, { metric: 'lambda-errors' });

    it('moves the weight step by step, holding each, to all traffic on the new version', async () => {
      await onVersion2();
      await alarm('fn-errors');
      const seen: unknown[] = [];
      const run = await runStages(
        { stages: [progressive({ rollbackAlarms: ['fn-errors'] })] },
        { beforeCall: async () => void seen.push((await alias()).weights) },
      );
      expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
      expect(await alias()).toEqual({ name: 'live', version: '3', weights: {} });
      expect(seen).toContainEqual({ '3': 0.1 });
      expect(seen).toContainEqual({ '3': 0.5 });
      expect(stageOf(run, '1').outputs).toMatchObject({
        previousVersion: '2',
        newVersion: '3',
        trafficPercent: 100,
        'deployment:majorVersionDeployed': '3',
        'deployment:minorVersionDeployed': null,
      });
      expect(run.clock.now() - Date.parse('2030-01-01T00:00:00Z')).toBeGreaterThanOrEqual(120_000);
    });

    it('deploy, progressive routing, deploy: the deploys publish and leave the alias to the routing stage, which alone moves the weights', async () => {
      await onVersion2();
      await putCode('app/build-4.zip', 'build 4');
      await putCode('app/build-5.zip', 'build 5');
      const counter = countCalls(functionsClient());
      const seen: unknown[] = [];
      const run = await runStages(
        {
          stages: [
            deployStage({ s3key: 'app/build-4.zip' }),
            { ...progressive({ versionNameA: '$LATEST' }), refId: '2', requisiteStageRefIds: ['1'] },
            { ...deployStage({ s3key: 'app/build-5.zip' }), refId: '3', requisiteStageRefIds: ['2'] },
          ],
        },
        { executionId: 'exec-4', beforeCall: async (ref) => void (ref === '2' && seen.push((await alias()).weights)) },
      );
      const calls = counter.counts();
      counter.remove();
      for (const ref of ['1', '2', '3']) expect(stageOf(run, ref).status, stageOf(run, ref).error).toBe('SUCCEEDED');
      expect(stageOf(run, '1').outputs).toMatchObject({ version: '4', lambdaVersionPublished: true, aliases: ['live'] });
      expect(stageOf(run, '2').outputs).toMatchObject({ previousVersion: '2', newVersion: '4', trafficPercent: 100 });
      expect(seen).toContainEqual({ '4': 0.1 });
      expect(seen).toContainEqual({ '4': 0.5 });
      expect(stageOf(run, '3').outputs).toMatchObject({ version: '5', lambdaVersionPublished: true });
      // Only the routing stage touched the alias: the 10% and 50% steps and the final move.
      expect(calls.UpdateAlias).toBe(3);
      expect(calls.CreateAlias ?? 0).toBe(0);
      expect(await alias()).toEqual({ name: 'live', version: '4', weights: {} });
      expect(await versions()).toEqual([5, 4, 3, 2, 1]);
    });

    it('a deploy leaves a weighted alias as the routing stage set it', async () => {
      await runStages({ stages: [routeStage({ deploymentStrategy: '$WEIGHTED', versionNameA: '2', versionNameB: '3', trafficPercentA: 70 })] });
      await putCode('app/build-4.zip', 'build 4');
      const run = await runStages({ stages: [deployStage({ s3key: 'app/build-4.zip' })] }, { executionId: 'exec-4' });
      expect(stageOf(run, '1').outputs).toMatchObject({ version: '4' });
      expect(await alias()).toEqual({ name: 'live', version: '2', weights: { '3': 0.3 } });
    });

    it('an alarm in ALARM during a hold moves all traffic back at once, naming the alarm', async () => {
      await onVersion2();
      await alarm('fn-errors');
      const run = await runStages(
        { stages: [progressive({ rollbackAlarms: ['fn-errors'] })] },
        {
          beforeCall: async (_ref, call) => {
            if (call === 3) await setAlarmState(cloudwatchClient(), 'fn-errors', 'ALARM', 'errors up');
          },
        },
      );
      expect(stageOf(run, '1').status).toBe('TERMINAL');
      expect(stageOf(run, '1').error).toMatch(
        /rollbackAlarms: alarm fn-errors is in ALARM \(errors up\) at (10|50)% on version 3; alias live moved back to version 2/,
      );
      expect(await alias()).toEqual({ name: 'live', version: '2', weights: {} });
    });

    it('a missing alarm stops it before any traffic moves, and steps that do not end at 100 are refused at validation', async () => {
      await onVersion2();
      const run = await runStages({ stages: [progressive({ rollbackAlarms: ['nope'] })] });
      expect(stageOf(run, '1').error).toMatch(/rollbackAlarms: no CloudWatch alarm nope/);
      await expect(
        runStages({ stages: [progressive({ trafficSteps: [{ weight: 50, pauseSec: 10 }, { weight: 90 }] })] }, { executionId: 'exec-2' }),
      ).rejects.toThrow(/trafficSteps\[1\]\.weight: .*100/);
      expect(await alias()).toEqual({ name: 'live', version: '2', weights: {} });
    });
  });
});
