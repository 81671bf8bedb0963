/** Functions in the cluster view: the API's reader and `gennaker clusters` output. */
import { beforeEach, describe, expect, it } from 'vitest';
import { cloudClusterReader } from '../../../functions/api/clusters.js';
import { clusterLines } from '../../../cli/commands/operations.js';
import { runStages } from '../../support/cloud-stages/harness.js';
import { deployStage, lambdaWorld, publishedVersions, routeStage } from '../../support/lambda/fixtures.js';
import { useLambdaAws } from '../../support/lambda/emulator.js';

describe('functions in the cluster view', () => {
  useLambdaAws();
  beforeEach(async () => {
    await lambdaWorld();
    await publishedVersions(2, runStages);
    await runStages(
      { stages: [routeStage({ deploymentStrategy: '$WEIGHTED', versionNameA: '2', trafficPercentA: 75, versionNameB: '1' })] },
      { executionId: 'exec-route' },
    );
    // Another application's functions are not shown, even one whose name starts with ours.
    await runStages({ application: 'billing', stages: [deployStage({ functionName: 'billing-fn' })] }, { executionId: 'exec-billing' });
    await runStages({ application: 'billing', stages: [deployStage({ functionName: 'test-lookalike' })] }, { executionId: 'exec-billing-2' });
  });

  it('lists each function with its versions, aliases, weights and last deploy', async () => {
    const view = await cloudClusterReader().describeApplication({ application: 'test' });
    expect(view.functions.map((f) => f.functionName)).toEqual(['test-prod-fn']);
    expect(view.functions[0]).toMatchObject({
      runtime: 'nodejs22.x',
      lastDeploy: { executionId: 'exec-build-2' },
      versions: [{ version: '2' }, { version: '1' }],
      aliases: [
        {
          name: 'live',
          version: '2',
          traffic: [
            { version: '2', percent: 75 },
            { version: '1', percent: 25 },
          ],
        },
      ],
    });
  });

  it('gennaker clusters prints them', async () => {
    const lines = clusterLines(await cloudClusterReader().describeApplication({ application: 'test' }));
    expect(lines).toEqual([
      'test in default/us-east-1',
      '  test-prod-fn (Lambda nodejs22.x)  versions: 2, 1  last deploy: exec-build-2',
      '    alias live                 → 2 75%, 1 25%',
    ]);
  });
});
