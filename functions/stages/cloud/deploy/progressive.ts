/**
 * The progressive strategy's own steps (strategy.ts lists them): listener routes weighted between
 * the cluster's target groups and a canary target group per cluster target group, in which the new
 * group serves until all traffic is on it. Every step converges when run again after a crash: the
 * canaries are found by name (derived from the deploy key), weights and target group sets are
 * written only when they differ.
 *
 * Gates: each hold (a step's pauseSec, or its wait for a promote) and the bake check the rollback
 * alarms (every GATE_POLL_SECONDS at first, less often as the hold lasts; a hold with no alarms waits
 * out its time in one Wait) and, when the hold ends, the step's canary analysis; a failed gate
 * rolls the deploy back at once (traffic first).
 */
import { ResourceNotFoundError } from '../../../core/cloud/index.js';
import { resolveTargetGroups } from '../../../core/cloud/resources.js';
import { targetGroupName } from '../../../core/cloud/state.js';
import {
  deleteCanaryTargetGroup,
  ensureCanaryTargetGroup,
  findCanaryTargetGroup,
  findRoutes,
  setRouteWeights,
  type CanaryPair,
} from '../../../core/cloud/weighted-routing.js';
import { checkAlarmGate, gatePollSeconds, holdWaitSeconds } from '../../../core/gates/alarms.js';
import { isPromoted } from '../../../core/promote.js';
import { StageConfigError } from '../../../core/stage-api.js';
import type { StepResult } from '../units.js';
import type { DeployCluster } from './config.js';
import { nextStep, rollingBack, type DeployUnitContext, type DeployUnitState, type ProgressiveTraffic } from './state.js';
import { judgeStepAnalysis } from './step-analysis.js';

type Result = StepResult<DeployUnitState>;

/** The target groups the cluster serves from, as the config names them (names or ARNs). */
function clusterTargetGroupRefs(cluster: DeployCluster): string[] {
  return cluster.provider === 'ecs' ? [...new Set(cluster.ecs!.targetGroups.map((t) => t.targetGroup))] : [...cluster.launch.targetGroups];
}

/** The canary standing in for a target group named by `ref` (a name or an ARN), if any. */
export function canaryFor(ref: string, canaries: readonly CanaryPair[] | undefined): string | undefined {
  return canaries?.find((c) => c.targetGroupArn === ref || targetGroupName(c.targetGroupArn) === ref)?.canaryArn;
}

/**
 * Prepare's part (changes nothing): the cluster's target groups and every listener route to them.
 * A cluster with no target group, or a target group no listener forwards to, fails here, before
 * anything is created.
 */
export async function progressiveTraffic(u: DeployUnitContext): Promise<ProgressiveTraffic> {
  const refs = clusterTargetGroupRefs(u.cluster);
  const field = u.cluster.provider === 'ecs' ? 'targetGroup' : 'targetGroups';
  if (refs.length === 0)
    throw new StageConfigError(`clusters[${u.cluster.index}].${field}: strategy progressive shifts listener traffic, so the cluster needs a target group`);
  const { clients } = await u.target();
  const targetGroups = (await resolveTargetGroups(clients, refs)).map((t) => t.arn);
  return { targetGroups, routes: await findRoutes(clients, targetGroups) };
}

async function openRoutes(u: DeployUnitContext, state: DeployUnitState): Promise<Result> {
  const { clients } = await u.target();
  const traffic = state.traffic!;
  const canaries: CanaryPair[] = [];
  for (const arn of traffic.targetGroups) {
    canaries.push(await ensureCanaryTargetGroup(clients, arn, { deployKey: u.deployKey, application: u.cluster.application, cluster: u.cluster.cluster }));
  }
  // Weight 0 already: the canary is then in use by the load balancer, which ECS needs to register into it.
  await setRouteWeights(clients, traffic.routes, canaries, 0);
  return { state: nextStep(state, { traffic: { ...traffic, canaries }, weight: 0 }) };
}

async function shift(u: DeployUnitContext, state: DeployUnitState, weight: number): Promise<Result> {
  const { clients } = await u.target();
  await setRouteWeights(clients, state.traffic!.routes, state.traffic!.canaries ?? [], weight);
  return { state: nextStep(state, { weight, shiftedAt: state.weight === weight && state.shiftedAt !== undefined ? state.shiftedAt : u.ctx.clock.now() }) };
}

/** Alarms, then (when the hold ends) the step's analysis: the first that fails says why. */
async function gates(
  u: DeployUnitContext,
  state: DeployUnitState,
  step: number | undefined,
  ending: boolean,
): Promise<{ passed: true } | { passed: false; reason: string }> {
  const { clients, account } = await u.target();
  const at = `at ${state.weight ?? 0}% on ${state.serverGroup}`;
  const alarms = await checkAlarmGate(clients.cloudwatch, u.cluster.options.rollbackAlarms, `account ${account.name} ${u.region}`);
  if (!alarms.passed) return { passed: false, reason: `rollbackAlarms: ${alarms.reason} ${at}` };
  const analysis = step === undefined || !ending ? undefined : u.cluster.options.trafficSteps[step]?.analysis;
  if (analysis) {
    const verdict = await judgeStepAnalysis(u, state, analysis, step!);
    if (!verdict.passed) return { passed: false, reason: `trafficSteps[${step}].analysis: ${verdict.reason} ${at}` };
  }
  return { passed: true };
}

