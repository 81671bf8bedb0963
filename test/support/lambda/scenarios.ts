/** The Lambda crash scenarios (used by crash.test.ts and the benchmark). */
import { runStages } from '../cloud-stages/harness.js';
import type { LambdaScenario } from './crash-scenarios.js';
import { putAlarm } from '../../../local/alarms.js';
import { cloudwatchClient } from '../../../functions/core/aws-clients.js';
import { createQueue, deployStage, publishedVersions, routeStage } from './fixtures.js';

/** Versions 1..3 with alias live on version 2, as earlier stages would leave them. */
async function threeVersionsLiveOn2(): Promise<void> {
  await publishedVersions(3, runStages);
  await runStages({ stages: [routeStage({ deploymentStrategy: '$SIMPLE', versionNameA: '2' })] }, { executionId: 'exec-route' });
}

/** An earlier deploy of test-prod-fn (version 1) by another execution. */
async function deployed(extra: Record<string, unknown> = {}): Promise<void> {
  await runStages({ stages: [deployStage(extra)] }, { executionId: 'exec-earlier' });
}

export const LAMBDA_SCENARIOS: readonly LambdaScenario[] = [
  {
    name: 'deploy creates a function (publish, aliases, trigger, reserved and provisioned concurrency)',
    setup: async () => void (await createQueue('jobs')),
    pipeline: () => ({
      stages: [
        deployStage({
          aliases: ['live', 'beta'],
          triggerArns: ['arn:aws:sqs:us-east-1:123456789012:jobs'],
          reservedConcurrentExecutions: 3,
          aliasName: 'live',
          provisionedConcurrentExecutions: 5,
        }),
      ],
    }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'deploy updates code and configuration and publishes once',
    setup: () => deployed(),
    pipeline: () => ({
      stages: [
        deployStage({ s3key: 'app/v2.zip', memorySize: 512, description: 'second', tags: { team: 'payments', tier: 'gold' }, aliases: ['live', 'canary'] }),
      ],
    }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'route $WEIGHTED (creates the alias)',
    setup: () => publishedVersions(3, runStages),
    pipeline: () => ({
      stages: [routeStage({ aliasName: 'canary', deploymentStrategy: '$WEIGHTED', versionNameA: '$LATEST', trafficPercentA: 75, versionNameB: '$PREVIOUS' })],
    }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'route $SIMPLE moves the alias and removes its provisioned concurrency (0)',
    setup: async () => {
      await publishedVersions(3, runStages);
      await runStages(
        { stages: [routeStage({ deploymentStrategy: '$SIMPLE', versionNameA: '2', provisionedConcurrentExecutions: 4 })] },
        { executionId: 'exec-route' },
      );
    },
    pipeline: () => ({ stages: [routeStage({ deploymentStrategy: '$SIMPLE', versionNameA: '$LATEST', provisionedConcurrentExecutions: 0 })] }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'route $BLUEGREEN that fails and destroys the tested version',
    setup: threeVersionsLiveOn2,
    pipeline: () => ({ stages: [routeStage({ deploymentStrategy: '$BLUEGREEN', lambdaPayload: '{"a":1}', lambdaOutput: '{"b":2}', destroyOnFail: true })] }),
    expectStatus: 'TERMINAL',
  },
  {
    name: 'route $PROGRESSIVE in three steps with an alarm gate',
    setup: async () => {
      await threeVersionsLiveOn2();
      await putAlarm(cloudwatchClient(), 'fn-errors', { metric: 'lambda-errors' });
    },
    pipeline: () => ({
      stages: [
        routeStage({
          deploymentStrategy: '$PROGRESSIVE',
          trafficSteps: [{ weight: 10, pauseSec: 60 }, { weight: 50, pauseSec: 60 }, { weight: 100 }],
          rollbackAlarms: ['fn-errors'],
        }),
      ],
    }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'delete $MOVING keeps the newest and what an alias points at',
    setup: async () => {
      await publishedVersions(4, runStages);
      await runStages({ stages: [routeStage({ deploymentStrategy: '$SIMPLE', versionNameA: '2' })] }, { executionId: 'exec-route' });
    },
    pipeline: () => ({
      stages: [
        {
          refId: '1',
          name: 'Delete',
          type: 'Aws.LambdaDeleteStage',
          region: 'us-east-1',
          functionName: 'test-prod-fn',
          version: '$MOVING',
          retentionNumber: 1,
        },
      ],
    }),
    expectStatus: 'SUCCEEDED',
  },
];
