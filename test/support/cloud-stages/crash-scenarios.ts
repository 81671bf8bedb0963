/**
 * Crash idempotency, generated: run a scenario once cleanly and record every mutating AWS call it
 * makes (countCalls); then, for each (command, occurrence), run it again from scratch with the
 * handler crashing right after that call returned (injectFault when 'after': AWS did it, the
 * caller never heard), re-run the task as Step Functions would, and compare the emulator with the
 * clean run's: same server groups in the same state, same launch template versions, no builder
 * left, same images. Shared by the tests and the benchmark.
 */
import { disableServerGroup, type CloudClients } from '../../../functions/core/cloud/index.js';
import { resetClientCache } from '../../../functions/core/aws-clients.js';
import { ensureTables } from '../../../functions/core/tables.js';
import { countCalls, crashAfter, injectionPoints, removeAllFaults, type InjectionPoint } from '../faults.js';
import type { CrashRuns, Emulator } from '../crash-suite.js';
import { createNetwork, deployStage, neverUp, seedCluster, type Network } from './fixtures.js';
import { runStages, stageClients, type HarnessRun } from './harness.js';
import { world, type World } from './world.js';
import type { StateValue } from '@aws-sdk/client-cloudwatch';
import { putAlarm } from '../../../local/alarms.js';
import { appImage, createEcsCluster, ecsDeployStage, ecsWorld, scalingWorld, seedEcs, seedScaling, type EcsSeed } from './ecs-fixtures.js';
import { createListener, trafficWorld } from './traffic-fixtures.js';

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

/** An ECS cluster seeded as `seed` says (one service by default), then `more`. */
const onEcsCluster =
  (seed: EcsSeed = {}, more?: (clients: CloudClients) => Promise<void>) =>
  async (clients: CloudClients, network: Network): Promise<void> => {
    await createEcsCluster(clients, network);
    await seedEcs(clients, network, seed);
    await more?.(clients);
  };

/** An EC2 cluster with `count` server groups, the oldest (v000) disabled. */
const oldestDisabled = (count: number) => async (clients: CloudClients, network: Network) => {
  await seedCluster(clients, network, count);
  await disableServerGroup(clients, 'app-prod-v000');
};

/** An EC2 cluster with one server group, a listener forwarding to its target group, and the alarm app-5xx in `alarm` if given. */
const ec2WithListener = (alarm?: StateValue) => async (clients: CloudClients, network: Network) => {
  await seedCluster(clients, network, 1);
  await createListener(clients, network, network.targetGroupArn);
  if (alarm) await putAlarm(clients.cloudwatch, 'app-5xx', { state: alarm, reason: '5xx' });
};