/** Holds the weight for `seconds`, checking the alarms as it goes (gates.ts holdWaitSeconds; the state machine waits in between). */
async function holdFor(u: DeployUnitContext, state: DeployUnitState, seconds: number, step: number | undefined): Promise<Result> {
  const now = u.ctx.clock.now();
  const until = state.waitUntil ?? now + seconds * 1000;
  const gate = await gates(u, state, step, now >= until);
  if (!gate.passed) return { state: rollingBack(state, gate.reason) };
  if (now >= until) return { state: nextStep(state) };
  const held = now - (until - seconds * 1000);
  return { state: { ...state, waitUntil: until }, waitSeconds: holdWaitSeconds(until - now, held, u.cluster.options.rollbackAlarms.length > 0) };
}

/** A step's hold: its pauseSec, or (a step before the last without one) until promoted. */
async function hold(u: DeployUnitContext, state: DeployUnitState, step: number): Promise<Result> {
  const steps = u.cluster.options.trafficSteps;
  const pause = steps[step]!.pauseSec;
  if (pause !== undefined || step === steps.length - 1) return holdFor(u, state, pause ?? 0, step);
  const promoted = isPromoted(u.ctx.state, step);
  const gate = await gates(u, state, step, promoted);
  if (!gate.passed) return { state: rollingBack(state, gate.reason) };
  if (promoted) return { state: nextStep(state) };
  // The stage turns this into a wait on its task token (stage.ts), or into polls backing off from every
  // GATE_POLL_SECONDS when it has rollback alarms (read above at each call); the gates are checked again when promoted.
  const now = u.ctx.clock.now();
  return { state: { ...state, awaitingPromote: step }, waitSeconds: gatePollSeconds(now - (state.shiftedAt ?? now)) };
}

async function setGroups(u: DeployUnitContext, state: DeployUnitState, arns: readonly string[]): Promise<Result> {
  await (await u.provider()).setTargetGroups(state.serverGroup!, arns);
  return { state: nextStep(state) };
}

async function closeRoutes(u: DeployUnitContext, state: DeployUnitState): Promise<Result> {
  const { clients } = await u.target();
  await setRouteWeights(clients, state.traffic!.routes, [], undefined);
  return { state: nextStep(state, { weight: 100 }) };
}

/**
 * Deletes the canary target groups. They are named by the deploy key, so a rollback finds them
 * even if openRoutes failed before saving them.
 */
async function dropCanaries(u: DeployUnitContext, state: DeployUnitState): Promise<Result> {
  const { clients } = await u.target();
  const traffic = state.traffic!;
  for (const tg of traffic.targetGroups) {
    const canary = traffic.canaries?.find((c) => c.targetGroupArn === tg)?.canaryArn ?? (await findCanaryTargetGroup(clients, u.deployKey, tg));
    if (canary) await deleteCanaryTargetGroup(clients, canary);
  }
  return { state: nextStep(state) };
}

export type ProgressiveStepKind = 'openRoutes' | 'shift' | 'hold' | 'bake' | 'adopt' | 'closeRoutes' | 'release' | 'dropCanaries';

export async function runProgressiveStep(
  step: { kind: ProgressiveStepKind; step?: number; weight?: number; seconds?: number },
  u: DeployUnitContext,
  state: DeployUnitState,
): Promise<Result> {
  const traffic = state.traffic!;
  switch (step.kind) {
    case 'openRoutes':
      return openRoutes(u, state);
    case 'shift':
      return shift(u, state, step.weight!);
    case 'hold':
      return hold(u, state, step.step!);
    case 'bake':
      return holdFor(u, state, step.seconds!, undefined);
    case 'adopt':
      return setGroups(u, state, [...traffic.targetGroups, ...(traffic.canaries ?? []).map((c) => c.canaryArn)]);
    case 'closeRoutes':
      return closeRoutes(u, state);
    case 'release':
      return setGroups(u, state, traffic.targetGroups);
    case 'dropCanaries':
      return dropCanaries(u, state);
  }
}

/** Rollback: traffic back on the cluster's target groups at once (nothing to do before the routes were read). */
export async function rollbackRoutes(u: DeployUnitContext, state: DeployUnitState): Promise<Result> {
  if (!state.traffic) return { state: nextStep(state) };
  return closeRoutes(u, state);
}

/** Rollback: the new group (kept, disabled) back to the cluster's target groups for a later enable, then the canaries deleted. */
export async function rollbackCanaries(u: DeployUnitContext, state: DeployUnitState): Promise<Result> {
  if (!state.traffic) return { state: nextStep(state) };
  if (state.serverGroup && !u.cluster.options.destroyOnFailure) {
    try {
      await (await u.provider()).setTargetGroups(state.serverGroup, state.traffic.targetGroups);
    } catch (error) {
      if (!(error instanceof ResourceNotFoundError)) throw error;
    }
  }
  return dropCanaries(u, state);
}
