/**
 * The deploy steps, one function each. Every step is idempotent: run again after a crash at any
 * point it converges (the driver finds the group it made by the deploy key, enable / disable /
 * resize / destroy are no-ops when already done). Steps that act on a set of groups first fix the
 * set (`plan`, saved by the runner) and check traffic guards, then act on exactly that set.
 */
import { ResourceNotFoundError, withAccountDefaults, type Capacity, type CreateServerGroupSpec } from '../../../core/cloud/index.js';
import { checkAlarmGate } from '../../../core/gates/alarms.js';
import type { GroupChange } from '../../../core/traffic-guards.js';
import { checkGuards } from '../guards.js';
import type { StepResult } from '../units.js';
import { waitForUp } from '../up.js';
import { clearWait, delay } from '../waiting.js';
import type { EcsServices } from '../../../core/ecs/services.js';
import { ecsCreateSpec } from './ecs-create.js';
import { newestFirst } from '../targets.js';
import { expectedUp, sizeAt, type DeployStep } from './strategy.js';
import { canaryFor, runProgressiveStep } from './progressive.js';
import { nextStep, rollingBack, type DeployUnitContext, type DeployUnitState } from './state.js';

type Result = StepResult<DeployUnitState>;

const ZERO: Capacity = { min: 0, max: 0, desired: 0 };

/** Missing is fine for steps that act on other groups: someone removed it already. */
async function ignoreMissing(action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (!(error instanceof ResourceNotFoundError)) throw error;
  }
}

function createSpec(u: DeployUnitContext, state: DeployUnitState, atZero: boolean): CreateServerGroupSpec {
  const { cluster, region, ctx } = u;
  const launch = cluster.launch;
  const zones = launch.availabilityZones[region] ?? [];
  const previous = state.ancestors?.find((a) => a.name === state.source);
  return {
    application: cluster.application,
    ...(cluster.stack ? { stack: cluster.stack } : {}),
    ...(cluster.detail ? { detail: cluster.detail } : {}),
    imageId: state.imageId!,
    instanceType: launch.instanceType ?? '',
    ...(launch.userData !== undefined ? { userData: launch.userData } : {}),
    ...(launch.securityGroups !== undefined ? { securityGroups: launch.securityGroups } : {}),
    ...(launch.keyPair !== undefined ? { keyPair: launch.keyPair } : {}),
    ...(launch.iamInstanceProfile !== undefined ? { iamInstanceProfile: launch.iamInstanceProfile } : {}),
    ...(launch.ebsOptimized !== undefined ? { ebsOptimized: launch.ebsOptimized } : {}),
    ...(launch.detailedMonitoring !== undefined ? { detailedMonitoring: launch.detailedMonitoring } : {}),
    ...(launch.requireImdsV2 !== undefined ? { requireImdsV2: launch.requireImdsV2 } : {}),
    capacity: atZero ? ZERO : state.capacity!,
    ...(launch.subnetIds !== undefined ? { subnetIds: launch.subnetIds } : {}),
    ...(launch.subnetType !== undefined ? { subnetType: launch.subnetType } : {}),
    ...(launch.vpcId !== undefined ? { vpcId: launch.vpcId } : {}),
    ...(!launch.subnetIds && !launch.subnetType && zones.length > 0 ? { availabilityZones: zones } : {}),
    // Progressive: the new group starts in its canary target groups only.
    targetGroups: state.traffic?.canaries ? launch.targetGroups.map((tg) => canaryFor(tg, state.traffic!.canaries) ?? tg) : launch.targetGroups,
    ...(launch.healthCheckType !== undefined ? { healthCheckType: launch.healthCheckType } : {}),
    ...(launch.healthCheckGracePeriod !== undefined ? { healthCheckGracePeriod: launch.healthCheckGracePeriod } : {}),
    ...(launch.suspendedProcesses !== undefined ? { suspendedProcesses: launch.suspendedProcesses } : {}),
    ...(launch.tags !== undefined ? { tags: launch.tags } : {}),
    enabled: true,
    metadata: {
      executionId: ctx.executionId,
      deployKey: u.deployKey,
      ...(state.version ? { version: state.version } : {}),
      // Recorded so rollbackCluster can go back to this image after the previous group is gone.
      ...(previous?.imageId && previous.imageId !== state.imageId ? { previousImageId: previous.imageId } : {}),
    },
  };
}

async function create(u: DeployUnitContext, state: DeployUnitState, atZero: boolean): Promise<Result> {
  if (u.cluster.provider === 'ecs') {
    const services = (await u.provider()) as EcsServices;
    const result = await services.createServerGroup(ecsCreateSpec(u, state, atZero));
    return { state: nextStep(state, { serverGroup: result.serverGroup, size: atZero ? 0 : state.capacity!.desired }) };
  }
  const { driver, account } = await u.target();
  const result = await driver.createServerGroup(withAccountDefaults(createSpec(u, state, atZero), account.defaults));
  return { state: nextStep(state, { serverGroup: result.serverGroup, size: atZero ? 0 : state.capacity!.desired }) };
}

async function waitUp(u: DeployUnitContext, state: DeployUnitState): Promise<Result> {
  const size = state.size ?? state.capacity!.desired;
  const driver = await u.provider();
  const expected = expectedUp(size, u.cluster.options.targetHealthyDeployPercentage);
  return waitForUp({ driver, now: u.ctx.clock.now(), timeoutSeconds: u.upTimeoutSeconds }, state, state.serverGroup!, expected, (s) => nextStep(clearWait(s)));
}

