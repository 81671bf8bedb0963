/**
 * $PROGRESSIVE alias shifting with the EC2/ECS step format's promotes and per-step analysis, against
 * moto's Lambda and CloudWatch: a step without pauseSec waits for a promote (parked on its task
 * token, or polling its rollback alarms when it has some, so an alarm while waiting rolls back); a
 * step's analysis judges the alias's two versions by ExecutedVersion on Lambda's own metrics.
 */
import { PutMetricDataCommand, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import { putAlarm, setAlarmState } from '../../../local/alarms.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cloudwatchClient } from '../../../functions/core/aws-clients.js';
import { ExecutionStore } from '../../../functions/core/execution-store.js';
import { promotionOf, submitPromote } from '../../../functions/core/promote.js';
import { systemClock } from '../../../functions/core/stage-api.js';
import { noise } from '../canary/fixtures.js';
import { removeAllFaults } from '../../support/faults.js';
import { runStages, stageOf } from '../../support/cloud-stages/harness.js';
import { functionsWorld, lambdaWorld, publishedVersions, routeStage } from '../../support/lambda/fixtures.js';
import { useLambdaAws } from '../../support/lambda/emulator.js';

const START = Date.parse('2030-01-01T00:00:00Z');
const alias = async () => (await functionsWorld())['test-prod-fn']!.aliases.find((a) => a.name === 'live')!;
const progressive = (extra: Record<string, unknown>) => routeStage({ deploymentStrategy: '$PROGRESSIVE', ...extra });
const waiting = async (executionId: string) => (await new ExecutionStore().load(executionId)).stages.find((s) => s.refId === '1')!;

/** Lambda's Duration for one version behind the alias, per minute over two hours of stage time. */
async function publishDuration(version: string, level: number, seed: number): Promise<void> {
  const jitter = noise(seed);
  const data: MetricDatum[] = Array.from({ length: 120 }, (_, m) => ({
    MetricName: 'Duration',
    Dimensions: [
      { Name: 'FunctionName', Value: 'test-prod-fn' },
      { Name: 'Resource', Value: 'test-prod-fn:live' },
      { Name: 'ExecutedVersion', Value: version },
    ],
    Timestamp: new Date(START + m * 60_000 + 1_000),
    Value: level * (1 + 0.1 * jitter()),
  }));
  for (let i = 0; i < data.length; i += 20)
    await cloudwatchClient().send(new PutMetricDataCommand({ Namespace: 'AWS/Lambda', MetricData: data.slice(i, i + 20) }));
}

const ANALYSIS = {
  metrics: [{ name: 'duration', namespace: 'AWS/Lambda', metricName: 'Duration', statistic: 'Average', direction: 'increase' }],
  scoreThresholds: { pass: 75, marginal: 50 },
  periodSeconds: 60,
};

describe('$PROGRESSIVE promotes and per-step analysis', () => {
  useLambdaAws();
  beforeEach(async () => {
    await lambdaWorld();
    await publishedVersions(3, runStages);
    await runStages({ stages: [routeStage({ deploymentStrategy: '$SIMPLE', versionNameA: '2' })] }, { executionId: 'exec-0' });
  });
  afterEach(() => removeAllFaults());

  it('GIVEN a step without pauseSec WHEN it is reached THEN the weight holds, parked on the task token, until promoted', async () => {
    let heldAt: unknown;
    let parked: string | undefined;
    const run = await runStages(
      { stages: [progressive({ trafficSteps: [{ weight: 20 }, { weight: 100 }] })] },
      {
        taskToken: 'token-1',
        beforeCall: async (_ref, call) => {
          const stage = await waiting('exec-1');
          if (!promotionOf(stage.context).awaiting || parked || call < 4) return;
          heldAt = (await alias()).weights;
          parked = stage.callbackToken;
          await submitPromote({ executionId: 'exec-1', user: 'alice' }, { store: new ExecutionStore(), clock: systemClock, resume: async () => undefined });
        },
      },
    );
    const stage = stageOf(run, '1');
    expect(stage.status, stage.error).toBe('SUCCEEDED');
    expect(heldAt).toEqual({ '3': 0.2 });
    expect(parked).toBe('token-1');
    expect(promotionOf(stage.context)).toMatchObject({ promoted: [0], by: 'alice' });
    expect(await alias()).toEqual({ name: 'live', version: '3', weights: {} });
  }, 120_000);

  it('GIVEN a step waiting for a promote with rollbackAlarms WHEN an alarm fires meanwhile THEN the alias goes back to the previous version with no promote', async () => {
    await putAlarm(cloudwatchClient(), 'fn-errors', { metric: 'lambda-errors' });
    let waitingCalls = 0;
    const run = await runStages(
      { stages: [progressive({ trafficSteps: [{ weight: 20 }, { weight: 100 }], rollbackAlarms: ['fn-errors'] })] },
      {
        taskToken: 'token-1',
        beforeCall: async () => {
          const stage = await waiting('exec-1');
          expect(stage.callbackToken).toBeUndefined();
          if (!promotionOf(stage.context).awaiting) return;
          waitingCalls += 1;
          if (waitingCalls === 3) await setAlarmState(cloudwatchClient(), 'fn-errors', 'ALARM', 'errors up');
        },
      },
    );
    const stage = stageOf(run, '1');
    expect(stage.status).toBe('TERMINAL');
    expect(stage.error).toBe('rollbackAlarms: alarm fn-errors is in ALARM (errors up) at 20% on version 3; alias live moved back to version 2');
    expect(waitingCalls).toBe(3);
    expect(await alias()).toEqual({ name: 'live', version: '2', weights: {} });
  }, 120_000);

  it('GIVEN the new version as fast as the old WHEN the step’s hold ends THEN its analysis passes and the shift goes on to 100%', async () => {
    await publishDuration('2', 50, 1);
    await publishDuration('3', 50, 2);
    const run = await runStages({ stages: [progressive({ trafficSteps: [{ weight: 20, pauseSec: 900, analysis: ANALYSIS }, { weight: 100 }] })] });
    const stage = stageOf(run, '1');
    expect(stage.status, stage.error).toBe('SUCCEEDED');
    expect(run.clock.now() - START).toBeGreaterThanOrEqual(900_000);
    // No rollback alarms to read while it holds: one wait to the end of the 900 s, then the analysis (not a call every 30 s).
    expect(run.calls['1']).toBe(2);
    expect(await alias()).toEqual({ name: 'live', version: '3', weights: {} });
  }, 120_000);

  it('GIVEN the new version three times slower WHEN the step’s hold ends THEN the alias goes back to the previous version, naming the analysis', async () => {
    await publishDuration('2', 50, 1);
    await publishDuration('3', 150, 2);
    const seen: unknown[] = [];
    const run = await runStages(
      { stages: [progressive({ trafficSteps: [{ weight: 20, pauseSec: 900, analysis: ANALYSIS }, { weight: 100 }] })] },
      { beforeCall: async () => void seen.push((await alias()).weights) },
    );
    const stage = stageOf(run, '1');
    expect(stage.status).toBe('TERMINAL');
    expect(stage.error).toMatch(
      /^trafficSteps\[0\]\.analysis: canary analysis scored 0 \(pass is 75\); duration: High at 20% on version 3; alias live moved back to version 2$/,
    );
    expect(seen).toContainEqual({ '3': 0.2 });
    expect(await alias()).toEqual({ name: 'live', version: '2', weights: {} });
  }, 120_000);
});
