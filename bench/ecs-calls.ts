/**
 * AWS API calls per ECS red/black and per progressive deploy, by operation, against the emulator:
 * one existing service, deploying 1, 10 and 100 tasks (and red/black with rollbackAlarms: the
 * gate's DescribeAlarms). The number of calls must not grow with the number of tasks (asserted).
 * Also the Step Functions state transitions and their price for a progressive deploy with three
 * traffic steps, from the compiled pipeline run in the local Step Functions engine.
 */
import { dynamoClient, resetClientCache } from '../functions/core/aws-clients.js';
import type { CloudClients } from '../functions/core/cloud/index.js';
import { useEndpoint } from '../local/environment.js';
import { startMoto, type MotoServer } from '../local/moto.js';
import { createEcsCluster, ecsDeployStage, seedEcs, type EcsSeed } from '../test/support/cloud-stages/ecs-fixtures.js';
import { freshCloud } from '../test/support/cloud-stages/crash-scenarios.js';
import { validatePipeline } from '../state-machines/model/validate.js';
import { LocalRuntime } from '../local/runtime.js';
import { localStageFamilies } from '../local/run-local.js';
import { costOf } from './compile.js';
import { runStages } from '../test/support/cloud-stages/harness.js';
import { countCalls, MUTATING } from '../test/support/faults.js';
import type { BenchReport } from './report.js';

const TASKS = [1, 10, 100];

/** Three traffic steps: 10% and 50% held 5 minutes each (alarms read every 30 s), then 100%. */
const PROGRESSIVE = {
  strategy: 'progressive',
  trafficSteps: [{ weight: 10, pauseSec: 300 }, { weight: 50, pauseSec: 300 }, { weight: 100 }],
  rollbackAlarms: ['app-5xx'],
};

/** A freshly reset emulator with the ECS cluster seeded as `seed` says. */
async function ecsCluster(moto: MotoServer, seed: EcsSeed): Promise<CloudClients> {
  const { clients, network } = await freshCloud(() => moto)();
  await createEcsCluster(clients, network);
  await seedEcs(clients, network, seed);
  return clients;
}

type Kind = 'redblack' | 'redblack+alarms' | 'progressive';

async function measure(moto: MotoServer, tasks: number, kind: Kind): Promise<Record<string, number>> {
  const alarms = kind !== 'redblack';
  const capacity = { min: 1, max: tasks, desired: tasks };
  const clients = await ecsCluster(moto, { deploy: { capacity }, ...(alarms ? { alarm: 'OK' } : {}), listener: kind === 'progressive' });
  const cloud = countCalls(clients.ecs, clients.elbv2, clients.ec2, clients.cloudwatch);
  const dynamo = countCalls(dynamoClient());
  const run = await runStages({
    stages: [
      ecsDeployStage({
        capacity,
        scaleDown: true,
        imageDescription: { registry: 'r', repository: 'app', tag: '2.0.0' },
        ...(alarms ? { rollbackAlarms: ['app-5xx'] } : {}),
        ...(kind === 'progressive' ? PROGRESSIVE : {}),
      }),
    ],
  });
  const stage = run.execution.stages[0]!;
  if (stage.status !== 'SUCCEEDED') throw new Error(`ECS ${kind} deploy of ${tasks} tasks: ${stage.status} ${stage.error ?? ''}`);
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
    for (const tasks of TASKS) columns.push([`red/black, ${tasks} tasks`, await measure(moto, tasks, 'redblack')]);
    columns.push(['red/black, 1 task, rollbackAlarms', await measure(moto, 1, 'redblack+alarms')]);
    for (const tasks of TASKS) columns.push([`progressive, ${tasks} tasks`, await measure(moto, tasks, 'progressive')]);
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
    const flat = (first: number) => {
      const base = columns[first]![1];
      return columns
        .slice(first + 1, first + TASKS.length)
        .flatMap(([name, c]) => operations.filter((op) => (c[op] ?? 0) !== (base[op] ?? 0)).map((op) => `${op} (${name})`));
    };
    const growth = [...flat(0), ...flat(TASKS.length + 1)];
    if (growth.length > 0) throw new Error(`ECS deploy calls grow with the number of tasks: ${growth.join(', ')}`);
    const cost = await progressiveCost(moto);
    rows.push({
      operation: 'state transitions (compiled pipeline, local engine)',
      ...Object.fromEntries(columns.map(([name]) => [name, name === `progressive, ${TASKS[0]} tasks` ? cost.transitions : ''])),
    });
    rows.push({
      operation: 'Step Functions $ per deploy (standard, $0.000025 a transition)',
      ...Object.fromEntries(columns.map(([name]) => [name, name === `progressive, ${TASKS[0]} tasks` ? Number(cost.dollars.toFixed(6)) : ''])),
    });
    return {
      name: 'ecs-calls',
      rows,
      notes: [
        'one ECS red/black deploy (register the task definition, create the service at 0 and scale it, wait up, disable the old service, scale it down) through the real engine and stages against moto_server, one existing service',
        'progressive: three traffic steps (10% and 50% held 300 s each, then 100%) with one rollback alarm read every 30 s, one listener with a default action and a rule forwarding to the cluster target group; canary target group made and deleted',
        'calls do not grow with tasks: identical for 1, 10 and 100, red/black and progressive alike (asserted)',
        'transitions and $: the progressive deploy (1 task) compiled and run in the local Step Functions engine (aws-local-stepfunctions) at time scale 20, counted from its event log (StateEntered): every Wait lasts the seconds the stage asked for (local/scaled-waits.ts), so the stage is called as often as in AWS, each call a Task, Choice and Wait (its alarm checks every 30 s of a 300 s hold, and its other waits)',
      ],
    };
  } finally {
    await moto.stop();
    if (previous === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = previous;
    resetClientCache();
  }
}

/** State transitions and their price for the progressive deploy, compiled and run in the local Step Functions engine. */
async function progressiveCost(moto: MotoServer): Promise<{ transitions: number; dollars: number }> {
  await ecsCluster(moto, { alarm: 'OK', listener: true });
  const validated = validatePipeline({
    application: 'app',
    name: 'bench',
    stages: [ecsDeployStage({ ...PROGRESSIVE, imageDescription: { registry: 'r', repository: 'app', tag: '2.0.0' } })],
  });
  if (!validated.pipeline) throw new Error(validated.errors.map((e) => `${e.path}: ${e.message}`).join('; '));
  // Time scale 20: a 30 s gate poll waits 1.5 s (each Wait lasts what its stage asked for, scaled), so every poll is a transition as in AWS.
  const runtime = new LocalRuntime({ timeScale: 20, families: localStageFamilies() });
  const result = await runtime.start(validated.pipeline, { parameters: {} }).result;
  await runtime.idle();
  if (result.status !== 'SUCCEEDED') throw new Error(`progressive deploy in the local engine: ${result.status}`);
  const { transitions, dollars } = costOf(result);
  return { transitions, dollars };
}