async function wait(u: DeployUnitContext, state: DeployUnitState, seconds: number): Promise<Result> {
  const next = delay(state, u.ctx.clock.now(), seconds);
  return next.done ? { state: nextStep(state) } : { state: next.state, waitSeconds: next.waitSeconds };
}

/** The rollback alarms: all quiet → next step; one in ALARM → roll back at once, naming it. */
async function gate(u: DeployUnitContext, state: DeployUnitState): Promise<Result> {
  const { clients, account } = await u.target();
  const outcome = await checkAlarmGate(clients.cloudwatch, u.cluster.options.rollbackAlarms, `account ${account.name} ${u.region}`);
  return { state: outcome.passed ? nextStep(state) : rollingBack(state, outcome.reason) };
}

/**
 * A step acting on other groups: the first call picks them (from the live cluster), checks traffic
 * guards and saves the plan; the next call acts on exactly that plan.
 */
async function onOthers(
  u: DeployUnitContext,
  state: DeployUnitState,
  pick: (others: ReturnType<typeof newestFirst>) => string[],
  change: (serverGroup: string) => GroupChange,
  action: string,
  act: (serverGroup: string) => Promise<unknown>,
  after: (state: DeployUnitState, plan: readonly string[]) => Partial<DeployUnitState> = () => ({}),
): Promise<Result> {
  if (!state.plan) {
    const driver = await u.provider();
    const view = await driver.describeCluster(u.cluster.cluster, { launchTemplates: false });
    const others = newestFirst(view.serverGroups.filter((g) => g.name !== state.serverGroup && !g.status));
    const plan = pick(others);
    await checkGuards(u.env, u.ctx, u.guardTarget, view, plan.map(change), `${action} ${plan.join(', ')}`);
    return { state: { ...state, plan } };
  }
  for (const serverGroup of state.plan) await ignoreMissing(() => act(serverGroup));
  return { state: nextStep(state, after(state, state.plan)) };
}

export async function runDeployStep(step: DeployStep, u: DeployUnitContext, state: DeployUnitState): Promise<Result> {
  const driver = () => u.provider();
  switch (step.kind) {
    case 'create':
      return create(u, state, step.atZero);
    case 'waitUp':
      return waitUp(u, state);
    case 'delay':
      return wait(u, state, step.seconds);
    case 'gate':
      return gate(u, state);
    case 'disableOthers': {
      const d = await driver();
      return onOthers(
        u,
        state,
        (others) => others.filter((g) => g.enabled).map((g) => g.name),
        (serverGroup) => ({ kind: 'disable', serverGroup }),
        'disable',
        (g) => d.disableServerGroup(g),
        (s, plan) => ({ disabled: [...new Set([...(s.disabled ?? []), ...plan])] }),
      );
    }
    case 'scaleDownDisabled': {
      const d = await driver();
      return onOthers(
        u,
        state,
        (others) => others.filter((g) => (state.disabled ?? []).includes(g.name) && g.capacity.desired + g.capacity.max > 0).map((g) => g.name),
        (serverGroup) => ({ kind: 'resize', serverGroup, desired: 0 }),
        'scale down',
        (g) => d.resizeServerGroup(g, ZERO),
      );
    }
    case 'trim': {
      const d = await driver();
      // The new group counts towards what remains.
      return onOthers(
        u,
        state,
        (others) => others.slice(Math.max(0, step.keep - 1)).map((g) => g.name),
        (serverGroup) => ({ kind: 'destroy', serverGroup }),
        'destroy',
        (g) => d.destroyServerGroup(g),
      );
    }
    case 'destroyOthers': {
      const d = await driver();
      return onOthers(
        u,
        state,
        (others) => others.map((g) => g.name),
        (serverGroup) => ({ kind: 'destroy', serverGroup }),
        'destroy',
        (g) => d.destroyServerGroup(g),
      );
    }
    case 'pinSource': {
      const source = state.ancestors?.find((a) => a.name === state.source);
      if (source) {
        const { desired } = source.capacity;
        await ignoreMissing(async () => (await driver()).resizeServerGroup(source.name, { min: desired, max: desired, desired }));
      }
      return { state: nextStep(state, { pinned: source !== undefined }) };
    }
    case 'grow': {
      const size = sizeAt(state.capacity!.desired, step.percent);
      await (await driver()).resizeServerGroup(state.serverGroup!, { min: size, max: size, desired: size });
      return { state: nextStep(state, { size }) };
    }
    case 'openRoutes':
    case 'shift':
    case 'hold':
    case 'bake':
    case 'adopt':
    case 'closeRoutes':
    case 'release':
    case 'dropCanaries':
      return runProgressiveStep(step, u, state);
    case 'unpin': {
      const d = await driver();
      await d.resizeServerGroup(state.serverGroup!, state.capacity!);
      const source = state.ancestors?.find((a) => a.name === state.source);
      if (source && state.pinned) await ignoreMissing(() => d.resizeServerGroup(source.name, source.capacity));
      return { state: nextStep(state, { pinned: false, size: state.capacity!.desired }) };
    }
  }
}
