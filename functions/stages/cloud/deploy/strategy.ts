/**
 * Deploy strategies as lists of steps, like Orca's strategies compose stages: the strategy decides
 * what happens in which order and runs nothing itself (steps.ts does). Pure.
 *
 *   none             create → wait up
 *   highlander       create → wait up → destroy every other group
 *   redblack         create → wait up → [delay] → disable the others → [delay → scale them to 0] → [trim to maxRemainingAsgs]
 *   rollingredblack  create at 0 → pin the source → for each percentage: grow the new group, wait up
 *                    → disable the others → unpin → [delay → scale down] → [trim]
 *
 * Rolling red/black differs from Spinnaker's in one way: an Auto Scaling group cannot be partly out
 * of its target groups, so the old group keeps serving at full size until the last step, and the
 * share of traffic on the new group grows with its size (25% of the size ≈ 20% of the traffic).
 * Capacity is pinned (min = max = desired) on both groups while rolling, so autoscaling cannot
 * change what the steps set; unpin restores the capacities.
 *
 *   progressive      resolve the listener routes → open them (a canary target group beside each of the
 *                    cluster's, weight 0) → create into the canary target groups → wait up → for each
 *                    traffic step: shift (set the weight) → hold (pauseSec with gates, or wait for a
 *                    promote) → [bake: bakeTimeSec at 100% with gates] → adopt (into the cluster's
 *                    target groups too) → wait up → disable the others → close the routes (the
 *                    cluster's target groups alone again) → release (out of the canary target groups)
 *                    → wait up → drop the canary target groups → [delay → scale down] → [trim]
 *
 * The canary target groups live only while traffic shifts: a deploy that ends, or rolls back,
 * leaves the cluster's target groups as the only ones, the listener forwarding to them alone.
 *
 * With `rollbackAlarms`, a gate checks them once the new group serves and before any other group
 * is disabled or destroyed; an alarm in ALARM rolls back whatever rollback.onFailure says.
 *
 * A failure rolls back when asked to (rollback.onFailure; always for rolling red/black): the groups
 * that were enabled before get back their capacity and traffic, the new group is disabled and
 * scaled to zero (kept for inspection, as Spinnaker does).
 */
import type { Strategy, StrategyOptions } from './config.js';

export type DeployStep =
  /** Create the new group (enabled), at the target capacity or at zero (rolling). */
  | { readonly kind: 'create'; readonly atZero: boolean }
  /** Wait until the new group's instances are up (percent of its size at this point). */
  | { readonly kind: 'waitUp' }
  | { readonly kind: 'delay'; readonly seconds: number; readonly reason: string }
  /** Disable every other enabled group of the cluster. */
  | { readonly kind: 'disableOthers' }
  /** Scale the groups this deploy disabled to zero. */
  | { readonly kind: 'scaleDownDisabled' }
  /** Destroy the oldest groups so that at most `keep` remain. */
  | { readonly kind: 'trim'; readonly keep: number }
  /** Destroy every other group of the cluster. */
  | { readonly kind: 'destroyOthers' }
  /** Pin the source group's capacity (min = max = desired). */
  | { readonly kind: 'pinSource' }
  /** Resize the new group to `percent` of the target capacity, pinned. */
  | { readonly kind: 'grow'; readonly percent: number }
  /** Give the new group its target capacity and the source its own back. */
  | { readonly kind: 'unpin' }
  /** Check the rollback alarms; one in ALARM rolls the deploy back. */
  | { readonly kind: 'gate' }
  /** Progressive: canary target groups created beside the cluster's, the routes weighted 0 on them. */
  | { readonly kind: 'openRoutes' }
  /** Progressive: the routes send `weight` percent to the canary target groups. */
  | { readonly kind: 'shift'; readonly step: number; readonly weight: number }
  /** Progressive: hold the step's weight for its pauseSec (or until promoted), checking the gates. */
  | { readonly kind: 'hold'; readonly step: number }
  /** Progressive: all traffic on the new group for bakeTimeSec, checking the gates. */
  | { readonly kind: 'bake'; readonly seconds: number }
  /** Progressive: the new group serves from the cluster's target groups as well as its canaries. */
  | { readonly kind: 'adopt' }
  /** Progressive: the routes forward to the cluster's target groups alone again. */
  | { readonly kind: 'closeRoutes' }
  /** Progressive: the new group leaves the canary target groups. */
  | { readonly kind: 'release' }
  /** Progressive: the canary target groups deleted. */
  | { readonly kind: 'dropCanaries' };

