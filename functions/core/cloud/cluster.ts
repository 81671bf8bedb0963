/** Describing server groups and clusters (all server groups of a cluster in one region). */
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { attachedTargetGroups, findAutoScalingGroup, listAutoScalingGroups } from './auto-scaling.js';
import type { CloudClients } from './clients.js';
import { ResourceNotFoundError } from './errors.js';
import { readTargetHealth } from './health.js';
import { describeLaunchTemplateVersion } from './launch-templates.js';
import {
  buildClusterName,
  parseClusterName,
  parseServerGroupName,
  tryParseServerGroupName,
  type ClusterName,
  type ParsedCluster,
  type ParsedServerGroup,
} from './naming.js';
import { launchTemplateOf, serverGroupView, type ServerGroupView } from './server-group-view.js';
import type { TargetHealthIndex } from './state.js';

export interface DescribeOptions {
  /**
   * Read each group's launch template version for its image and instance type.
   * @default true
   */
  readonly launchTemplates?: boolean;
  /**
   * Read target health for the instances.
   * @default true
   */
  readonly targetHealth?: boolean;
}

export interface ClusterView extends ParsedCluster {
  readonly region: string;
  /** Oldest first. */
  readonly serverGroups: readonly ServerGroupView[];
}

/** The Auto Scaling groups whose names parse into the given cluster, oldest first. */
export async function listClusterGroups(
  clients: CloudClients,
  cluster: string,
): Promise<{ readonly name: ParsedServerGroup; readonly group: AutoScalingGroup }[]> {
  const groups = await listAutoScalingGroups(clients);
  return groups
    .map((group) => ({ name: tryParseServerGroupName(group.AutoScalingGroupName ?? ''), group }))
    .filter((g): g is { name: ParsedServerGroup; group: AutoScalingGroup } => g.name?.cluster === cluster)
    .sort(byCreation);
}

function byCreation(a: { name: ParsedServerGroup; group: AutoScalingGroup }, b: { name: ParsedServerGroup; group: AutoScalingGroup }) {
  const ta = a.group.CreatedTime?.getTime() ?? 0;
  const tb = b.group.CreatedTime?.getTime() ?? 0;
  return ta - tb || a.name.sequence - b.name.sequence;
}

// A group whose launch template was deleted under it is still described, without image.
function ignoreMissing(error: unknown): undefined {
  if (error instanceof ResourceNotFoundError) return undefined;
  throw error;
}

async function views(
  clients: CloudClients,
  groups: readonly { readonly name: ParsedServerGroup; readonly group: AutoScalingGroup }[],
  options: DescribeOptions,
): Promise<ServerGroupView[]> {
  const arns = groups.flatMap((g) => attachedTargetGroups(g.group));
  const targetHealth: TargetHealthIndex | undefined = options.targetHealth === false ? undefined : await readTargetHealth(clients, arns);
  return Promise.all(
    groups.map(async ({ name, group }) => {
      const template = launchTemplateOf(group);
      const version =
        options.launchTemplates === false || !template
          ? undefined
          : await describeLaunchTemplateVersion(clients, { id: template.id, version: template.version }).catch(ignoreMissing);
      return serverGroupView(name, group, clients.region, {
        ...(version?.data.ImageId ? { imageId: version.data.ImageId } : {}),
        ...(version?.data.InstanceType ? { instanceType: version.data.InstanceType } : {}),
        ...(targetHealth ? { targetHealth } : {}),
      });
    }),
  );
}

/** One server group, or undefined when it does not exist. */
export async function describeServerGroup(clients: CloudClients, serverGroup: string, options: DescribeOptions = {}): Promise<ServerGroupView | undefined> {
  const name = parseServerGroupName(serverGroup);
  const group = await findAutoScalingGroup(clients, serverGroup);
  if (!group) return undefined;
  const [view] = await views(clients, [{ name, group }], options);
  return view;
}

/** All server groups of a cluster in the clients' region, oldest first. */
export async function describeCluster(clients: CloudClients, cluster: string | ClusterName, options: DescribeOptions = {}): Promise<ClusterView> {
  const parsed = parseClusterName(typeof cluster === 'string' ? cluster : buildClusterName(cluster));
  const groups = await listClusterGroups(clients, parsed.cluster);
  return { ...parsed, region: clients.region, serverGroups: await views(clients, groups, options) };
}
