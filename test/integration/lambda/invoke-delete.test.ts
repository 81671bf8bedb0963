/** Aws.LambdaInvokeStage and Aws.LambdaDeleteStage against moto's Lambda (invocations without Docker). */
import type { InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { injectFault, removeAllFaults } from '../../support/faults.js';
import { runStages, stageOf } from '../../support/cloud-stages/harness.js';
import { functionsClient, functionsWorld, lambdaWorld, publishedVersions, routeStage } from '../../support/lambda/fixtures.js';
import { useLambdaAws } from '../../support/lambda/emulator.js';

const invokeStage = (extra: Record<string, unknown> = {}) => ({
  refId: '1',
  name: 'Invoke',
  type: 'Aws.LambdaInvokeStage',
  account: '',
  region: 'us-east-1',
  functionName: 'test-prod-fn',
  aliasName: 'live',
  executionCount: 2,
  lambdaPayload: '{"order": 7}',
  timeout: 30,
  ...extra,
});
const deleteStage = (extra: Record<string, unknown>) => ({
  refId: '1',
  name: 'AWS Lambda Destroy',
  type: 'Aws.LambdaDeleteStage',
  account: '',
  region: 'us-east-1',
  functionName: 'test-prod-fn',
  ...extra,
});
const versions = async () => (await functionsWorld())['test-prod-fn']?.versions.map((v) => v.version);

describe('Aws.LambdaInvokeStage', () => {
  useLambdaAws();
  beforeEach(async () => {
    await lambdaWorld();
    await publishedVersions(1, runStages);
  });
  afterEach(() => removeAllFaults());

  it('invokes executionCount times and puts each output and log tail in invokeResultsList', async () => {
    injectFault<InvokeCommandOutput>(functionsClient(), {
      command: 'Invoke',
      rewrite: (out) => ({ ...out, LogResult: Buffer.from('START RequestId: 1\nEND').toString('base64') }),
    });
    const run = await runStages({ stages: [invokeStage()] });
    const stage = stageOf(run, '1');
    expect(stage.status, stage.error).toBe('SUCCEEDED');
    expect(stage.outputs.invokeResultsList).toEqual([
      { body: '{"order": 7}', statusCode: 200, logs: 'START RequestId: 1\nEND' },
      { body: '{"order": 7}', statusCode: 200, logs: 'START RequestId: 1\nEND' },
    ]);
  });

  it('fails on a function error, with the error in the outputs', async () => {
    injectFault<InvokeCommandOutput>(functionsClient(), {
      command: 'Invoke',
      times: 1,
      rewrite: (out) => ({
        ...out,
        FunctionError: 'Unhandled',
        Payload: new TextEncoder().encode('{"errorMessage":"bad order"}') as InvokeCommandOutput['Payload'],
      }),
    });
    const run = await runStages({ stages: [invokeStage()] });
    expect(stageOf(run, '1').status).toBe('TERMINAL');
    expect(stageOf(run, '1').error).toBe('test-prod-fn:live failed: invocation 1: Unhandled: {"errorMessage":"bad order"}');
    expect((stageOf(run, '1').outputs.invokeResultsList as unknown[]).length).toBe(2);
  });

  it('refuses a payload that is not JSON and a function that does not exist', async () => {
    let run = await runStages({ stages: [invokeStage({ lambdaPayload: 'not json' })] });
    expect(stageOf(run, '1').error).toBe('lambdaPayload: must be JSON (Lambda invokes with a JSON document)');
    run = await runStages({ stages: [invokeStage({ functionName: 'missing' })] }, { executionId: 'exec-2' });
    expect(stageOf(run, '1').error).toMatch(/function test-missing does not exist/);
  });
});

describe('Aws.LambdaDeleteStage', () => {
  useLambdaAws();
  beforeEach(async () => {
    await lambdaWorld();
    await publishedVersions(4, runStages);
  });

  it('deletes the previous version, and refuses one an alias routes traffic to (nothing deleted)', async () => {
    let run = await runStages({ stages: [deleteStage({ version: '$PREVIOUS' })] });
    expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
    expect(await versions()).toEqual([4, 2, 1]);
    await runStages(
      { stages: [routeStage({ deploymentStrategy: '$WEIGHTED', versionNameA: '4', trafficPercentA: 80, versionNameB: '2' })] },
      { executionId: 'exec-route' },
    );
    run = await runStages({ stages: [deleteStage({ version: '$PROVIDED', versionNumber: '2' })] }, { executionId: 'exec-2' });
    expect(stageOf(run, '1').status).toBe('TERMINAL');
    expect(stageOf(run, '1').error).toBe('version: version 2 of test-prod-fn receives traffic through alias live; move the alias before deleting it');
    expect(await versions()).toEqual([4, 2, 1]);
  });

  it('$MOVING deletes all but the newest retentionNumber, keeping versions an alias points at', async () => {
    await runStages({ stages: [routeStage({ deploymentStrategy: '$SIMPLE', versionNameA: '2' })] }, { executionId: 'exec-route' });
    const run = await runStages({ stages: [deleteStage({ version: '$MOVING', retentionNumber: 1 })] });
    expect(stageOf(run, '1').outputs).toMatchObject({ deletedVersions: ['3', '1'], keptInUse: ['2'] });
    expect(await versions()).toEqual([4, 2]);
  });

  it('$ALL deletes the function; nothing to delete succeeds saying so (the plugin scenarios 7 and 8)', async () => {
    let run = await runStages({ stages: [deleteStage({ version: '$ALL' })] });
    expect(stageOf(run, '1').status).toBe('SUCCEEDED');
    expect(await functionsWorld()).toEqual({});
    run = await runStages({ stages: [deleteStage({ version: '$LATEST' })] }, { executionId: 'exec-2' });
    expect(stageOf(run, '1').outputs.message).toMatch(/does not exist; nothing to delete/);
  });
});
