/**
 * The cluster view of an application: every cluster (`app[-stack[-detail]]`) of the application in
 * one account and region, with each server group's version, image, capacity, enabled state and
 * health. Reads through the cloud driver (functions/core/cloud).
 */
import { paginateDescribeAutoScalingGroups } from '@aws-sdk/client-auto-scaling';
import {
  AssumedRoleCredentials,
  type CloudClients,
  cloudClients,
  cloudClientsFor,
  describeCluster,
  loadAccounts,
  type ServerGroupView,
  TagKeys,
  tryParseServerGroupName,
} from '../core/cloud/index.js';

export interface ServerGroupSummary {
  readonly name: string;
  readonly version: string;
  readonly sequence: number;
  readonly imageId?: string;
  readonly instanceType?: string;
  readonly capacity: { readonly min: number; readonly max: number; readonly desired: number };
  readonly enabled: boolean;
  readonly disabledReason?: string;
  readonly createdTime?: string;
  /** The execution that deployed it (its gennaker:execution-id tag). */
  readonly executionId?: string;
  readonly health: { readonly total: number; readonly up: number; readonly down: number; readonly state: 'up' | 'down' | 'partial' | 'empty' };
  readonly instances: ReadonlyArray<{ readonly instanceId: string; readonly up: boolean; readonly lifecycleState: string; readonly healthStatus: string; readonly targetHealth: readonly string[] }>;
}

export interface ClusterSummary {
  readonly cluster: string;
  readonly stack?: string;
  readonly detail?: string;
  /** Oldest first. */
  readonly serverGroups: readonly ServerGroupSummary[];
}

export interface ApplicationClusters {
  readonly application: string;
  readonly account: string;
  readonly region: string;
  readonly clusters: readonly ClusterSummary[];
}

export interface ClusterQuery {
  readonly application: string;
  /** An account name from the accounts file; default: the caller's own account. */
  readonly account?: string;
  readonly region?: string;
}

export interface ClusterReader {
  describeApplication(query: ClusterQuery): Promise<ApplicationClusters>;
}

function summarize(group: ServerGroupView): ServerGroupSummary {
  const instances = group.instances.map((i) => {
    const up = i.lifecycleState === 'InService' && i.healthStatus === 'Healthy' && i.targetHealth.every((t) => t.state === 'healthy');
    return { instanceId: i.instanceId, up, lifecycleState: i.lifecycleState, healthStatus: i.healthStatus, targetHealth: i.targetHealth.map((t) => t.state) };
  });
  const up = instances.filter((i) => i.up).length;
  const total = instances.length;
  return {
    name: group.name,
    version: `v${String(group.sequence).padStart(3, '0')}`,
    sequence: group.sequence,
    ...(group.imageId ? { imageId: group.imageId } : {}),
    ...(group.instanceType ? { instanceType: group.instanceType } : {}),
    capacity: group.capacity,
    enabled: group.enabled,
    ...(group.disabledReason ? { disabledReason: group.disabledReason } : {}),
    ...(group.createdTime ? { createdTime: group.createdTime } : {}),
    ...(group.tags[TagKeys.executionId] ? { executionId: group.tags[TagKeys.executionId] } : {}),
    health: { total, up, down: total - up, state: total === 0 ? 'empty' : up === total ? 'up' : up === 0 ? 'down' : 'partial' },
    instances,
  };
}

/** The application's cluster names in a region, from the Auto Scaling group names. */
async function clusterNames(clients: CloudClients, application: string): Promise<string[]> {
  const names = new Set<string>();
  for await (const page of paginateDescribeAutoScalingGroups({ client: clients.autoScaling, pageSize: 100 }, {})) {
    for (const group of page.AutoScalingGroups ?? []) {
      const parsed = tryParseServerGroupName(group.AutoScalingGroupName ?? '');
      if (parsed?.app === application) names.add(parsed.cluster);
    }
  }
  return [...names].sort();
}

export function cloudClusterReader(credentials = new AssumedRoleCredentials()): ClusterReader {
  return {
    async describeApplication(query) {
      let clients: CloudClients;
      let account = 'default';
      if (query.account) {
        const registry = await loadAccounts();
        const target = query.region ? registry.resolve(query.account, query.region) : { account: registry.get(query.account), region: registry.get(query.account).regions?.[0] ?? cloudClients().region };
        clients = cloudClientsFor(target, credentials);
        account = query.account;
      } else {
        clients = cloudClients(query.region ? { region: query.region } : {});
      }
      const clusters: ClusterSummary[] = [];
      for (const name of await clusterNames(clients, query.application)) {
        const view = await describeCluster(clients, name);
        clusters.push({
          cluster: view.cluster,
          ...(view.stack ? { stack: view.stack } : {}),
          ...(view.detail ? { detail: view.detail } : {}),
          serverGroups: view.serverGroups.map(summarize),
        });
      }
      return { application: query.application, account, region: clients.region, clusters };
    },
  };
}
