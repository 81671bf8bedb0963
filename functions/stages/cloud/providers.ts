/**
 * Which provider a cloud stage acts through, chosen in one place: Deck's ECS stages say
 * cloudProvider 'ecs' (the cluster's server groups are ECS services), everything else acts on EC2
 * Auto Scaling groups. The operation stages are written once over the provider seam.
 */
import type { ProviderKind, ServerGroupProvider } from '../../core/cloud/index.js';
import { ecsClustersHolding } from '../../core/ecs/clusters.js';
import { EcsServices } from '../../core/ecs/services.js';
import { StageConfigError } from '../../core/stage-api.js';
import type { CloudEnv, RegionTarget } from './deps.js';
import { optionalString } from './fields.js';

interface ProviderChoice {
  readonly kind: ProviderKind;
  /** ECS: the ECS cluster; when not given, the one that holds the cluster's services. */
  readonly ecsClusterName?: string;
}

/** A region target with the provider its stage acts through. */
export interface ProviderTarget extends RegionTarget {
  readonly provider: ServerGroupProvider;
}

/** cloudProvider (Deck), cloudProviderType or provider: 'ecs' means ECS services; anything else EC2. */
function providerChoice(config: Readonly<Record<string, unknown>>): ProviderChoice {
  const named = optionalString(config, 'cloudProvider', 'cloudProviderType', 'provider');
  if (named !== 'ecs') return { kind: 'aws' };
  const ecsClusterName = optionalString(config, 'ecsClusterName');
  return { kind: 'ecs', ...(ecsClusterName ? { ecsClusterName } : {}) };
}

/**
 * The provider for `cluster` in this target. An ECS cluster that is named must exist (a clear error
 * otherwise); one that is not named is the one holding the cluster's services (none: the cluster
 * has no server groups; several: ecsClusterName must say which).
 */
async function providerIn(target: RegionTarget, choice: ProviderChoice, cluster: string): Promise<ServerGroupProvider> {
  if (choice.kind === 'aws') return target.driver;
  if (choice.ecsClusterName) {
    const services = new EcsServices(target.clients, choice.ecsClusterName);
    await services.requireCluster();
    return services;
  }
  const holding = await ecsClustersHolding(target.clients, cluster);
  if (holding.length > 1) {
    throw new StageConfigError(
      `ecsClusterName: required: cluster ${cluster} has services in ${holding.length} ECS clusters of ${target.region} (${holding.join(', ')})`,
    );
  }
  return new EcsServices(target.clients, holding[0]);
}

/** The account's region target and the stage's provider for `cluster` there. */
export async function providerTarget(
  env: CloudEnv,
  account: string,
  region: string,
  config: Readonly<Record<string, unknown>>,
  cluster: string,
): Promise<ProviderTarget> {
  const target = await env.target(account, region);
  return { ...target, provider: await providerIn(target, providerChoice(config), cluster) };
}
