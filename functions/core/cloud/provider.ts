/**
 * The provider seam: what every deploy target (EC2 Auto Scaling groups, ECS services, ...) does the
 * same way, so strategies, rollbacks, locks, traffic guards and the cluster view are written once
 * over it (DESIGN.md, "Deploy targets share one seam"). A server group is whatever the target calls
 * one (`<cluster>-vNNN`): an Auto Scaling group, an ECS service. Creating one is the only
 * target-specific step (its spec differs), so it is not part of this interface: each target's
 * deploy supplies its own create.
 *
 * Every mutating call converges when run again after a crash (missing → ResourceNotFoundError,
 * already done → no change).
 */
import type { Capacity } from './capacity.js';
import type { DescribeOptions } from './cluster.js';
import type { ParsedCluster, ParsedServerGroup } from './naming.js';
import type { UnhealthyInstance } from './state.js';
import type { DeployMetadata } from './tags.js';

export type ProviderKind = 'aws' | 'ecs';

/** A server group as strategies and guards see it, whatever it runs on. */
export interface ServerGroupSummary extends ParsedServerGroup {
  readonly region: string;
  readonly createdTime?: string;
  /** Set while it is being deleted; such groups count as gone. */
  readonly status?: string;
  readonly capacity: Capacity;
  readonly enabled: boolean;
  /** What it runs: an AMI id, a container image. */
  readonly imageId?: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Instances or tasks up and serving now (traffic guards count these). */
  readonly upCount: number;
}

export interface ClusterSummary extends ParsedCluster {
  readonly region: string;
  /** Oldest first. */
  readonly serverGroups: readonly ServerGroupSummary[];
}

export interface UpCheckResult {
  readonly serverGroup: string;
  readonly up: boolean;
  readonly expected: number;
  readonly upCount: number;
  /** Instances / tasks that are not up, and why (ECS: stopped tasks' reasons). */
  readonly unhealthy: readonly UnhealthyInstance[];
}

/** What every target's clone takes: the source, where the copy goes, and changes on top (a target may take more). */
export interface CloneRequest {
  readonly source: string;
  /** @default the source's (the clone goes into the source's cluster) */
  readonly application?: string;
  readonly stack?: string;
  readonly detail?: string;
  /** Changes to the source's capacity. */
  readonly capacity?: Partial<Capacity>;
  /** What the clone runs: an AMI id (EC2), the load-balanced container's image (ECS). @default the source's */
  readonly imageId?: string;
  /** @default true */
  readonly enabled?: boolean;
  /** The user's own tags; `gennaker:` keys are reserved. */
  readonly tags?: Readonly<Record<string, string>>;
  /** `deployKey` finds the clone a crashed run made. */
  readonly metadata?: DeployMetadata;
}

export interface ServerGroupProvider {
  readonly kind: ProviderKind;
  readonly region: string;
  describeCluster(cluster: string, options?: DescribeOptions): Promise<ClusterSummary>;
  describeServerGroup(serverGroup: string, options?: DescribeOptions): Promise<ServerGroupSummary | undefined>;
  /** Into its target groups (taking traffic), at the capacity it had. */
  enableServerGroup(serverGroup: string): Promise<unknown>;
  /** Out of its target groups; capacity as the target does it (EC2 keeps instances, ECS scales to 0). */
  disableServerGroup(serverGroup: string): Promise<unknown>;
  resizeServerGroup(serverGroup: string, capacity: Partial<Capacity>): Promise<unknown>;
  /**
   * Serve from exactly these target groups (progressive deploys move the new group from its canary
   * target group to the cluster's); a disabled group only remembers them for enable.
   */
  setTargetGroups(serverGroup: string, targetGroupArns: readonly string[]): Promise<unknown>;
  /** A new server group copied from `source` (found again by its deploy key); converges like create. */
  cloneServerGroup(spec: CloneRequest): Promise<{ readonly serverGroup: string; readonly created: boolean }>;
  /** Gone, with what it owned (launch template, task definition revision); missing is fine. */
  destroyServerGroup(serverGroup: string): Promise<unknown>;
  /** One look, never sleeps: are at least `expected` (default: desired) instances / tasks up? */
  checkUp(serverGroup: string, expected?: number): Promise<UpCheckResult>;
}
