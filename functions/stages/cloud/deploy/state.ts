/** What a deploy remembers about one cluster in one region between calls, and what its steps work with. */
import type { Capacity, ServerGroupProvider, ServerGroupSummary } from '../../../core/cloud/index.js';
import type { CanaryPair, Route } from '../../../core/cloud/weighted-routing.js';
import type { StageRunContext } from '../../../core/stage-api.js';
import type { GuardTarget } from '../../../core/traffic-guards.js';
import type { CloudEnv, RegionTarget } from '../deps.js';
import { unitStates, type UnitState } from '../units.js';
import { clearWait, type WaitFields } from '../waiting.js';
import type { DeployCluster } from './config.js';

/** A server group as it was before the deploy changed anything. */
export interface Snapshot {
  readonly name: string;
  readonly enabled: boolean;
  readonly capacity: Capacity;
  readonly imageId?: string;
}

export interface DeployUnitState extends UnitState, WaitFields {
  readonly phase: 'prepare' | 'deploy' | 'rollback';
  /** Where the unit deploys (cancel has only the recorded state to go by). */
  readonly account: string;
  readonly region: string;
  /** Index into the phase's steps. */
  readonly step: number;
  /** The AMI (EC2) or the load-balanced container's image (ECS). */
  readonly imageId?: string;
  /** ECS: container name → image. */
  readonly containerImages?: Readonly<Record<string, string>>;
  /** ECS with useTaskDefinitionArtifact: the registration read from the artifact in prepare (kept, so every later call registers the same). */
  readonly taskDefinitionBase?: Readonly<Record<string, unknown>>;
  readonly version?: string;
  /** The new group's target capacity. */
  readonly capacity?: Capacity;
  /** Every group of the cluster before the deploy, oldest first. */
  readonly ancestors?: readonly Snapshot[];
  /** The group the deploy replaces (the newest enabled one), if any. */
  readonly source?: string;
  readonly serverGroup?: string;
  /** The groups the current step acts on, fixed (and saved) before it changes anything. */
  readonly plan?: readonly string[];
  /** Groups this deploy disabled (scale down acts on them). */
  readonly disabled?: readonly string[];
  /** The new group's desired size now (rolling). */
  readonly size?: number;
  readonly pinned?: boolean;
  /** Progressive: the cluster's target groups, the listener routes to them (fixed by prepare) and their canaries once made. */
  readonly traffic?: ProgressiveTraffic;
  /** Progressive: the canary share of traffic now, and since when (the stage clock, ms; a step's analysis reads from then). */
  readonly weight?: number;
  readonly shiftedAt?: number;
  /** Progressive: the traffic step waiting for a promote. */
  readonly awaitingPromote?: number;
}

/** Where a deploy keeps its units' states (its run and its cancel read them here). */
export const DEPLOY_UNITS = unitStates<DeployUnitState>();

export interface ProgressiveTraffic {
  /** The cluster's target groups (ARNs, in the order the config names them). */
  readonly targetGroups: readonly string[];
  readonly routes: readonly Route[];
  readonly canaries?: readonly CanaryPair[];
}

/** Everything a step of one unit may use. */
export interface DeployUnitContext {
  readonly ctx: StageRunContext;
  readonly env: CloudEnv;
  readonly cluster: DeployCluster;
  readonly region: string;
  /** Identifies this deploy of this cluster in this region: the driver finds the group it made by it. */
  readonly deployKey: string;
  readonly guardTarget: GuardTarget;
  /** Resolved on first use (account and region are checked there). */
  target(): Promise<RegionTarget>;
  /** The cluster's server groups through the provider seam (EC2 groups or ECS services). */
  provider(): Promise<ServerGroupProvider>;
  /** Seconds instances may take to come up. */
  readonly upTimeoutSeconds: number;
}

export function snapshotOf(group: ServerGroupSummary): Snapshot {
  return { name: group.name, enabled: group.enabled, capacity: group.capacity, ...(group.imageId ? { imageId: group.imageId } : {}) };
}

/** The next step of the same phase, with per-step fields cleared. */
export function nextStep(state: DeployUnitState, changes: Partial<DeployUnitState> = {}): DeployUnitState {
  const { plan: _plan, waitSince: _since, polls: _polls, waitUntil: _until, awaitingPromote: _promote, ...rest } = state;
  return { ...rest, ...changes, step: state.step + 1 };
}

/** The unit switched to its rollback phase, with why. */
export function rollingBack(state: DeployUnitState, error: string): DeployUnitState {
  const { plan: _plan, awaitingPromote: _promote, ...rest } = clearWait(state);
  return { ...rest, phase: 'rollback', step: 0, error };
}
