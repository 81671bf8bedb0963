/** Aws.LambdaDeploymentStage and Aws.LambdaUpdateCodeStage against moto's Lambda. */
import type { GetFunctionCommandOutput } from '@aws-sdk/client-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validatePipeline } from '../../../state-machines/model/validate.js';
import { countCalls, injectFault, MUTATING, removeAllFaults } from '../../support/faults.js';
import { runStages, stageOf } from '../../support/cloud-stages/harness.js';
import { BUCKET, createQueue, deployStage, functionsClient, functionsWorld, lambdaWorld, putCode } from '../../support/lambda/fixtures.js';
import { useLambdaAws } from '../../support/lambda/emulator.js';

describe('Aws.LambdaDeploymentStage', () => {
  useLambdaAws();
  beforeEach(async () => lambdaWorld());
  afterEach(() => removeAllFaults());

  it('creates the function with the plugin fields, publishes version 1 and points the aliases at it', async () => {
    const run = await runStages({ stages: [deployStage()] });
    const stage = stageOf(run, '1');
    expect(stage.status, stage.error).toBe('SUCCEEDED');
    expect(stage.outputs).toMatchObject({ functionName: 'test-prod-fn', version: '1', lambdaCreated: true, lambdaVersionPublished: true, aliases: ['live'] });
    expect(stage.context.functionName).toBe('test-prod-fn');
    const world = await functionsWorld();
    expect(world['test-prod-fn']).toMatchObject({
      config: { Runtime: 'nodejs22.x', Handler: 'index.handler', MemorySize: 128, Timeout: 3, Description: 'first', Environment: { STAGE: 'prod' } },
      tags: { team: 'payments', 'gennaker:application': 'test', 'gennaker:execution-id': 'exec-1' },
      versions: [{ version: 1 }],
      aliases: [{ name: 'live', version: '1', weights: {} }],
    });
  });

  it('prefixes a name without the application, as clouddriver does', async () => {
    const run = await runStages({ stages: [deployStage({ functionName: 'worker' })] });
    expect(stageOf(run, '1').outputs.functionName).toBe('test-worker');
    expect(Object.keys(await functionsWorld())).toEqual(['test-worker']);
  });

  it('changes only what differs on an existing function, and publishes once', async () => {
    await runStages({ stages: [deployStage()] });
    const lambda = functionsClient();
    const counter = countCalls(lambda);
    const run = await runStages(
      { stages: [deployStage({ memorySize: 1024, description: 'second', s3key: 'app/v2.zip', tags: { team: 'payments', tier: 'gold' } })] },
      { executionId: 'exec-2' },
    );
    expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
    const calls = counter.counts();
    counter.remove();
    expect(Object.fromEntries(Object.entries(calls).filter(([op]) => MUTATING.test(op) || /^(Tag|Untag|Publish)/.test(op)))).toEqual({
      UpdateFunctionCode: 1,
      UpdateFunctionConfiguration: 1,
      TagResource: 1,
      PublishVersion: 1,
    });
    const fn = (await functionsWorld())['test-prod-fn']!;
    expect(fn.config).toMatchObject({ MemorySize: 1024, Description: 'second', Environment: { STAGE: 'prod' } });
    expect(fn.tags).toMatchObject({ tier: 'gold', 'gennaker:execution-id': 'exec-2' });
    expect(fn.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(stageOf(run, '1').outputs).toMatchObject({ version: '2', lambdaCreated: false, lambdaVersionPublished: true });
  });

  it('publishes no new version when neither code nor configuration changed', async () => {
    await runStages({ stages: [deployStage()] });
    const lambda = functionsClient();
    const counter = countCalls(lambda);
    const run = await runStages({ stages: [deployStage()] }, { executionId: 'exec-2' });
    const calls = counter.counts();
    counter.remove();
    expect(calls.UpdateFunctionConfiguration ?? 0).toBe(0);
    expect(calls.PublishVersion ?? 0).toBe(0);
    expect(calls.UpdateAlias ?? 0).toBe(0);
    expect(stageOf(run, '1').outputs).toMatchObject({ version: '1', lambdaVersionPublished: false });
    expect((await functionsWorld())['test-prod-fn']!.versions).toHaveLength(1);
  });

  it('waits for a function Lambda is still updating (State Pending, LastUpdateStatus InProgress) instead of failing', async () => {
    await runStages({ stages: [deployStage()] });
    const lambda = functionsClient();
    let n = 0;
    injectFault<GetFunctionCommandOutput>(lambda, {
      command: 'GetFunction',
      rewrite: (out) => {
        n += 1;
        if (n > 3) return out;
        const busy = n === 1 ? { State: 'Pending' as const } : { LastUpdateStatus: 'InProgress' as const };
        return { ...out, Configuration: { ...out.Configuration, ...busy } };
      },
    });
    const run = await runStages({ stages: [deployStage({ memorySize: 256 })] }, { executionId: 'exec-2' });
    const stage = stageOf(run, '1');
    expect(stage.status, stage.error).toBe('SUCCEEDED');
    expect(run.calls['1']).toBe(4);
    expect((await functionsWorld())['test-prod-fn']!.config.MemorySize).toBe(256);
  });

  it('waits out a ResourceConflictException (an update in progress) and then applies the change', async () => {
    await runStages({ stages: [deployStage()] });
    const lambda = functionsClient();
    injectFault(lambda, {
      command: 'UpdateFunctionConfiguration',
      error: () =>
        Object.assign(new Error('The operation cannot be performed at this time. An update is in progress for resource'), {
          name: 'ResourceConflictException',
          $fault: 'client',
          $metadata: { httpStatusCode: 409 },
        }),
    });
    const run = await runStages({ stages: [deployStage({ timeout: 30 })] }, { executionId: 'exec-2' });
    expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
    expect(run.calls['1']).toBe(2);
    expect((await functionsWorld())['test-prod-fn']!.config.Timeout).toBe(30);
  });

  it('maps triggerArns and removes mappings no longer listed', async () => {
    const queue = await createQueue('jobs');
    const other = await createQueue('other');
    await runStages({ stages: [deployStage({ triggerArns: [queue, other], batchsize: 5 })] });
    expect((await functionsWorld())['test-prod-fn']!.mappings).toEqual([queue, other].sort());
    await runStages({ stages: [deployStage({ triggerArns: [queue] })] }, { executionId: 'exec-2' });
    expect((await functionsWorld())['test-prod-fn']!.mappings).toEqual([queue]);
  });

  it('sets and removes reserved concurrency', async () => {
    await runStages({ stages: [deployStage({ reservedConcurrentExecutions: 5 })] });
    expect((await functionsWorld())['test-prod-fn']!.reserved).toBe(5);
    await runStages({ stages: [deployStage()] }, { executionId: 'exec-2' });
    expect((await functionsWorld())['test-prod-fn']!.reserved).toBeUndefined();
  });

  describe('bad input: a clear stage error, nothing changed', () => {
    it.each([
      ['no code location', { s3bucket: '${parameters.none}', s3key: '${parameters.none}' }, /s3bucket: required \(the code location/],
      ['an alias that is not a name', { aliases: ['no spaces'] }, /aliases: "no spaces" is not an alias name/],
      [
        'a function ARN of another application',
        { functionName: 'arn:aws:lambda:us-east-1:123456789012:function:billing-prod-fn' },
        /functionName: function billing-prod-fn belongs to application billing, not test/,
      ],
      ['memory out of range', { memorySize: '${parameters.small}' }, /memorySize: must be/],
      ['a role that is not an ARN', { role: 'admin' }, /role: "admin" is not an IAM role ARN/],
      ['Lambda@Edge outside its limits', { enableLambdaAtEdge: true, timeout: 30 }, /timeout: Lambda@Edge/],
    ])('%s', async (_what, extra, message) => {
      // Values from expressions reach the stage unchecked by the validator: the stage checks them.
      const run = await runStages(
        { parameterConfig: [{ name: 'none' }, { name: 'small' }], stages: [deployStage(extra)] },
        { parameters: { none: '', small: 64 } },
      );
      const stage = stageOf(run, '1');
      expect(stage.status).toBe('TERMINAL');
      expect(stage.error).toMatch(message);
      expect(stage.error).not.toMatch(/\n\s+at /);
      expect(await functionsWorld()).toEqual({});
    });

    it('is refused by the validator when literal', () => {
      const result = validatePipeline({ application: 'test', name: 'p', stages: [deployStage({ s3bucket: '', s3key: '', memorySize: 64, aliases: 3 })] });
      expect(result.errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
        '$.stages[0].s3bucket: required (the code location: s3bucket and s3key, or codeArtifact)',
        '$.stages[0].memorySize: must be a whole number from 128 to 10240 (got 64)',
        '$.stages[0].aliases: must be a list',
      ]);
    });

    it('a function another application made', async () => {
      await runStages({ stages: [deployStage()] });
      const before = await functionsWorld();
      const run = await runStages({ application: 'other', stages: [deployStage({ functionName: 'test-prod-fn' })] }, { executionId: 'exec-2' });
      expect(stageOf(run, '1').status).toBe('TERMINAL');
      expect(stageOf(run, '1').error).toBe('functionName: function test-prod-fn belongs to application test, not other');
      expect(await functionsWorld()).toEqual(before);
    });
  });
});

describe('Aws.LambdaUpdateCodeStage', () => {
  useLambdaAws();
  beforeEach(async () => lambdaWorld());

  it('updates the code and publishes a version', async () => {
    await runStages({ stages: [deployStage()] });
    const run = await runStages(
      {
        stages: [
          {
            refId: '1',
            name: 'Update code',
            type: 'Aws.LambdaUpdateCodeStage',
            functionName: 'test-prod-fn',
            region: 'us-east-1',
            s3bucket: BUCKET,
            s3key: 'app/v2.zip',
            publish: true,
          },
        ],
      },
      { executionId: 'exec-2' },
    );
    expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
    const fn = (await functionsWorld())['test-prod-fn']!;
    expect(fn.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(fn.versions[0]!.codeSha256).not.toBe(fn.versions[1]!.codeSha256);
  });

  it('refuses a function that does not exist', async () => {
    await putCode('app/v3.zip', 'three');
    const run = await runStages({
      stages: [
        {
          refId: '1',
          name: 'Update code',
          type: 'Aws.LambdaUpdateCodeStage',
          functionName: 'nope',
          region: 'us-east-1',
          s3bucket: BUCKET,
          s3key: 'app/v3.zip',
        },
      ],
    });
    expect(stageOf(run, '1').status).toBe('TERMINAL');
    expect(stageOf(run, '1').error).toMatch(/function test-nope does not exist/);
  });
});
