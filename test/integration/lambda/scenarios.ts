/** The Lambda crash scenarios (used by crash.test.ts and the benchmark). */
import { runStages } from '../cloud-stages/harness.js';
import type { LambdaScenario } from './crash-scenarios.js';
import { createQueue, deployStage } from './fixtures.js';

/** An earlier deploy of test-prod-fn (version 1) by another execution. */
async function deployed(extra: Record<string, unknown> = {}): Promise<void> {
  await runStages({ stages: [deployStage(extra)] }, { executionId: 'exec-earlier' });
}

export const LAMBDA_SCENARIOS: readonly LambdaScenario[] = [
  {
    name: 'deploy creates a function (publish, aliases, trigger, reserved concurrency)',
    setup: async () => void (await createQueue('jobs')),
    pipeline: () => ({ stages: [deployStage({ aliases: ['live', 'beta'], triggerArns: ['arn:aws:sqs:us-east-1:123456789012:jobs'], reservedConcurrentExecutions: 3 })] }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'deploy updates code and configuration and publishes once',
    setup: () => deployed(),
    pipeline: () => ({ stages: [deployStage({ s3key: 'app/v2.zip', memorySize: 512, description: 'second', tags: { team: 'payments', tier: 'gold' }, aliases: ['live', 'canary'] })] }),
    expectStatus: 'SUCCEEDED',
  },
];