export type RollbackStep =
  /** Progressive: all traffic back on the cluster's target groups at once. */
  | { readonly kind: 'closeRoutes' }
  /** Progressive: the new group out of the canary target groups, which are deleted. */
  | { readonly kind: 'dropCanaries' }
  /** Give the groups that were enabled before back their capacity and traffic. */
  | { readonly kind: 'restoreAncestors' }
  | { readonly kind: 'waitAncestorsUp' }
  /** Disable the new group and scale it to zero. */
  | { readonly kind: 'retireNew' };

function tail(options: StrategyOptions): DeployStep[] {
  return [
    ...(options.delayBeforeScaleDownSec > 0 && options.scaleDown
      ? [{ kind: 'delay', seconds: options.delayBeforeScaleDownSec, reason: 'delayBeforeScaleDownSec' } as const]
      : []),
    ...(options.scaleDown ? [{ kind: 'scaleDownDisabled' } as const] : []),
    ...(options.maxRemainingAsgs !== undefined ? [{ kind: 'trim', keep: options.maxRemainingAsgs } as const] : []),
  ];
}

function delayBeforeDisable(options: StrategyOptions): DeployStep[] {
  return options.delayBeforeDisableSec > 0 ? [{ kind: 'delay', seconds: options.delayBeforeDisableSec, reason: 'delayBeforeDisableSec' }] : [];
}

function gate(options: StrategyOptions): DeployStep[] {
  return options.rollbackAlarms.length > 0 ? [{ kind: 'gate' }] : [];
}

export function deploySteps(strategy: Strategy, options: StrategyOptions): DeployStep[] {
  switch (strategy) {
    case 'none':
      return [{ kind: 'create', atZero: false }, { kind: 'waitUp' }, ...gate(options)];
    case 'highlander':
      return [{ kind: 'create', atZero: false }, { kind: 'waitUp' }, ...gate(options), { kind: 'destroyOthers' }];
    case 'redblack':
      return [
        { kind: 'create', atZero: false },
        { kind: 'waitUp' },
        ...delayBeforeDisable(options),
        ...gate(options),
        { kind: 'disableOthers' },
        ...tail(options),
      ];
    case 'rollingredblack':
      return [
        { kind: 'create', atZero: true },
        { kind: 'pinSource' },
        ...options.targetPercentages.flatMap((percent, i): DeployStep[] => [
          { kind: 'grow', percent },
          { kind: 'waitUp' },
          ...(i < options.targetPercentages.length - 1 ? delayBeforeDisable(options) : []),
        ]),
        ...delayBeforeDisable(options),
        ...gate(options),
        { kind: 'disableOthers' },
        { kind: 'unpin' },
        ...tail(options),
      ];
    case 'progressive':
      return [
        { kind: 'openRoutes' },
        { kind: 'create', atZero: false },
        { kind: 'waitUp' },
        ...options.trafficSteps.flatMap((s, step): DeployStep[] => [
          { kind: 'shift', step, weight: s.weight },
          { kind: 'hold', step },
        ]),
        ...(options.bakeTimeSec > 0 ? [{ kind: 'bake', seconds: options.bakeTimeSec } as const] : []),
        { kind: 'adopt' },
        { kind: 'waitUp' },
        { kind: 'disableOthers' },
        { kind: 'closeRoutes' },
        { kind: 'release' },
        { kind: 'waitUp' },
        { kind: 'dropCanaries' },
        ...tail(options),
      ];
  }
}

export function rollbackSteps(strategy: Strategy): RollbackStep[] {
  const steps: RollbackStep[] = [{ kind: 'restoreAncestors' }, { kind: 'waitAncestorsUp' }, { kind: 'retireNew' }];
  // Traffic goes back before anything else, the canaries go once the new group is out of service.
  return strategy === 'progressive' ? [{ kind: 'closeRoutes' }, ...steps, { kind: 'dropCanaries' }] : steps;
}

/** Instances of the new group that must be up: `percent` of its size at this step, then the healthy share. */
export function expectedUp(desired: number, healthyPercent: number): number {
  return Math.ceil((desired * healthyPercent) / 100);
}

/** The new group's size at a rolling step. */
export function sizeAt(targetDesired: number, percent: number): number {
  return Math.ceil((targetDesired * percent) / 100);
}
