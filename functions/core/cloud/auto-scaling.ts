/** Reading Auto Scaling groups: one by name, or all of them (paginated). */
import {
  CreateOrUpdateTagsCommand,
  DescribeAutoScalingGroupsCommand,
  paginateDescribeAutoScalingGroups,
  type AutoScalingGroup,
} from '@aws-sdk/client-auto-scaling';
import { awsCall } from './aws-errors.js';
import type { CloudClients } from './clients.js';
import { ResourceNotFoundError } from './errors.js';
import type { Tag } from './tags.js';

export async function findAutoScalingGroup(clients: CloudClients, name: string): Promise<AutoScalingGroup | undefined> {
  const response = await awsCall({ action: 'describe', resourceType: 'server group', resource: name }, () =>
    clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] })),
  );
  return response.AutoScalingGroups?.find((g) => g.AutoScalingGroupName === name);
}

export async function requireAutoScalingGroup(clients: CloudClients, name: string): Promise<AutoScalingGroup> {
  const group = await findAutoScalingGroup(clients, name);
  if (!group) throw new ResourceNotFoundError('server group', name, `server group ${name} not found in ${clients.region}`);
  return group;
}

/** Every Auto Scaling group in the region (MaxRecords 100 per page). */
export async function listAutoScalingGroups(clients: CloudClients): Promise<AutoScalingGroup[]> {
  return awsCall({ action: 'list', resourceType: 'server groups in', resource: clients.region }, async () => {
    const groups: AutoScalingGroup[] = [];
    for await (const page of paginateDescribeAutoScalingGroups({ client: clients.autoScaling, pageSize: 100 }, {})) {
      groups.push(...(page.AutoScalingGroups ?? []));
    }
    return groups;
  });
}

/** Target groups the Auto Scaling group is attached to (classic attachment or traffic sources). */
export function attachedTargetGroups(group: AutoScalingGroup): string[] {
  const fromTrafficSources = (group.TrafficSources ?? [])
    .filter((s) => (s.Type ?? 'elbv2') === 'elbv2' && s.Identifier?.includes(':targetgroup/'))
    .map((s) => s.Identifier ?? '');
  return [...new Set([...(group.TargetGroupARNs ?? []), ...fromTrafficSources])];
}

export function suspendedProcesses(group: AutoScalingGroup): string[] {
  return (group.SuspendedProcesses ?? []).map((p) => p.ProcessName ?? '').filter(Boolean);
}

export async function putGroupTags(clients: CloudClients, name: string, tags: readonly Tag[]): Promise<void> {
  if (tags.length === 0) return;
  await awsCall({ action: 'tag', resourceType: 'server group', resource: name }, () =>
    clients.autoScaling.send(
      new CreateOrUpdateTagsCommand({
        Tags: tags.map((t) => ({
          ResourceId: name,
          ResourceType: 'auto-scaling-group',
          Key: t.key,
          Value: t.value,
          PropagateAtLaunch: t.propagateAtLaunch,
        })),
      }),
    ),
  );
}