const ecsImage = (tag: string) => ({ imageDescription: appImage(tag) });

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
    setup: oldestDisabled(2),
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
    setup: oldestDisabled(2),
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
    setup: oldestDisabled(2),
    pipeline: () => stage({ type: 'destroyServerGroup', ...onCluster, target: 'oldest_asg_dynamic' }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'deploy ECS redblack (scaleDown, maxRemainingAsgs)',
    ecs: true,
    setup: onEcsCluster({ services: 2 }),
    pipeline: () => ({ stages: [ecsDeployStage({ scaleDown: true, maxRemainingAsgs: 2, ...ecsImage('1.0.0') })] }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: "deploy ECS redblack copying the source service's scaling policies and scheduled action",
    ecs: true,
    setup: onEcsCluster({}, (c) => seedScaling(c, 'app-prod-v000')),
    pipeline: () => ({ stages: [ecsDeployStage({ copySourceScalingPoliciesAndActions: true, ...ecsImage('1.0.0') })] }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'deploy ECS highlander',
    ecs: true,
    setup: onEcsCluster(),
    pipeline: () => ({ stages: [ecsDeployStage({ strategy: 'highlander', ...ecsImage('1.0.0') })] }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'deploy ECS redblack rolled back by an alarm (destroyOnFailure)',
    ecs: true,
    setup: onEcsCluster({ alarm: 'ALARM' }),
    pipeline: () => ({ stages: [ecsDeployStage({ rollbackAlarms: ['app-5xx'], rollback: { destroyOnFailure: true }, ...ecsImage('1.0.0') })] }),
    expectStatus: 'TERMINAL',
  },
  {
    name: 'progressive ECS (listener rule and default action, scaleDown)',
    ecs: true,
    traffic: true,
    setup: onEcsCluster({ listener: true }),
    pipeline: () => ({ stages: [ecsDeployStage({ ...PROGRESSIVE, ...ecsImage('1.0.0') })] }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'progressive ECS rolled back by an alarm at the first step (destroyOnFailure)',
    ecs: true,
    traffic: true,
    setup: onEcsCluster({ listener: true, alarm: 'ALARM' }),
    pipeline: () => ({ stages: [ecsDeployStage({ ...PROGRESSIVE, rollbackAlarms: ['app-5xx'], rollback: { destroyOnFailure: true }, ...ecsImage('1.0.0') })] }),
    expectStatus: 'TERMINAL',
  },
  {
    name: 'ECS enableServerGroup',
    ecs: true,
    setup: onEcsCluster({ services: 2 }),
    pipeline: () => stage({ type: 'enableServerGroup', ...onEcs, target: 'oldest_asg_dynamic' }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'ECS disableServerGroup',
    ecs: true,
    setup: onEcsCluster(),
    pipeline: () => stage({ type: 'disableServerGroup', ...onEcs, target: 'current_asg_dynamic' }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'ECS resizeServerGroup',
    ecs: true,
    setup: onEcsCluster(),
    pipeline: () => stage({ type: 'resizeServerGroup', ...onEcs, target: 'current_asg_dynamic', capacity: { min: 2, max: 6, desired: 3 } }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'ECS destroyServerGroup',
    ecs: true,
    setup: onEcsCluster({ services: 2 }),
    pipeline: () => stage({ type: 'destroyServerGroup', ...onEcs, target: 'oldest_asg_dynamic' }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'ECS destroyServerGroup removing its scaling policies and scheduled action',
    ecs: true,
    setup: onEcsCluster({ services: 2 }, (c) => seedScaling(c, 'app-prod-v000')),
    pipeline: () => stage({ type: 'destroyServerGroup', ...onEcs, target: 'oldest_asg_dynamic' }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'ECS cloneServerGroup',
    ecs: true,
    setup: onEcsCluster(),
    pipeline: () => stage({ type: 'cloneServerGroup', ...onEcs, targetCluster: 'app-prod', target: 'current_asg_dynamic', ...ecsImage('2.0.0') }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'ECS rollbackCluster to the previous image (clone, then disable)',
    ecs: true,
    setup: onEcsCluster({}, async () => {
      await runStages({ stages: [ecsDeployStage({ strategy: 'highlander', ...ecsImage('1.0.0') })] }, { executionId: 'seed-h' });
    }),
    pipeline: () => stage({ type: 'rollbackCluster', ...onEcs }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'progressive EC2 (scaleDown)',
    traffic: true,
    setup: ec2WithListener(),
    pipeline: (n) => ({ stages: [deployStage(n, PROGRESSIVE)] }),
    expectStatus: 'SUCCEEDED',
  },
  {
    name: 'progressive EC2 rolled back by an alarm (new group kept, disabled)',
    traffic: true,
    setup: ec2WithListener('ALARM'),
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

/** Fresh for the emulator `server()` returns: reset, the tables, the clients and the network. */
export function freshCloud(server: () => Emulator): Fresh {
  return async () => {
    await server().reset();
    resetClientCache();
    await ensureTables();
    const clients = stageClients();
    return { clients, network: await createNetwork(clients) };
  };
}

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

/** The clean run, and the mutating calls it made. */
export async function cleanRun(scenario: CrashScenario, fresh: Fresh): Promise<ScenarioRun & { points: InjectionPoint[] }> {
  let counter: ReturnType<typeof countCalls> | undefined;
  const result = await runOnce(scenario, fresh, (clients) => {
    counter = countCalls(...mutatingClients(clients));
  });
  const counts = counter!.counts();
  counter!.remove();
  return { run: result.run, world: result.world, points: injectionPoints(counts) };
}

async function crashedRun(scenario: CrashScenario, fresh: Fresh, point: InjectionPoint): Promise<ScenarioRun & { triggered: number }> {
  let fault: { triggered: () => number } | undefined;
  const result = await runOnce(scenario, fresh, (clients) => {
    fault = crashAfter(mutatingClients(clients), point);
  });
  return { run: result.run, world: result.world, triggered: fault!.triggered() };
}

/** The server group scenarios' clean and crashed runs, for crashSuite. */
export function cloudCrashRuns(server: () => Emulator): CrashRuns<CrashScenario> {
  const fresh = freshCloud(server);
  return { clean: (scenario) => cleanRun(scenario, fresh), crashed: (scenario, point) => crashedRun(scenario, fresh, point) };
}
