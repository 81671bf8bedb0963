/**
 * Crash idempotency, generated: run a scenario once cleanly and record every mutating AWS call it
 * makes (countCalls); then, for each (command, occurrence), run it again from scratch with the
 * handler crashing right after that call returned (injectFault when 'after': AWS did it, the
 * caller never heard), re-run the task as Step Functions would, and compare the emulator with the
 * clean run's: same server groups in the same state, same launch template versions, no builder
 * left, same images. Shared by the tests and the benchmark.
 */
import { disableServerGroup, type CloudClients } from '../../../functions/core/cloud/index.js';
import { countCalls, crash, injectFault, MUTATING, removeAllFaults } from '../faults.js';
import { deployStage, neverUp, seedCluster, type Network } from './fixtures.js';
import { runStages, type HarnessRun } from './harness.js';
import { world, type World } from './world.js';
import { PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { createEcsCluster, ecsDeployStage, ecsWorld, scalingWorld, seedScaling } from './ecs-fixtures.js';
import { createListener, trafficWorld } from './traffic-fixtures.js';
import { DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';

/** The ECS cluster's target group (made by createEcsCluster). */
async function ecsTargetGroup(clients: CloudClients): Promise<string> {
  return (await clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['app-ecs'] }))).TargetGroups![0]!.TargetGroupArn!;
}

export interface CrashScenario {
  readonly name: string;
  /** What exists before the stage runs. */
  setup(clients: CloudClients, network: Network): Promise<void>;
  pipeline(network: Network): Record<string, unknown>;
  /** Faults that are part of the scenario (e.g. instances that never come up). */
  faults?(clients: CloudClients): void;
  /** The status the stage ends with (both clean and crashed). */
  readonly expectStatus: string;
  /** Compare the ECS cluster's services and task definition revisions too. */
  readonly ecs?: boolean;
  /** Compare the listeners' routes and the target groups too (no orphaned canary target group). */
  readonly traffic?: boolean;
}

const ecsImage = (tag: string) => ({ imageDescription: { registry: '123456789012.dkr.ecr.us-east-1.amazonaws.com', repository: 'app', tag } });

/** An ECS cluster with `count` services deployed before the scenario (v000 oldest). */
async function seedEcs(clients: CloudClients, network: Network, count: number): Promise<void> {
  await createEcsCluster(clients, network);
  for (let i = 0; i < count; i += 1) {
    await runStages({ stages: [ecsDeployStage({ strategy: 'redblack', ...ecsImage(`0.${i}.0`) })] }, { executionId: `seed-${i}` });
  }
}

export interface InjectionPoint {
  readonly command: string;
  readonly occurrence: number;
}

async function firingAlarm(clients: CloudClients, state: 'OK' | 'ALARM'): Promise<void> {
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
  if (state === 'ALARM') await clients.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'app-5xx', StateValue: 'ALARM', StateReason: '5xx' }));
}

const PROGRESSIVE = { strategy: 'progressive', trafficSteps: [{ weight: 10, pauseSec: 60 }, { weight: 100 }], scaleDown: true };

const stage = (raw: Record<string, unknown>) => ({ stages: [{ refId: '1', name: 'Stage', ...raw }] });
const onCluster = { account: 'default', cluster: 'app-prod', regions: ['us-east-1'], cloudProvider: 'aws' };
/** Deck's ECS stages name no ECS cluster: the one holding the services is found. */
const onEcs = { ...onCluster, cloudProvider: 'ecs' };

