/**
 * The server groups a canary runs on: a baseline (the production image) and a canary (the new
 * image), each a small copy of the production server group, in its target groups. The stage
 * depends only on the narrow CanaryFleet interface; `cloudFleet` implements it on the cloud
 * driver (functions/core/cloud): clone for deploy (a deploy key makes a re-run find the group it
 * already made), checkUp for readiness, destroy (a missing group is fine).
 */
import { buildClusterName, parseClusterName, TagKeys, type Capacity, type CloudDriver } from '../../core/cloud/index.js';
import { NoProductionGroupError } from './errors.js';

export type CanaryRole = 'baseline' | 'canary';

export interface ProductionGroup {
  readonly serverGroup: string;
  readonly imageId: string;
}

interface CanaryGroupRequest {
  readonly role: CanaryRole;
  /** The production server group to copy. */
  readonly source: string;
  readonly imageId: string;
  readonly capacity: Capacity;
  /** Unique per stage run and role: finds the group an interrupted call already made. */
  readonly deployKey: string;
  readonly executionId: string;
}

export interface CanaryFleet {
  /** The production group to compare against: the named one, else the cluster's newest enabled one. */
  production(cluster: string, serverGroup?: string): Promise<ProductionGroup>;
  /** Creates (or finds again) the role's server group. */
  deploy(request: CanaryGroupRequest): Promise<{ readonly serverGroup: string }>;
  /** Whether the group has its capacity up (in service and healthy in its target groups). */
  ready(serverGroup: string): Promise<boolean>;
  /** The group of this role made with this deploy key, if any (for cleanup after an interrupted deploy). */
  find(productionCluster: string, role: CanaryRole, deployKey: string): Promise<string | undefined>;
  /** Removes the group; a group that is already gone is fine. */
  destroy(serverGroup: string): Promise<void>;
}

/** `app-stack-detail` → `app-stack-detail-canary` (the role joins the detail, as Spinnaker names canary clusters). */
function canaryClusterName(productionCluster: string, role: CanaryRole): string {
  const parsed = parseClusterName(productionCluster);
  return buildClusterName({
    app: parsed.app,
    ...(parsed.stack ? { stack: parsed.stack } : {}),
    detail: parsed.detail ? `${parsed.detail}-${role}` : role,
  });
}

export function cloudFleet(driver: CloudDriver): CanaryFleet {
  return {
    async production(cluster, serverGroup) {
      if (serverGroup) {
        const view = await driver.describeServerGroup(serverGroup, { targetHealth: false });
        if (!view) throw new NoProductionGroupError(`production server group ${serverGroup} does not exist in ${driver.region}`);
        if (!view.imageId) throw new NoProductionGroupError(`cannot tell which image production server group ${serverGroup} runs`);
        return { serverGroup, imageId: view.imageId };
      }
      const view = await driver.describeCluster(cluster, { targetHealth: false });
      const newest = [...view.serverGroups].reverse().find((g) => g.enabled && g.imageId && !g.status);
      if (!newest?.imageId) throw new NoProductionGroupError(`cluster ${cluster} has no enabled server group in ${driver.region} to compare the canary with`);
      return { serverGroup: newest.name, imageId: newest.imageId };
    },
    async deploy(request) {
      const source = parseClusterName(request.source.replace(/-v\d{3,6}$/, ''));
      const result = await driver.cloneServerGroup({
        source: request.source,
        detail: source.detail ? `${source.detail}-${request.role}` : request.role,
        imageId: request.imageId,
        capacity: request.capacity,
        copyScalingPolicies: false,
        enabled: true,
        metadata: { executionId: request.executionId, deployKey: request.deployKey },
        tags: { 'canary-role': request.role },
      });
      return { serverGroup: result.serverGroup };
    },
    async ready(serverGroup) {
      return (await driver.checkUp(serverGroup)).up;
    },
    async find(productionCluster, role, deployKey) {
      const view = await driver.describeCluster(canaryClusterName(productionCluster, role), { targetHealth: false, launchTemplates: false });
      return view.serverGroups.find((g) => g.tags[TagKeys.deployKey] === deployKey)?.name;
    },
    async destroy(serverGroup) {
      await driver.destroyServerGroup(serverGroup);
    },
  };
}
