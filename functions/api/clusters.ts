/**
 * The cluster view of an application: every cluster (`app[-stack[-detail]]`) of the application in
 * one account and region, EC2 (Auto Scaling groups) and ECS (services, per ECS cluster), with each
 * server group's version, image, capacity, enabled state, health, the share of its load balancer
 * route's traffic it serves (weighted forwards while a progressive deploy shifts) and the run that
 * deployed it; and its Lambda functions with their versions and aliases' weights. Reads only,
 * through the cloud driver (functions/core/cloud, functions/core/ecs).
 */
import { paginateDescribeAutoScalingGroups } from '@aws-sdk/client-auto-scaling';
import { DescribeServicesCommand, paginateListClusters, paginateListServices, type Service } from '@aws-sdk/client-ecs';
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
import { awsCall } from '../core/cloud/aws-errors.js';
import { targetGroupShares } from '../core/cloud/weighted-routing.js';
import { serviceView } from '../core/ecs/services.js';
import { applicationFunctions, lambdaClientFor, percentTo, routingOf, type FunctionView } from '../core/cloud/lambda/index.js';
import { lambdaClient } from '../core/sdk-clients/lambda.js';

type ClusterProvider = 'aws' | 'ecs';

export interface ServerGroupSummary {
  readonly name: string;
  /** What it is: an Auto Scaling group ('aws', EC2) or an ECS service ('ecs'). */
  readonly provider: ClusterProvider;
  readonly version: string;
  readonly sequence: number;
  readonly imageId?: string;
  readonly instanceType?: string;
  /** ECS: the task definition revision the service runs. */
  readonly taskDefinition?: string;
  readonly capacity: { readonly min: number; readonly max: number; readonly desired: number };
  readonly enabled: boolean;
  readonly disabledReason?: string;
  readonly createdTime?: string;
  /** The execution that deployed it (its gennaker:execution-id tag). */
  readonly executionId?: string;
  /**
   * Percent of its load balancer route's traffic it serves now: its target group's share of the
   * listener's (weighted) forward, split between the enabled groups in that target group by how many
   * instances or tasks each has up; 0 when disabled. Absent when no listener forwards to it.
   */
  readonly trafficWeight?: number;
  /** EC2: instances; ECS: tasks (running of desired). */
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
  readonly provider: ClusterProvider;
  /** ECS: the ECS cluster its services run in. */
  readonly ecsCluster?: string;
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

interface ClusterQuery {
  readonly application: string;
  /** An account name from the accounts file; default: the caller's own account. */
  readonly account?: string;
  readonly region?: string;
}

export interface ClusterReader {
  describeApplication(query: ClusterQuery): Promise<ApplicationClusters>;
}

/** What the traffic split needs of a server group. */
interface Routed {
  readonly enabled: boolean;
  readonly upCount: number;
  readonly targetGroupArns: readonly string[];
}

/**
 * Pure: each group's traffic weight (ServerGroupSummary.trafficWeight) from its target groups'
 * shares of their routes. Undefined for a group in no routed target group, unless another group of
 * its cluster is routed (then it serves none of the cluster's traffic: 0).
 */
export function trafficWeights(groups: readonly Routed[], shares: ReadonlyMap<string, number>): Array<number | undefined> {
  const weightIn = (group: Routed, arn: string): number => {
    const share = shares.get(arn)!;
    const serving = groups.filter((g) => g.enabled && g.targetGroupArns.includes(arn));
    const up = serving.reduce((sum, g) => sum + g.upCount, 0);
    return up === 0 ? share / serving.length : (share * group.upCount) / up;
  };
  const weights = groups.map((g) => {
    const routed = g.targetGroupArns.filter((arn) => shares.has(arn));
    if (routed.length === 0) return undefined;
    return g.enabled ? Math.round(Math.max(...routed.map((arn) => weightIn(g, arn)))) : 0;
  });
  const anyRouted = weights.some((w) => w !== undefined);
  return weights.map((w) => (w === undefined && anyRouted ? 0 : w));
}

function health(up: number, total: number): ServerGroupSummary['health'] {
  return { total, up, down: total - up, state: total === 0 ? 'empty' : up === total ? 'up' : up === 0 ? 'down' : 'partial' };
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
    provider: 'aws',
    version: `v${String(group.sequence).padStart(3, '0')}`,
    sequence: group.sequence,
    ...(group.imageId ? { imageId: group.imageId } : {}),
    ...(group.instanceType ? { instanceType: group.instanceType } : {}),
    capacity: group.capacity,
    enabled: group.enabled,
    ...(group.disabledReason ? { disabledReason: group.disabledReason } : {}),
    ...(group.createdTime ? { createdTime: group.createdTime } : {}),
    ...(group.tags[TagKeys.executionId] ? { executionId: group.tags[TagKeys.executionId] } : {}),
    health: health(up, total),
    instances,
  };
}

