/**
 * Which clusters a run touches and what they look like: every cloud stage that changes clusters
 * lists them in its `touchedClusters` output; local mode prints them before and after a run.
 */
import type { StageView } from '../../../state-machines/expressions/index.js';
import { TagKeys, type Capacity, type ServerGroupProvider } from '../../core/cloud/index.js';
import { EcsServices } from '../../core/ecs/services.js';
import { readDeployConfig, type DeployCluster } from './deploy/config.js';
import type { CloudEnv } from './deps.js';
import { upCount } from './guards.js';
import { isObject } from './fields.js';
import { newestFirst } from './targets.js';

export interface ClusterRef {
  readonly account: string;
  readonly region: string;
  readonly cluster: string;
}

const refKey = (r: ClusterRef) => `${r.account}/${r.region}/${r.cluster}`;

export function uniqueRefs(refs: readonly ClusterRef[]): ClusterRef[] {
  return [...new Map(refs.map((r) => [refKey(r), r])).values()];
}

/** The output that lists the clusters a stage touched. */
export function clusterRefs(refs: readonly ClusterRef[]): { touchedClusters: ClusterRef[] } {
  return { touchedClusters: uniqueRefs(refs).map(({ account, region, cluster }) => ({ account, region, cluster })) };
}

/** Every cluster the stages of an execution touched, in stage order. */
export function touchedClusters(stages: readonly Pick<StageView, 'outputs'>[]): ClusterRef[] {
  const refs: ClusterRef[] = [];
  for (const stage of stages) {
    const list = stage.outputs.touchedClusters;
    if (!Array.isArray(list)) continue;
    for (const r of list) {
      if (isObject(r) && typeof r.account === 'string' && typeof r.region === 'string' && typeof r.cluster === 'string') {
        refs.push({ account: r.account, region: r.region, cluster: r.cluster });
      }
    }
  }
  return uniqueRefs(refs);
}

/** A cluster as lines of text: each server group, whether it serves, its capacity and image. */
export async function describeClusterLines(env: CloudEnv, ref: ClusterRef & { readonly ecs?: { readonly ecsClusterName: string } }): Promise<string[]> {
  const { driver, clients } = await env.target(ref.account, ref.region);
  // ECS clusters (a planned cluster says so) are services in their ECS cluster.
  const provider: ServerGroupProvider = ref.ecs ? new EcsServices(clients, ref.ecs.ecsClusterName) : driver;
  const view = await provider.describeCluster(ref.cluster, { launchTemplates: false });
  const header = `${ref.cluster} (${ref.account}, ${ref.region})`;
  if (view.serverGroups.length === 0) return [header, '  (no server groups)'];
  // Oldest first, like a cluster view in Deck.
  const lines = newestFirst(view.serverGroups)
    .reverse()
    .map((g) => {
      const up = upCount(g);
      const role = g.status ? 'being deleted' : g.enabled ? (up > 0 ? 'SERVING' : 'enabled, nothing up') : 'disabled';
      const { min, max, desired } = g.capacity;
      const version = g.tags[TagKeys.version];
      return `  ${g.name.padEnd(28)} ${role.padEnd(20)} ${up} up, capacity ${min}/${desired}/${max} (min/desired/max)  ${g.imageId ?? ''}${version ? ` v${version}` : ''}`;
    });
  return [header, ...lines];
}

/** A cluster a pipeline's deploy stages will deploy to, read from their config before the run. */
export interface PlannedCluster extends ClusterRef {
  readonly application: string;
  readonly stack?: string;
  readonly detail?: string;
  readonly targetGroups: readonly string[];
  readonly subnetType?: string;
  readonly instanceType?: string;
  readonly capacity?: Capacity;
  /** ECS clusters: the ECS cluster, the load-balanced container and its port. */
  readonly ecs?: {
    readonly ecsClusterName: string;
    readonly containerName: string;
    readonly containerPort: number;
    readonly securityGroups?: readonly string[];
  };
  /** Progressive deploys shift listener traffic: the sandbox gives the target groups a listener. */
  readonly progressive?: boolean;
  readonly rollbackAlarms?: readonly string[];
}

/**
 * The clusters deploy stages name in literal config (entries that hold `${...}` where it matters
 * are skipped: they are only known when the stage runs). Pure.
 */
export function plannedClusters(
  stages: readonly { readonly type: string; readonly config: Readonly<Record<string, unknown>> }[],
  application: string,
): PlannedCluster[] {
  const planned: PlannedCluster[] = [];
  for (const stage of stages) {
    if (stage.type !== 'deploy') continue;
    let clusters: DeployCluster[];
    try {
      clusters = readDeployConfig(stage.config, application);
    } catch {
      continue;
    }
    for (const c of clusters) {
      for (const region of c.regions) {
        planned.push({
          account: c.account,
          region,
          cluster: c.cluster,
          application: c.application,
          ...(c.stack ? { stack: c.stack } : {}),
          ...(c.detail ? { detail: c.detail } : {}),
          targetGroups: c.provider === 'ecs' ? [...new Set(c.ecs!.targetGroups.map((t) => t.targetGroup))] : c.launch.targetGroups,
          ...((c.provider === 'ecs' ? c.ecs!.subnetType : c.launch.subnetType)
            ? { subnetType: (c.provider === 'ecs' ? c.ecs!.subnetType : c.launch.subnetType)! }
            : {}),
          ...(c.provider === 'ecs'
            ? {
                ecs: {
                  ecsClusterName: c.ecs!.ecsClusterName,
                  containerName: c.ecs!.containerName,
                  containerPort: c.ecs!.containerPort ?? c.ecs!.targetGroups[0]?.containerPort ?? 80,
                  ...(c.ecs!.securityGroups ? { securityGroups: c.ecs!.securityGroups } : {}),
                },
              }
            : {}),
          ...(c.strategy === 'progressive' ? { progressive: true } : {}),
          ...(c.options.rollbackAlarms.length > 0 ? { rollbackAlarms: c.options.rollbackAlarms } : {}),
          ...(c.launch.instanceType ? { instanceType: c.launch.instanceType } : {}),
          ...(c.capacity ? { capacity: c.capacity } : {}),
        });
      }
    }
  }
  return [...new Map(planned.map((p) => [refKey(p), p])).values()];
}
