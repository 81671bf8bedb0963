/** Shared setup for cloud stage tests: the driver tests' network, a seeded cluster, and stage configs. */
import type { DescribeAutoScalingGroupsCommandOutput } from '@aws-sdk/client-auto-scaling';
import { createServerGroup, type CloudClients, type CreateServerGroupSpec } from '../../../functions/core/cloud/index.js';
import { injectFault, type Fault } from '../faults.js';
import { createNetwork, deploySpec, type Network } from '../cloud/fixtures.js';

export { createNetwork, type Network };

let seeded = 0;

/** Creates app-prod-v000, v001, ... (enabled unless said otherwise) as earlier deploys would have. */
export async function seedCluster(clients: CloudClients, network: Network, count = 1, overrides: Partial<CreateServerGroupSpec> = {}): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const created = await createServerGroup(
      clients,
      deploySpec(network, {
        capacity: { min: 1, max: 3, desired: 2 },
        metadata: { executionId: `seed-${(seeded += 1)}`, version: `0.${i}.0` },
        keyPair: undefined,
        iamInstanceProfile: undefined,
        userData: undefined,
        ...overrides,
      }),
    );
    names.push(created.serverGroup);
  }
  return names;
}

/** A Deck cluster entry deploying app-prod into the network. */
export function clusterEntry(network: Network, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    account: 'default',
    application: 'app',
    stack: 'prod',
    cloudProvider: 'aws',
    availabilityZones: { 'us-east-1': ['us-east-1a', 'us-east-1b'] },
    subnetType: 'internal',
    instanceType: 't3.micro',
    capacity: { min: 1, max: 3, desired: 2 },
    targetGroups: ['app-web'],
    healthCheckType: 'ELB',
    healthCheckGracePeriod: 60,
    imageId: network.otherImageId,
    strategy: 'redblack',
    ...extra,
  };
}

export function deployStage(network: Network, extra: Record<string, unknown> = {}, stage: Record<string, unknown> = {}): Record<string, unknown> {
  return { refId: '1', name: 'Deploy', type: 'deploy', clusters: [clusterEntry(network, extra)], ...stage };
}

/** Makes the instances of groups whose name matches look Pending forever (they never come up). */
export function neverUp(clients: CloudClients, serverGroup: RegExp): Fault {
  return injectFault<DescribeAutoScalingGroupsCommandOutput>(clients.autoScaling, {
    command: 'DescribeAutoScalingGroups',
    rewrite: (output) => ({
      ...output,
      AutoScalingGroups: output.AutoScalingGroups?.map((g) =>
        serverGroup.test(g.AutoScalingGroupName ?? '') ? { ...g, Instances: g.Instances?.map((i) => ({ ...i, LifecycleState: 'Pending' as const })) } : g,
      ),
    }),
  });
}
