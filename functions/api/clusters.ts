/**
 * The cluster view of an application: every cluster (`app[-stack[-detail]]`) of the application in
 * one account and region, with each server group's version, image, capacity, enabled state and
 * health; and its Lambda functions with their versions and aliases' weights. Reads through the
 * cloud driver (functions/core/cloud).
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
import { applicationFunctions, lambdaClientFor, percentTo, routingOf, type FunctionView } from '../core/cloud/lambda/index.js';
import { lambdaClient } from '../core/aws-clients.js';

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
  readonly instances: ReadonlyArray<{
    readonly instanceId: string;
    readonly up: boolean;
    readonly lifecycleState: string;
    readonly healthStatus: string;
    readonly targetHealth: readonly string[];
  }>;
}

export interface ClusterSummary {
  readonly cluster: string;
  readonly stack?: string;
  readonly detail?: string;
  /** Oldest first. */
  readonly serverGroups: readonly ServerGroupSummary[];
}

/** A Lambda function of the application: its published versions and where its aliases send traffic. */
export interface FunctionSummary {
  readonly functionName: string;
  readonly functionArn: string;
  readonly runtime?: string;
  readonly lastModified?: string;
  readonly state?: string;
  readonly lastUpdateStatus?: string;
  /** The execution that last deployed it (its gennaker:execution-id tag). */
  readonly lastDeploy?: { readonly executionId: string };
  /** Newest first. */
  readonly versions: ReadonlyArray<{ readonly version: string; readonly codeSha256: string; readonly description: string }>;
  /** Each alias with the percent of its traffic per version (its main version first). */
  readonly aliases: ReadonlyArray<{
    readonly name: string;
    readonly version: string;
    readonly traffic: ReadonlyArray<{ readonly version: string; readonly percent: number }>;
  }>;
}

export interface ApplicationClusters {
  readonly application: string;
  readonly account: string;
  readonly region: string;
  readonly clusters: readonly ClusterSummary[];
  readonly functions: readonly FunctionSummary[];
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

export function summarizeFunction(view: FunctionView): FunctionSummary {
  const c = view.configuration;
  const executionId = view.tags[TagKeys.executionId];
  return {
    functionName: view.name,
    functionArn: view.arn,
    ...(c.Runtime ? { runtime: c.Runtime } : {}),
    ...(c.LastModified ? { lastModified: c.LastModified } : {}),
    ...(c.State ? { state: c.State } : {}),
    ...(c.LastUpdateStatus ? { lastUpdateStatus: c.LastUpdateStatus } : {}),
    ...(executionId ? { lastDeploy: { executionId } } : {}),
    versions: view.versions.map((v) => ({ version: String(v.version), codeSha256: v.codeSha256, description: v.description })),
    aliases: view.aliases.map((a) => {
      const routing = routingOf(a);
      const targets = [routing.major, ...(routing.minor ? [routing.minor] : [])];
      return { name: a.name, version: a.functionVersion, traffic: targets.map((t) => ({ version: t, percent: percentTo(routing, t) })) };
    }),
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
      let lambda: ReturnType<typeof lambdaClient>;
      let account = 'default';
      if (query.account) {
        const registry = await loadAccounts();
        const target = query.region
          ? registry.resolve(query.account, query.region)
          : { account: registry.get(query.account), region: registry.get(query.account).regions?.[0] ?? cloudClients().region };
        clients = cloudClientsFor(target, credentials);
        lambda = lambdaClientFor(target, credentials);
        account = query.account;
      } else {
        clients = cloudClients(query.region ? { region: query.region } : {});
        lambda = lambdaClient({ region: clients.region });
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
      const functions = (await applicationFunctions(lambda, query.application)).map(summarizeFunction);
      return { application: query.application, account, region: clients.region, clusters, functions };
    },
  };
}
