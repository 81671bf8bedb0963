/**
 * Lambda deploys: AWS Lambda API calls and Step Functions state transitions per weighted deploy
 * (Aws.LambdaDeploymentStage with new code and publish, then Aws.LambdaTrafficRoutingStage
 * $WEIGHTED 90/10), and per progressive shift (three trafficSteps with an alarm gate), against
 * moto_server. API calls are counted on the stages' own Lambda client through the real engine;
 * transitions come from running the compiled pipeline in the local Step Functions engine. Also
 * reports how many crash injection points the Lambda idempotency suite covers.
 */
import { putAlarm } from '../local/alarms.js';
import { cloudwatchClient, resetClientCache } from '../functions/core/aws-clients.js';
import { useEndpoint } from '../local/environment.js';
import { startMoto, type MotoServer } from '../local/moto.js';
import { localStageFamilies } from '../local/run-local.js';
import { LocalRuntime } from '../local/runtime.js';
import { validatePipeline } from '../state-machines/model/validate.js';
import { runStages } from '../test/support/cloud-stages/harness.js';
import { cleanRun, freshLambda } from '../test/support/lambda/crash-scenarios.js';
import { deployStage, functionsClient, publishedVersions, putCode, routeStage } from '../test/support/lambda/fixtures.js';
import { LAMBDA_SCENARIOS } from '../test/support/lambda/scenarios.js';
import { countCalls, MUTATING } from '../test/support/faults.js';
import { costOf } from './compile.js';
import type { BenchReport } from './report.js';

const weighted = () => ({
  stages: [
    deployStage({ s3key: 'app/new.zip' }),
    {
      ...routeStage({ deploymentStrategy: '$WEIGHTED', versionNameA: '$PREVIOUS', trafficPercentA: 90, versionNameB: '$LATEST' }),
      refId: '2',
      requisiteStageRefIds: ['1'],
    },
  ],
});

const progressive = () => ({
  stages: [
    {
      ...routeStage({
        deploymentStrategy: '$PROGRESSIVE',
        trafficSteps: [{ weight: 10, pauseSec: 60 }, { weight: 50, pauseSec: 60 }, { weight: 100 }],
        rollbackAlarms: ['fn-errors'],
      }),
    },
  ],
});

/** An earlier release: versions 1..2 with `live` on version 2, then version 3 published and not yet live. */
async function released(): Promise<void> {
  await publishedVersions(2, runStages);
  await runStages({ stages: [routeStage({ deploymentStrategy: '$SIMPLE', versionNameA: '$LATEST' })] }, { executionId: 'exec-release' });
  await putCode('app/new.zip', 'new build');
  // A deploy that leaves the aliases to the routing stage (the plugin's deploy points `aliases` at $LATEST).
  await runStages({ stages: [deployStage({ s3key: 'app/new.zip', aliases: [] })] }, { executionId: 'exec-build-3' });
  await putAlarm(cloudwatchClient(), 'fn-errors', { metric: 'lambda-errors' });
}

async function apiCalls(moto: MotoServer, pipeline: () => Record<string, unknown>, setup: () => Promise<void>): Promise<Record<string, number>> {
  await freshLambda(() => moto)();
  await setup();
  const counter = countCalls(functionsClient());
  const run = await runStages(pipeline(), { executionId: 'exec-bench' });
  const failed = run.execution.stages.find((s) => s.status !== 'SUCCEEDED');
  if (failed) throw new Error(`${failed.name}: ${failed.status} ${failed.error ?? ''}`);
  const counts = counter.counts();
  counter.remove();
  return counts;
}

async function transitions(moto: MotoServer, pipeline: () => Record<string, unknown>, setup: () => Promise<void>): Promise<number> {
  await freshLambda(() => moto)();
  await setup();
  const validated = validatePipeline({ application: 'test', name: 'bench', ...pipeline() });
  if (!validated.pipeline) throw new Error(validated.errors.map((e) => `${e.path}: ${e.message}`).join('; '));
  const runtime = new LocalRuntime({ timeScale: 1000, families: localStageFamilies() });
  const result = await runtime.start(validated.pipeline, { parameters: {} }).result;
  await runtime.idle();
  if (result.status !== 'SUCCEEDED') throw new Error(`local run ${result.status}`);
  return costOf(result).transitions;
}

export async function run(): Promise<BenchReport> {
  const moto = await startMoto({ lambdaProvisionedConcurrency: true });
  const previous = process.env.AWS_ENDPOINT_URL;
  try {
    useEndpoint(moto.endpoint);
    const setupWeighted = async () => {
      await publishedVersions(2, runStages);
      await putCode('app/new.zip', 'new build');
    };
    const measured = {
      'weighted deploy (deploy + $WEIGHTED)': await apiCalls(moto, weighted, setupWeighted),
      'progressive shift (3 steps, alarm gate)': await apiCalls(moto, progressive, released),
    };
    const columns = Object.keys(measured) as Array<keyof typeof measured>;
    const operations = [...new Set(columns.flatMap((c) => Object.keys(measured[c])))].sort();
    const rows: Array<Record<string, string | number>> = operations.map((op) => ({
      operation: `${op}${MUTATING.test(op) ? ' (write)' : ''}`,
      ...Object.fromEntries(columns.map((c) => [c, measured[c][op] ?? 0])),
    }));
    const total = (c: keyof typeof measured) => Object.values(measured[c]).reduce((a, b) => a + b, 0);
    const writes = (c: keyof typeof measured) =>
      Object.entries(measured[c])
        .filter(([op]) => MUTATING.test(op))
        .reduce((a, [, n]) => a + n, 0);
    rows.push({ operation: 'Lambda API, total', ...Object.fromEntries(columns.map((c) => [c, total(c)])) });
    rows.push({ operation: 'of which writes', ...Object.fromEntries(columns.map((c) => [c, writes(c)])) });
    rows.push({
      operation: 'state transitions (compiled pipeline, local engine)',
      [columns[0]!]: await transitions(moto, weighted, setupWeighted),
      [columns[1]!]: await transitions(moto, progressive, released),
    });
    let points = 0;
    const byScenario: string[] = [];
    for (const scenario of LAMBDA_SCENARIOS) {
      const clean = await cleanRun(
        scenario,
        freshLambda(() => moto),
      );
      points += clean.points.length;
      byScenario.push(`${scenario.name}: ${clean.points.length}`);
    }
    rows.push({ operation: 'crash injection points (Lambda scenarios)', [columns[0]!]: points });
    return {
      name: 'lambda',
      rows,
      notes: [
        'weighted deploy: an existing function (2 versions) gets new code, publishes version 3, points alias live at $LATEST (the plugin), then $WEIGHTED sends 90% to version 2 and 10% to version 3',
        'progressive: alias live moves from version 2 to 3 in 10% → 50% → 100% with 60 s holds, checking one CloudWatch alarm every 30 s (DescribeAlarms, not a Lambda call)',
        'each stage call reads the whole function (GetFunction, ListVersionsByFunction, ListAliases, ListEventSourceMappings) before acting, so reads dominate; writes are exactly the changes',
        `crash idempotency covers ${points} injection points: ${byScenario.join(', ')}`,
      ],
    };
  } finally {
    await moto.stop();
    if (previous === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = previous;
    resetClientCache();
  }
}
