/**
 * Business failures of the cloud family's newer stages (an ECS deploy, a Lambda route) are answers,
 * not function crashes: the stage fails by its failure options, the pipeline routes on, and no call
 * counted as a Lambda function error (the `Errors` metric the handler alarms watch).
 */
import { describe, expect, it } from 'vitest';
import { cloudClients } from '../../functions/core/cloud/index.js';
import { localStageFamilies } from '../../local/run-local.js';
import { createNetwork } from '../support/cloud/fixtures.js';
import { ecsDeployStage } from '../support/cloud-stages/ecs-fixtures.js';
import { runPipeline, statusOf, useLocalAws } from '../support/local.js';

useLocalAws();

const after = { refId: '2', name: 'After', type: 'wait', waitTime: 0, requisiteStageRefIds: ['1'] };

describe('failures of ECS and Lambda stages', () => {
  it('GIVEN an ECS deploy into an ECS cluster that does not exist WHEN it halts the pipeline THEN the run is TERMINAL with no function error', async () => {
    await createNetwork(cloudClients({ region: 'us-east-1' }));
    // WHEN
    const result = await runPipeline({ stages: [ecsDeployStage(), after] }, { families: localStageFamilies() });
    // THEN
    expect(statusOf(result)).toEqual({ Deploy: 'TERMINAL', After: 'NOT_STARTED' });
    expect(result.status).toBe('TERMINAL');
    expect(result.execution.stages[0]!.error).toMatch(/apps/);
    expect(result.functionErrors).toEqual([]);
  }, 120_000);

  it('GIVEN a Lambda route of a function that does not exist WHEN it may continue THEN it is FAILED_CONTINUE, the next stage runs, and no call was a function error', async () => {
    const route = {
      refId: '1',
      name: 'Shift',
      type: 'Aws.LambdaTrafficRoutingStage',
      account: 'default',
      region: 'us-east-1',
      functionName: 'test-missing',
      aliasName: 'live',
      deploymentStrategy: '$PROGRESSIVE',
      trafficSteps: [{ weight: 10, pauseSec: 60 }, { weight: 100 }],
      failPipeline: false,
      continuePipeline: true,
    };
    // WHEN
    const result = await runPipeline({ stages: [route, after] }, { families: localStageFamilies() });
    // THEN
    expect(statusOf(result)).toEqual({ Shift: 'FAILED_CONTINUE', After: 'SUCCEEDED' });
    expect(result.execution.stages[0]!.error).toMatch(/test-missing/);
    expect(result.functionErrors).toEqual([]);
  }, 120_000);
});
