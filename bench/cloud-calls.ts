/**
 * AWS API calls per red/black deploy, by operation, against the emulator: clusters with 1, 5 and 20
 * existing server groups (the newest enabled, the older ones disabled at 0, as red/black with
 * scaleDown leaves them) deploying 1, 10 and 100 instances. The number of calls must not grow with
 * the number of instances (only paging could add calls; this asserts it does not), and grows with
 * the number of groups only through paging too. Also reports how many crash injection points the
 * idempotency suite covers (the mutating calls of its scenarios' clean runs).
 */
import { resetClientCache, dynamoClient } from '../functions/core/aws-clients.js';
import { createServerGroup, type CloudClients } from '../functions/core/cloud/index.js';
import { startMoto, type MotoServer } from '../local/moto.js';
import { useEndpoint } from '../local/environment.js';
import type { Network } from '../test/support/cloud/fixtures.js';
import { cleanRun, freshCloud, SCENARIOS } from '../test/support/cloud-stages/crash-scenarios.js';
import { deployStage } from '../test/support/cloud-stages/fixtures.js';
import { runStages } from '../test/support/cloud-stages/harness.js';
import { countCalls, MUTATING } from '../test/support/faults.js';
import type { BenchReport } from './report.js';

const GROUPS = [1, 5, 20];
const INSTANCES = [1, 10, 100];
/** Operations whose count may grow with what they list, page by page. */
const PAGED = new Set(['DescribeAutoScalingGroups', 'DescribeInstances', 'DescribeLaunchTemplateVersions']);

/** `groups` existing groups: the older ones disabled at 0, the newest enabled with `instances`. */
async function seed(clients: CloudClients, network: Network, groups: number, instances: number): Promise<void> {
  for (let i = 0; i < groups; i += 1) {
    const newest = i === groups - 1;
    await createServerGroup(clients, {
      application: 'app',
      stack: 'prod',
      imageId: network.imageId,
      instanceType: 't3.micro',
      capacity: newest ? { min: 1, max: instances, desired: instances } : { min: 0, max: 0, desired: 0 },
      subnetIds: network.subnetIds,
      targetGroups: ['app-web'],
      enabled: newest,
      metadata: { deployKey: `seed-${i}` },
    });
  }
}

interface Measurement {
  readonly groups: number;
  readonly instances: number;
  readonly cloud: Record<string, number>;
  readonly dynamo: number;
  readonly seconds: number;
}

async function measure(moto: MotoServer, groups: number, instances: number): Promise<Measurement> {
  const { clients, network } = await freshCloud(() => moto)();
  await seed(clients, network, groups, instances);
  const cloud = countCalls(clients.ec2, clients.autoScaling, clients.elbv2);
  const dynamo = countCalls(dynamoClient());
  const started = Date.now();
  const run = await runStages({
    stages: [deployStage(network, { capacity: { min: 1, max: instances, desired: instances }, scaleDown: true, imageId: network.otherImageId })],
  });
  const seconds = (Date.now() - started) / 1000;
  const stage = run.execution.stages[0]!;
  if (stage.status !== 'SUCCEEDED') throw new Error(`deploy into ${groups} groups × ${instances} instances: ${stage.status} ${stage.error ?? ''}`);
  const result = { groups, instances, cloud: cloud.counts(), dynamo: dynamo.total(), seconds };
  cloud.remove();
  dynamo.remove();
  return result;
}

const column = (m: Measurement) => `${m.groups} sg × ${m.instances} inst`;

/** Calls beyond paging must be the same for every instance count of a group count. */
function instanceGrowth(measurements: readonly Measurement[]): string[] {
  const problems: string[] = [];
  for (const groups of GROUPS) {
    const same = measurements.filter((m) => m.groups === groups);
    const base = same[0]!;
    for (const m of same.slice(1)) {
      for (const op of new Set([...Object.keys(base.cloud), ...Object.keys(m.cloud)])) {
        const a = base.cloud[op] ?? 0;
        const b = m.cloud[op] ?? 0;
        if (a !== b && !PAGED.has(op)) problems.push(`${op}: ${a} calls with ${base.instances} instances, ${b} with ${m.instances} (${groups} groups)`);
      }
    }
  }
  return problems;
}

async function injectionPoints(moto: MotoServer): Promise<{ total: number; byScenario: string[] }> {
  let total = 0;
  const byScenario: string[] = [];
  for (const scenario of SCENARIOS) {
    const clean = await cleanRun(
      scenario,
      freshCloud(() => moto),
    );
    total += clean.points.length;
    byScenario.push(`${scenario.name} ${clean.points.length}`);
  }
  return { total, byScenario };
}

export async function run(): Promise<BenchReport> {
  const moto = await startMoto();
  const previous = process.env.AWS_ENDPOINT_URL;
  try {
    useEndpoint(moto.endpoint);
    const measurements: Measurement[] = [];
    for (const groups of GROUPS) for (const instances of INSTANCES) measurements.push(await measure(moto, groups, instances));

    const operations = [...new Set(measurements.flatMap((m) => Object.keys(m.cloud)))].sort();
    const rows: Array<Record<string, string | number>> = operations.map((op) => ({
      operation: `${op}${MUTATING.test(op) ? ' (write)' : ''}`,
      ...Object.fromEntries(measurements.map((m) => [column(m), m.cloud[op] ?? 0])),
    }));
    const total = (m: Measurement) => Object.values(m.cloud).reduce((a, b) => a + b, 0);
    rows.push({ operation: 'EC2 + Auto Scaling + ELBv2, total', ...Object.fromEntries(measurements.map((m) => [column(m), total(m)])) });
    rows.push({
      operation: 'of which writes',
      ...Object.fromEntries(
        measurements.map((m) => [
          column(m),
          Object.entries(m.cloud)
            .filter(([op]) => MUTATING.test(op))
            .reduce((a, [, n]) => a + n, 0),
        ]),
      ),
    });
    rows.push({ operation: 'DynamoDB (execution record, checkpoints, lock)', ...Object.fromEntries(measurements.map((m) => [column(m), m.dynamo])) });
    rows.push({ operation: 'seconds (emulator)', ...Object.fromEntries(measurements.map((m) => [column(m), Number(m.seconds.toFixed(2))])) });

    const growth = instanceGrowth(measurements);
    if (growth.length > 0) throw new Error(`API calls grow with the number of instances: ${growth.join('; ')}`);
    const points = await injectionPoints(moto);
    rows.push({ operation: 'crash idempotency injection points (all scenarios)', [column(measurements[0]!)]: points.total });
    const byGroups = GROUPS.map((g) => `${g} groups: ${total(measurements.find((m) => m.groups === g)!)}`).join(', ');
    return {
      name: 'cloud-calls',
      rows,
      notes: [
        'one red/black deploy (create, wait up, disable the old group, scale it down), through the real engine and stages against moto_server',
        `calls do not grow with instances: identical for 1, 10 and 100 instances at every group count (asserted; paged operations excepted: ${[...PAGED].join(', ')})`,
        `calls by existing groups (1 instance): ${byGroups}; listing the region's groups pages by 100, so more groups add calls only past 100`,
        `crash idempotency covers ${points.total} injection points: ${points.byScenario.join(', ')}`,
      ],
    };
  } finally {
    await moto.stop();
    if (previous === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = previous;
    resetClientCache();
  }
}