function summarizeService(view: ReturnType<typeof serviceView>): ServerGroupSummary {
  const expected = view.enabled ? view.capacity.desired : 0;
  return {
    name: view.name,
    provider: 'ecs',
    version: `v${String(view.sequence).padStart(3, '0')}`,
    sequence: view.sequence,
    ...(view.imageId ? { imageId: view.imageId } : {}),
    ...(view.taskDefinition ? { taskDefinition: view.taskDefinition.split('/').pop()! } : {}),
    capacity: view.capacity,
    enabled: view.enabled,
    ...(view.enabled ? {} : { disabledReason: 'scaled to 0 (disabled)' }),
    ...(view.createdTime ? { createdTime: view.createdTime } : {}),
    ...(view.tags[TagKeys.executionId] ? { executionId: view.tags[TagKeys.executionId] } : {}),
    health: health(Math.min(view.upCount, expected), expected),
    instances: [],
  };
}

function summarizeFunction(view: FunctionView): FunctionSummary {
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

const SERVICES_PER_DESCRIBE = 10;

/** The application's ECS services in a region, per ECS cluster and cluster name, oldest first. */
async function ecsClusters(
  clients: CloudClients,
  application: string,
): Promise<Array<{ summary: Omit<ClusterSummary, 'serverGroups'>; views: ReturnType<typeof serviceView>[] }>> {
  const out: Array<{ summary: Omit<ClusterSummary, 'serverGroups'>; views: ReturnType<typeof serviceView>[] }> = [];
  for await (const page of paginateListClusters({ client: clients.ecs }, {})) {
    for (const clusterArn of page.clusterArns ?? []) {
      const ecsCluster = clusterArn.split('/').pop()!;
      const names: string[] = [];
      for await (const services of paginateListServices({ client: clients.ecs }, { cluster: ecsCluster })) {
        for (const arn of services.serviceArns ?? []) {
          const name = arn.split('/').pop() ?? '';
          if (tryParseServerGroupName(name)?.app === application) names.push(name);
        }
      }
      const found: Service[] = [];
      for (let i = 0; i < names.length; i += SERVICES_PER_DESCRIBE) {
        const batch = names.slice(i, i + SERVICES_PER_DESCRIBE);
        const response = await awsCall({ action: 'describe', resourceType: 'ECS services', resource: `${batch.join(', ')} in ECS cluster ${ecsCluster}` }, () =>
          clients.ecs.send(new DescribeServicesCommand({ cluster: ecsCluster, services: batch, include: ['TAGS'] })),
        );
        found.push(...(response.services ?? []).filter((s) => s.status !== 'INACTIVE'));
      }
      const byCluster = new Map<string, ReturnType<typeof serviceView>[]>();
      for (const service of found) {
        const view = serviceView(tryParseServerGroupName(service.serviceName ?? '')!, service, clients.region);
        byCluster.set(view.cluster, [...(byCluster.get(view.cluster) ?? []), view]);
      }
      for (const [cluster, views] of [...byCluster].sort(([a], [b]) => a.localeCompare(b))) {
        const first = views[0]!;
        out.push({
          summary: { cluster, provider: 'ecs', ecsCluster, ...(first.stack ? { stack: first.stack } : {}), ...(first.detail ? { detail: first.detail } : {}) },
          views: views.sort((a, b) => Date.parse(a.createdTime ?? '0') - Date.parse(b.createdTime ?? '0') || a.sequence - b.sequence),
        });
      }
    }
  }
  return out;
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
      const found: Array<{ summary: Omit<ClusterSummary, 'serverGroups'>; groups: Array<{ summary: ServerGroupSummary } & Routed> }> = [];
      for (const name of await clusterNames(clients, query.application)) {
        const view = await describeCluster(clients, name);
        found.push({
          summary: { cluster: view.cluster, provider: 'aws', ...(view.stack ? { stack: view.stack } : {}), ...(view.detail ? { detail: view.detail } : {}) },
          groups: view.serverGroups.map((g) => ({ summary: summarize(g), enabled: g.enabled, upCount: g.upCount, targetGroupArns: g.targetGroupArns })),
        });
      }
      for (const { summary, views } of await ecsClusters(clients, query.application)) {
        found.push({
          summary,
          groups: views.map((v) => ({ summary: summarizeService(v), enabled: v.enabled, upCount: v.upCount, targetGroupArns: v.targetGroupArns })),
        });
      }
      const shares = await targetGroupShares(
        clients,
        found.flatMap((c) => c.groups.flatMap((g) => g.targetGroupArns)),
      );
      const clusters: ClusterSummary[] = found.map(({ summary, groups }) => {
        const weights = trafficWeights(groups, shares);
        return {
          ...summary,
          serverGroups: groups.map((g, i) => (weights[i] === undefined ? g.summary : { ...g.summary, trafficWeight: weights[i] })),
        };
      });
      const functions = (await applicationFunctions(lambda, query.application)).map(summarizeFunction);
      return { application: query.application, account, region: clients.region, clusters, functions };
    },
  };
}
