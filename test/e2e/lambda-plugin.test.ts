/**
 * The AWS Lambda plugin's public Scenario 1 export (shared/spinnaker-examples/071.json), compiled and
 * run in the local Step Functions engine against moto, followed by the plugin's other stages the
 * way its test scenarios chain them: route the alias, invoke it, delete the function by an
 * expression on the deploy stage's context (Scenario 6).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localStageFamilies } from '../../local/run-local.js';
import { LocalRuntime } from '../../local/runtime.js';
import { ACCOUNT_ID, createRole, functionsWorld, putCode } from '../support/lambda/fixtures.js';
import { useLambdaAws } from '../support/lambda/emulator.js';
import { pipelineOf } from '../support/local.js';
import { SPINNAKER_EXAMPLES } from '../support/fixtures.js';

const EXPORT = join(SPINNAKER_EXAMPLES, '071.json');

describe('the Lambda plugin scenario export, run end to end', () => {
  useLambdaAws();

  it('deploys, routes, invokes and deletes through the compiled pipeline', async () => {
    // The export's `{}` stands for the application (the plugin's configureTesting.py fills it in), and
    // its role names the plugin's test account; here the emulator's.
    const text = readFileSync(EXPORT, 'utf8').replaceAll('{}', 'sandbox').replace('111122223333', ACCOUNT_ID);
    const exported = JSON.parse(text) as { application: string; stages: Record<string, unknown>[] };
    const deploy = exported.stages[0]!;
    await createRole('spinnaker-lambda-role');
    await putCode(String(deploy.s3key), 'scenario 1 code', String(deploy.s3bucket));
    const pipeline = pipelineOf({
      ...exported,
      stages: [
        deploy,
        {
          refId: '2',
          requisiteStageRefIds: ['1'],
          name: 'Route',
          type: 'Aws.LambdaTrafficRoutingStage',
          functionName: deploy.functionName,
          region: 'us-east-1',
          aliasName: 'prod',
          deploymentStrategy: '$SIMPLE',
          versionNameA: '$LATEST',
        },
        {
          refId: '3',
          requisiteStageRefIds: ['2'],
          name: 'Invoke',
          type: 'Aws.LambdaInvokeStage',
          functionName: deploy.functionName,
          region: 'us-east-1',
          aliasName: 'prod',
          executionCount: 1,
          lambdaPayload: '{"hello":"world"}',
        },
        {
          refId: '4',
          requisiteStageRefIds: ['3'],
          name: 'AWS Lambda Destroy',
          type: 'Aws.LambdaDeleteStage',
          account: '',
          region: 'us-east-1',
          version: '$ALL',
          functionName: '${#stage("AWS Lambda Deployment")["context"]["functionName"]}',
        },
      ],
    });
    const runtime = new LocalRuntime({ timeScale: 100, families: localStageFamilies() });
    const run = runtime.start(pipeline, { parameters: {} });
    const result = await run.result;
    await runtime.idle();
    const stages = Object.fromEntries(result.execution.stages.map((s) => [s.name, s]));
    expect(result.status, JSON.stringify(result.execution.stages.map((s) => [s.name, s.status, s.error]))).toBe('SUCCEEDED');
    expect(stages['AWS Lambda Deployment']!.outputs).toMatchObject({ functionName: 'sandbox-test-functional-scenario1', version: '1', lambdaCreated: true });
    expect(stages.Route!.outputs).toMatchObject({ 'deployment:aliasDeployed': 'prod', 'deployment:majorVersionDeployed': '1' });
    expect(stages.Invoke!.outputs.invokeResultsList).toEqual([{ body: '{"hello":"world"}', statusCode: 200 }]);
    expect(stages['AWS Lambda Destroy']!.outputs).toMatchObject({ functionName: 'sandbox-test-functional-scenario1', deletedVersions: '$ALL' });
    expect(await functionsWorld()).toEqual({});
  }, 120_000);
});