export const SCENARIOS: readonly CrashScenario[] = [
  {
    name: 'deploy redblack (delay, scaleDown, maxRemainingAsgs)',
    setup: async (c, n) => void (await seedCluster(c, n, 2)),
    pipeline: (n) => ({ stages: [deployStage(n, { delayBeforeDisableSec: 30, scaleDown: true, maxRemainingAsgs: 2 })] }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'deploy highlander',
    setup: async (c, n) => void (await seedCluster(c, n, 1)),
    pipeline: (n) => ({ stages: [deployStage(n, { strategy: 'highlander' })] }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'deploy rollingredblack',
    setup: async (c, n) => void (await seedCluster(c, n, 1, { capacity: { min: 1, max: 4, desired: 2 } })),
    pipeline: (n) => ({ stages: [deployStage(n, { strategy: 'rollingredblack', targetPercentages: [50, 100] })] }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'deploy redblack that fails and rolls back',
    setup: async (c, n) => void (await seedCluster(c, n, 1)),
    pipeline: (n) => ({ stages: [deployStage(n, { rollback: { onFailure: true }, waitForUpTimeoutSeconds: 60 })] }),
    faults: (c) => void neverUp(c, /-v001$/),
    expectStatus: 'TERMINAL',
  },
  {
    name: 'rollbackCluster to the previous server group',
    setup: async (c, n) => {
      await seedCluster(c, n, 2);
      await disableServerGroup(c, 'app-prod-v000');
    },
    pipeline: () => stage({ type: 'rollbackCluster', ...onCluster }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'rollbackCluster to the previous image',
    setup: async (c, n) => void (await seedCluster(c, n, 1, { imageId: n.otherImageId, metadata: { executionId: 'seed', previousImageId: n.imageId } })),
    pipeline: () => stage({ type: 'rollbackCluster', ...onCluster }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'enableServerGroup',
    setup: async (c, n) => {
      await seedCluster(c, n, 2);
      await disableServerGroup(c, 'app-prod-v000');
    },
    pipeline: () => stage({ type: 'enableServerGroup', ...onCluster, target: 'oldest_asg_dynamic' }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'disableServerGroup',
    setup: async (c, n) => void (await seedCluster(c, n, 2)),
    pipeline: () => stage({ type: 'disableServerGroup', ...onCluster, target: 'ancestor_asg_dynamic' }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'resizeServerGroup',
    setup: async (c, n) => void (await seedCluster(c, n, 1)),
    pipeline: () => stage({ type: 'resizeServerGroup', ...onCluster, target: 'current_asg_dynamic', action: 'scale_up', scaleNum: 1 }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'destroyServerGroup',
    setup: async (c, n) => {
      await seedCluster(c, n, 2);
      await disableServerGroup(c, 'app-prod-v000');
    },
    pipeline: () => stage({ type: 'destroyServerGroup', ...onCluster, target: 'oldest_asg_dynamic' }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'deploy ECS redblack (scaleDown, maxRemainingAsgs)',
    ecs: true,
    setup: (c, n) => seedEcs(c, n, 2),
    pipeline: () => ({ stages: [ecsDeployStage({ scaleDown: true, maxRemainingAsgs: 2, ...ecsImage('1.0.0') })] }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: "deploy ECS redblack copying the source service's scaling policies and scheduled action",
    ecs: true,
    setup: async (c, n) => {
      await seedEcs(c, n, 1);
      await seedScaling(c, 'app-prod-v000');
    },
    pipeline: () => ({ stages: [ecsDeployStage({ copySourceScalingPoliciesAndActions: true, ...ecsImage('1.0.0') })] }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'deploy ECS highlander',
    ecs: true,
    setup: (c, n) => seedEcs(c, n, 1),
    pipeline: () => ({ stages: [ecsDeployStage({ strategy: 'highlander', ...ecsImage('1.0.0') })] }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'deploy ECS redblack rolled back by an alarm (destroyOnFailure)',
    ecs: true,
    setup: async (c, n) => {
      await seedEcs(c, n, 1);
      await c.cloudwatch.send(
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
      await c.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'app-5xx', StateValue: 'ALARM', StateReason: '5xx' }));
    },
    pipeline: () => ({ stages: [ecsDeployStage({ rollbackAlarms: ['app-5xx'], rollback: { destroyOnFailure: true }, ...ecsImage('1.0.0') })] }),
    expectStatus: 'TERMINAL',
  },
  {
    name: 'progressive ECS (listener rule and default action, scaleDown)',
    ecs: true,
    traffic: true,
    setup: async (c, n) => {
      await seedEcs(c, n, 1);
      await createListener(c, n, await ecsTargetGroup(c));
    },
    pipeline: () => ({ stages: [ecsDeployStage({ ...PROGRESSIVE, ...ecsImage('1.0.0') })] }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'progressive ECS rolled back by an alarm at the first step (destroyOnFailure)',
    ecs: true,
    traffic: true,
    setup: async (c, n) => {
      await seedEcs(c, n, 1);
      await createListener(c, n, await ecsTargetGroup(c));
      await firingAlarm(c, 'ALARM');
    },
    pipeline: () => ({ stages: [ecsDeployStage({ ...PROGRESSIVE, rollbackAlarms: ['app-5xx'], rollback: { destroyOnFailure: true }, ...ecsImage('1.0.0') })] }),
    expectStatus: 'TERMINAL',
  },
  {
    name: 'ECS enableServerGroup',
    ecs: true,
    setup: (c, n) => seedEcs(c, n, 2),
    pipeline: () => stage({ type: 'enableServerGroup', ...onEcs, target: 'oldest_asg_dynamic' }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'ECS disableServerGroup',
    ecs: true,
    setup: (c, n) => seedEcs(c, n, 1),
    pipeline: () => stage({ type: 'disableServerGroup', ...onEcs, target: 'current_asg_dynamic' }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'ECS resizeServerGroup',
    ecs: true,
    setup: (c, n) => seedEcs(c, n, 1),
    pipeline: () => stage({ type: 'resizeServerGroup', ...onEcs, target: 'current_asg_dynamic', capacity: { min: 2, max: 6, desired: 3 } }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'ECS destroyServerGroup',
    ecs: true,
    setup: (c, n) => seedEcs(c, n, 2),
    pipeline: () => stage({ type: 'destroyServerGroup', ...onEcs, target: 'oldest_asg_dynamic' }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'ECS destroyServerGroup removing its scaling policies and scheduled action',
    ecs: true,
    setup: async (c, n) => {
      await seedEcs(c, n, 2);
      await seedScaling(c, 'app-prod-v000');
    },
    pipeline: () => stage({ type: 'destroyServerGroup', ...onEcs, target: 'oldest_asg_dynamic' }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'ECS cloneServerGroup',
    ecs: true,
    setup: (c, n) => seedEcs(c, n, 1),
    pipeline: () => stage({ type: 'cloneServerGroup', ...onEcs, targetCluster: 'app-prod', target: 'current_asg_dynamic', ...ecsImage('2.0.0') }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'ECS rollbackCluster to the previous image (clone, then disable)',
    ecs: true,
    setup: async (c, n) => {
      await seedEcs(c, n, 1);
      await runStages({ stages: [ecsDeployStage({ strategy: 'highlander', ...ecsImage('1.0.0') })] }, { executionId: 'seed-h' });
    },
    pipeline: () => stage({ type: 'rollbackCluster', ...onEcs }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'progressive EC2 (scaleDown)',
    traffic: true,
    setup: async (c, n) => {
      await seedCluster(c, n, 1);
      await createListener(c, n, n.targetGroupArn);
    },
    pipeline: (n) => ({ stages: [deployStage(n, PROGRESSIVE)] }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'progressive EC2 rolled back by an alarm (new group kept, disabled)',
    traffic: true,
    setup: async (c, n) => {
      await seedCluster(c, n, 1);
      await createListener(c, n, n.targetGroupArn);
      await firingAlarm(c, 'ALARM');
    },
    pipeline: (n) => ({ stages: [deployStage(n, { ...PROGRESSIVE, rollbackAlarms: ['app-5xx'] })] }),
    expectStatus: 'TERMINAL',
  },
  {
    name: 'bake',
    setup: async () => undefined,
    pipeline: (n) => stage({ type: 'bake', package: 'app', baseOs: 'ubuntu', baseAmi: n.imageId, regions: ['us-east-1'], storeType: 'ebs', vmType: 'hvm' }),
    expectStatus: 'SUCCEEDED',
  },
];

export interface ScenarioRun {
  readonly run: HarnessRun;
  readonly world: World & {
    readonly ecs?: Awaited<ReturnType<typeof ecsWorld>> & { readonly scaling: Awaited<ReturnType<typeof scalingWorld>> };
    readonly traffic?: Awaited<ReturnType<typeof trafficWorld>>;
  };
}

/** Every client a scenario's mutating calls go through. */
const mutatingClients = (clients: CloudClients) => [clients.ec2, clients.autoScaling, clients.elbv2, clients.ecs, clients.applicationAutoScaling];

/** The environment a scenario starts from, in a freshly reset emulator. */
export type Fresh = () => Promise<{ clients: CloudClients; network: Network }>;

async function runOnce(scenario: CrashScenario, fresh: Fresh, inject?: (clients: CloudClients) => void): Promise<ScenarioRun & { clients: CloudClients }> {
  const { clients, network } = await fresh();
  await scenario.setup(clients, network);
  scenario.faults?.(clients);
  inject?.(clients);
  try {
    const run = await runStages(scenario.pipeline(network));
    removeAllFaults();
    return {
      run,
      world: {
        ...(await world(clients)),
        ...(scenario.ecs ? { ecs: { ...(await ecsWorld(clients)), scaling: await scalingWorld(clients) } } : {}),
        ...(scenario.traffic ? { traffic: await trafficWorld(clients) } : {}),
      },
      clients,
    };
  } finally {
    removeAllFaults();
  }
}

/** The clean run, and the mutating calls it made (in call order of first appearance). */
export async function cleanRun(scenario: CrashScenario, fresh: Fresh): Promise<ScenarioRun & { points: InjectionPoint[] }> {
  let counter: ReturnType<typeof countCalls> | undefined;
  const result = await runOnce(scenario, fresh, (clients) => {
    counter = countCalls(...mutatingClients(clients));
  });
  const counts = counter!.counts();
  counter!.remove();
  const points = Object.entries(counts)
    .filter(([op]) => MUTATING.test(op))
    .flatMap(([command, n]) => Array.from({ length: n }, (_, i) => ({ command, occurrence: i + 1 })));
  return { run: result.run, world: result.world, points };
}

/** Crashes the handler right after the `occurrence`-th call of `command` returned. */
function crashAfter(clients: CloudClients, point: InjectionPoint): { triggered: () => number } {
  let seen = 0;
  let thrown = 0;
  for (const client of mutatingClients(clients)) {
    injectFault(client, {
      command: point.command,
      when: 'after',
      rewrite: (output: unknown) => {
        seen += 1;
        if (seen !== point.occurrence) return output;
        thrown += 1;
        throw crash(`simulated crash after ${point.command} #${point.occurrence}`);
      },
    });
  }
  return { triggered: () => thrown };
}

export async function crashedRun(scenario: CrashScenario, fresh: Fresh, point: InjectionPoint): Promise<ScenarioRun & { triggered: number }> {
  let fault: { triggered: () => number } | undefined;
  const result = await runOnce(scenario, fresh, (clients) => {
    fault = crashAfter(clients, point);
  });
  return { run: result.run, world: result.world, triggered: fault!.triggered() };
}
