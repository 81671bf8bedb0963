/**
 * AWS API calls per ECS red/black deploy, by operation, against the emulator: one existing service,
 * deploying 1, 10 and 100 tasks (and with rollbackAlarms: the gate's DescribeAlarms). The number
 * of calls must not grow with the number of tasks (asserted).
 */
import { dynamoClient, resetClientCache } from '../functions/core/aws-clients.js';
import { cloudClients } from '../functions/core/cloud/index.js';
import { PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { ensureTables } from '../functions/core/tables.js';
import { useEndpoint } from '../local/environment.js';
import { startMoto, type MotoServer } from '../local/moto.js';
import { createNetwork } from '../test/integration/cloud/fixtures.js';
import { createEcsCluster, ecsDeployStage } from '../test/integration/cloud-stages/ecs-fixtures.js';
import { runStages } from '../test/integration/cloud-stages/harness.js';
import { countCalls, MUTATING } from '../test/support/faults.js';
import type { BenchReport } from './report.js';

const TASKS = [1, 10, 100];

async function measure(moto: MotoServer, tasks: number, alarms: boolean): Promise<Record<string, number>> {
  await moto.reset();
  resetClientCache();
  await ensureTables();
  const clients = cloudClients({ region: 'us-east-1' });
  const network = await createNetwork(clients);
  await createEcsCluster(clients, network);
  const capacity = { min: 1, max: tasks, desired: tasks };
  await runStages({ stages: [ecsDeployStage({ capacity, strategy: '' })] }, { executionId: 'seed' });
  if (alarms) {
    await clients.cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: 'app-5xx',
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'HTTPCode_Target_5XX_Count',
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
  }
  const cloud = countCalls(clients.ecs, clients.elbv2, clients.ec2, clients.cloudwatch);
  const dynamo = countCalls(dynamoClient());
  const run = await runStages({
    stages: [
      ecsDeployStage({
        capacity,
        scaleDown: true,
        imageDescription: { registry: 'r', repository: 'app', tag: '2.0.0' },
        ...(alarms ? { rollbackAlarms: ['app-5xx'] } : {}),
      }),
    ],
  });
  const stage = run.execution.stages[0]!;
  if (stage.status !== 'SUCCEEDED') throw new Error(`ECS deploy of ${tasks} tasks: ${stage.status} ${stage.error ?? ''}`);
  const counts = { ...cloud.counts(), 'DynamoDB (record, checkpoints, lock)': dynamo.total() };
  cloud.remove();
  dynamo.remove();
  return counts;
}

export async function run(): Promise<BenchReport> {
  const moto = await startMoto();
  const previous = process.env.AWS_ENDPOINT_URL;
  try {
    useEndpoint(moto.endpoint);
    const columns: Array<[string, Record<string, number>]> = [];
    for (const tasks of TASKS) columns.push([`${tasks} tasks`, await measure(moto, tasks, false)]);
    columns.push(['1 task, rollbackAlarms', await measure(moto, 1, true)]);
    const operations = [...new Set(columns.flatMap(([, c]) => Object.keys(c)))].sort();
    const rows: Array<Record<string, string | number>> = operations.map((op) => ({
      operation: `${op}${MUTATING.test(op) ? ' (write)' : ''}`,
      ...Object.fromEntries(columns.map(([name, c]) => [name, c[op] ?? 0])),
    }));
    const aws = (c: Record<string, number>) =>
      Object.entries(c)
        .filter(([op]) => !op.startsWith('DynamoDB'))
        .reduce((a, [, n]) => a + n, 0);
    rows.push({ operation: 'ECS + ELBv2 + EC2 + CloudWatch, total', ...Object.fromEntries(columns.map(([name, c]) => [name, aws(c)])) });
    const base = columns[0]![1];
    const growth = columns
      .slice(1, TASKS.length)
      .flatMap(([name, c]) => operations.filter((op) => (c[op] ?? 0) !== (base[op] ?? 0)).map((op) => `${op} (${name})`));
    if (growth.length > 0) throw new Error(`ECS deploy calls grow with the number of tasks: ${growth.join(', ')}`);
    return {
      name: 'ecs-calls',
      rows,
      notes: [
        'one ECS red/black deploy (register the task definition, create the service at 0 and scale it, wait up, disable the old service, scale it down) through the real engine and stages against moto_server, one existing service',
        'calls do not grow with tasks: identical for 1, 10 and 100 (asserted)',
      ],
    };
  } finally {
    await moto.stop();
    if (previous === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = previous;
    resetClientCache();
  }
}
