/**
 * The emulator's state as a plain value, for comparing runs: server groups (enabled, capacity,
 * instances), launch template versions, live bake builders and images. Ids AWS makes up (instance,
 * image ids) are left out, so two runs that did the same thing compare equal.
 */
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeImagesCommand, DescribeInstancesCommand, DescribeLaunchTemplatesCommand, DescribeLaunchTemplateVersionsCommand } from '@aws-sdk/client-ec2';
import { BUILDER_KEY_TAG, describeServerGroup, type CloudClients } from '../../../functions/core/cloud/index.js';

export interface World {
  readonly groups: Record<string, string>;
  readonly launchTemplates: Record<string, number>;
  readonly liveBuilders: number;
  readonly images: readonly string[];
}

export async function world(clients: CloudClients, options: { images?: boolean } = {}): Promise<World> {
  const asgs = (await clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups ?? [];
  const groups: Record<string, string> = {};
  for (const g of asgs) {
    const view = await describeServerGroup(clients, g.AutoScalingGroupName!, { launchTemplates: false });
    if (!view) continue;
    const { min, desired, max } = view.capacity;
    groups[view.name] = `${view.enabled ? 'enabled' : 'disabled'} ${min}/${desired}/${max} ${view.instances.length} instances`;
  }
  const templates = (await clients.ec2.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates ?? [];
  const launchTemplates: Record<string, number> = {};
  for (const t of templates) {
    const versions = await clients.ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: t.LaunchTemplateId }));
    launchTemplates[t.LaunchTemplateName!] = versions.LaunchTemplateVersions?.length ?? 0;
  }
  const builders = await clients.ec2.send(
    new DescribeInstancesCommand({
      Filters: [
        { Name: 'tag-key', Values: [BUILDER_KEY_TAG] },
        { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
      ],
    }),
  );
  const liveBuilders = (builders.Reservations ?? []).flatMap((r) => r.Instances ?? []).length;
  const images =
    options.images === false
      ? []
      : ((await clients.ec2.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images ?? []).map((i) => `${i.Name} ${i.State}`).sort();
  return { groups, launchTemplates, liveBuilders, images };
}
