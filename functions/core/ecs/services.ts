/**
 * ECS server groups: a service `<cluster>-vNNN` in an ECS cluster, running its own task definition
 * revision. The same contract as the EC2 driver (functions/core/cloud/provider.ts):
 * - capacity: ECS keeps a desired count only; min/max are recorded in a tag, and a disabled service
 *   reports the count it comes back at (as a disabled Auto Scaling group keeps its size);
 * - disable, as Spinnaker's ECS provider does it: the desired count goes to 0, recorded first in a
 *   tag (`gennaker:enabled-desired`) so enable brings back the same count and a crash in between is
 *   finished by the next call; a service with that tag is disabled;
 * - up: the service is ACTIVE, in one deployment (steady), with `expected` tasks running, and its
 *   running tasks healthy in its target groups; a service that is not up names its stopped tasks'
 *   reasons;
 * - create: found again by its deploy key (service tag, task definition tag), created at 0 and then
 *   scaled, so every desired count is set by the same call (UpdateService) and a re-run converges;
 * - destroy: the task definition revision is deregistered first, then the service's scalable
 *   target (its scaling policies and scheduled actions with it), then the service deleted;
 * - scaling: a service made from a source (`copyScalingFrom`) gets the source's Application Auto
 *   Scaling policies and scheduled actions after it exists (scaling.ts).
 */
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListServicesCommand,
  ListTasksCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateServiceCommand,
  type CreateServiceCommandInput,
  type Service,
  type Task,
} from '@aws-sdk/client-ecs';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { createHash } from 'node:crypto';
import { awsCall } from '../cloud/aws-errors.js';
import { checkCapacity, type Capacity } from '../cloud/capacity.js';
import type { CloudClients } from '../cloud/clients.js';
import { InvalidCapacityError, InvalidRequestError, ResourceNotFoundError, ServerGroupConflictError } from '../cloud/errors.js';
import {
  buildClusterName,
  buildServerGroupName,
  nextSequence,
  parseClusterName,
  parseServerGroupName,
  tryParseServerGroupName,
  type ParsedServerGroup,
} from '../cloud/naming.js';
import type { CloneRequest, ClusterSummary, ServerGroupProvider, ServerGroupSummary, UpCheckResult } from '../cloud/provider.js';
import { resolveSecurityGroups, resolveSubnets, resolveTargetGroups } from '../cloud/resources.js';
import { TAG_PREFIX, TagKeys, type DeployMetadata } from '../cloud/tags.js';
import { copyServiceScaling, removeServiceScaling } from './scaling.js';
import { deregisterTaskDefinition, describeTaskDefinition, ensureTaskDefinition, registrationOf, type TaskDefinitionSpec } from './task-definitions.js';

interface EcsLoadBalancer {
  /** Target group name or ARN. */
  readonly targetGroup: string;
  readonly containerName: string;
  readonly containerPort: number;
}

export interface CreateServiceSpec {
  readonly application: string;
  readonly stack?: string;
  readonly detail?: string;
  readonly capacity: Capacity;
  /** The task definition, less its family (the service's name). */
  readonly taskDefinition: Omit<TaskDefinitionSpec, 'family' | 'tags'>;
  /** The image recorded on the service (the load-balanced container's). */
  readonly image: string;
  readonly launchType?: 'FARGATE' | 'EC2' | 'EXTERNAL';
  readonly capacityProviderStrategy?: readonly { readonly capacityProvider: string; readonly weight?: number; readonly base?: number }[];
  readonly subnetIds?: readonly string[];
  readonly subnetType?: string;
  readonly vpcId?: string;
  readonly securityGroups?: readonly string[];
  readonly assignPublicIp?: boolean;
  readonly loadBalancers?: readonly EcsLoadBalancer[];
  readonly healthCheckGracePeriodSeconds?: number;
  readonly placementStrategy?: readonly { readonly type: string; readonly field?: string }[];
  readonly placementConstraints?: readonly { readonly type: string; readonly expression?: string }[];
  /** @default true */
  readonly enabled?: boolean;
  readonly tags?: Readonly<Record<string, string>>;
  readonly metadata?: DeployMetadata;
  /** copySourceScalingPoliciesAndActions: the service (same ECS cluster) whose scaling the new one copies. */
  readonly copyScalingFrom?: string;
}

/** A service as ensureService makes it: every reference resolved (subnet and security group ids, target group ARNs). */
interface ResolvedService {
  readonly application: string;
  readonly stack?: string;
  readonly detail?: string;
  readonly capacity: Capacity;
  readonly image: string;
  readonly taskDefinition: Omit<TaskDefinitionSpec, 'family' | 'tags'>;
  readonly placement: Pick<
    CreateServiceCommandInput,
    | 'launchType'
    | 'capacityProviderStrategy'
    | 'networkConfiguration'
    | 'loadBalancers'
    | 'healthCheckGracePeriodSeconds'
    | 'placementStrategy'
    | 'placementConstraints'
  >;
  readonly enabled: boolean;
  readonly tags?: Readonly<Record<string, string>>;
  readonly metadata?: DeployMetadata;
  readonly copyScalingFrom?: string;
}

export interface ServiceResult {
  readonly serverGroup: string;
  /** false when an earlier run had already created it. */
  readonly created: boolean;
  readonly taskDefinition: string;
}

function checkUserTags(tags: Readonly<Record<string, string>> | undefined): void {
  for (const key of Object.keys(tags ?? {})) {
    if (key.startsWith(TAG_PREFIX)) throw new InvalidRequestError(`tag ${key}: the ${TAG_PREFIX} prefix is reserved`);
  }
}

/** The user's own tags of a service (a clone keeps them). */
function userTags(tags: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([key]) => !key.startsWith(TAG_PREFIX) && !key.startsWith('aws:') && !key.startsWith('ecs:')));
}

const SERVICES_PER_DESCRIBE = 10;
const TASKS_PER_DESCRIBE = 100;

function tagsOf(service: Service): Record<string, string> {
  return Object.fromEntries((service.tags ?? []).map((t) => [t.key ?? '', t.value ?? '']));
}

/**
 * A service's capacity: the desired count, or for a disabled service the count it comes back at
 * (as a disabled Auto Scaling group keeps its size), with min/max from the tag.
 */
function capacityOfService(service: Service, tags: Readonly<Record<string, string>>): Capacity {
  const recorded = Number(tags[TagKeys.enabledDesired]);
  const desired = tags[TagKeys.enabledDesired] !== undefined && Number.isInteger(recorded) ? recorded : (service.desiredCount ?? 0);
  const [min, max] = (tags[TagKeys.minMax] ?? '').split('/').map(Number);
  const lo = Number.isInteger(min) ? min! : desired;
  const hi = Number.isInteger(max) ? max! : desired;
  return { min: Math.min(lo, desired), max: Math.max(hi, desired), desired };
}

export function serviceView(
  name: ParsedServerGroup,
  service: Service,
  region: string,
): ServerGroupSummary & { readonly taskDefinition?: string; readonly targetGroupArns: readonly string[] } {
  const tags = tagsOf(service);
  const image = tags[TagKeys.imageId];
  return {
    ...name,
    region,
    ...(service.createdAt ? { createdTime: service.createdAt.toISOString() } : {}),
    ...(service.status && service.status !== 'ACTIVE' ? { status: service.status } : {}),
    capacity: capacityOfService(service, tags),
    enabled: tags[TagKeys.enabledDesired] === undefined,
    ...(image ? { imageId: image } : {}),
    tags,
    upCount: service.runningCount ?? 0,
    ...(service.taskDefinition ? { taskDefinition: service.taskDefinition } : {}),
    targetGroupArns: (service.loadBalancers ?? []).map((l) => l.targetGroupArn ?? '').filter(Boolean),
  };
}

export class EcsServices implements ServerGroupProvider {
  readonly kind = 'ecs' as const;
  readonly region: string;
  constructor(
    private readonly clients: CloudClients,
    /**
     * The ECS cluster (Deck's ecsClusterName) the services run in; undefined when no ECS cluster of
     * the region holds a service of the cluster asked about (it then has no server groups).
     */
    readonly ecsCluster: string | undefined,
  ) {
    this.region = clients.region;
  }

  private where(): string {
    return this.ecsCluster ? `ECS cluster ${this.ecsCluster} (${this.region})` : `any ECS cluster of ${this.region}`;
  }

  private requiredCluster(): string {
    if (!this.ecsCluster)
      throw new ResourceNotFoundError('ECS cluster', '', `no ECS cluster of ${this.region} holds this cluster's services (name ecsClusterName)`);
    return this.ecsCluster;
  }

  /** Fails with a clear error when the ECS cluster does not exist (or is not ACTIVE). */
  async requireCluster(): Promise<void> {
    const ecsCluster = this.requiredCluster();
    const response = await awsCall({ action: 'describe', resourceType: 'ECS cluster', resource: this.where() }, () =>
      this.clients.ecs.send(new DescribeClustersCommand({ clusters: [ecsCluster] })),
    );
    const found = response.clusters?.find((c) => c.clusterName === ecsCluster || c.clusterArn === ecsCluster);
    if (!found || found.status !== 'ACTIVE')
      throw new ResourceNotFoundError(
        'ECS cluster',
        ecsCluster,
        `ECS cluster ${ecsCluster} not found in ${this.region}${found ? ` (it is ${found.status})` : ''}`,
      );
  }

  private async describe(names: readonly string[]): Promise<Service[]> {
    const out: Service[] = [];
    if (!this.ecsCluster) return out;
    for (let i = 0; i < names.length; i += SERVICES_PER_DESCRIBE) {
      const batch = names.slice(i, i + SERVICES_PER_DESCRIBE);
      const response = await awsCall({ action: 'describe', resourceType: 'ECS services', resource: `${batch.join(', ')} in ${this.where()}` }, () =>
        this.clients.ecs.send(new DescribeServicesCommand({ cluster: this.requiredCluster(), services: [...batch], include: ['TAGS'] })),
      );
      out.push(...(response.services ?? []));
    }
    return out;
  }

  /** The service, INACTIVE ones included (they are gone but keep their name for a while). */
  private async service(name: string): Promise<Service | undefined> {
    return (await this.describe([name]))[0];
  }

  private async requireService(name: string): Promise<Service> {
    const service = await this.service(name);
    if (!service || service.status === 'INACTIVE') throw new ResourceNotFoundError('ECS service', name, `ECS service ${name} not found in ${this.where()}`);
    return service;
  }

  async describeServerGroup(serverGroup: string): Promise<ServerGroupSummary | undefined> {
    const name = tryParseServerGroupName(serverGroup);
    const service = name ? await this.service(serverGroup) : undefined;
    if (!name || !service || service.status === 'INACTIVE') return undefined;
    return serviceView(name, service, this.region);
  }

  async describeCluster(cluster: string): Promise<ClusterSummary> {
    const parsed = parseClusterName(cluster);
    const names: string[] = [];
    let token: string | undefined;
    if (this.ecsCluster)
      do {
        const page = await awsCall({ action: 'list', resourceType: 'ECS services', resource: this.where() }, () =>
          this.clients.ecs.send(new ListServicesCommand({ cluster: this.requiredCluster(), ...(token ? { nextToken: token } : {}) })),
        );
        for (const arn of page.serviceArns ?? []) {
          const serviceName = arn.split('/').pop() ?? '';
          if (tryParseServerGroupName(serviceName)?.cluster === parsed.cluster) names.push(serviceName);
        }
        token = page.nextToken;
      } while (token);
    const services = (await this.describe(names)).filter((s) => s.status !== 'INACTIVE');
    const serverGroups = services
      .map((s) => serviceView(tryParseServerGroupName(s.serviceName ?? '')!, s, this.region))
      .sort((a, b) => Date.parse(a.createdTime ?? '0') - Date.parse(b.createdTime ?? '0') || a.sequence - b.sequence);
    return { ...parsed, region: this.region, serverGroups };
  }

  private async update(name: string, desiredCount: number): Promise<void> {
    await awsCall({ action: 'update', resourceType: 'ECS service', resource: `${name} in ${this.where()}` }, () =>
      this.clients.ecs.send(new UpdateServiceCommand({ cluster: this.requiredCluster(), service: name, desiredCount })),
    );
  }

  private async tag(service: Service, tags: Record<string, string>): Promise<void> {
    await awsCall({ action: 'tag', resourceType: 'ECS service', resource: `${service.serviceName} in ${this.where()}` }, () =>
      this.clients.ecs.send(new TagResourceCommand({ resourceArn: service.serviceArn, tags: Object.entries(tags).map(([key, value]) => ({ key, value })) })),
    );
  }

  async enableServerGroup(serverGroup: string): Promise<void> {
    const service = await this.requireService(serverGroup);
    const recorded = tagsOf(service)[TagKeys.enabledDesired];
    if (recorded === undefined) return;
    const desired = Number(recorded);
    if (service.desiredCount !== desired) await this.update(serverGroup, desired);
    await awsCall({ action: 'untag', resourceType: 'ECS service', resource: `${serverGroup} in ${this.where()}` }, () =>
      this.clients.ecs.send(new UntagResourceCommand({ resourceArn: service.serviceArn, tagKeys: [TagKeys.enabledDesired] })),
    );
  }

  async disableServerGroup(serverGroup: string): Promise<void> {
    const service = await this.requireService(serverGroup);
    if (tagsOf(service)[TagKeys.enabledDesired] === undefined) await this.tag(service, { [TagKeys.enabledDesired]: String(service.desiredCount ?? 0) });
    if ((service.desiredCount ?? 0) !== 0) await this.update(serverGroup, 0);
  }

  async resizeServerGroup(serverGroup: string, change: Partial<Capacity>): Promise<void> {
    const service = await this.requireService(serverGroup);
    const tags = tagsOf(service);
    const disabled = tags[TagKeys.enabledDesired] !== undefined;
    const next = checkCapacity({ ...capacityOfService(service, tags), ...change }, serverGroup);
    const minMax = `${next.min}/${next.max}`;
    const wanted: Record<string, string> = {};
    if (tags[TagKeys.minMax] !== minMax) wanted[TagKeys.minMax] = minMax;
    // A disabled service stays at 0: the size it comes back at is what changes.
    if (disabled && tags[TagKeys.enabledDesired] !== String(next.desired)) wanted[TagKeys.enabledDesired] = String(next.desired);
    if (Object.keys(wanted).length > 0) await this.tag(service, wanted);
    if (!disabled && service.desiredCount !== next.desired) await this.update(serverGroup, next.desired);
  }

  /**
   * The service's load balancers set to these target groups, for its load-balanced container (as
   * the service has it). ECS rolls the tasks onto the new set; a disabled service (0 tasks) just
   * keeps it. A no-op when the set is already this.
   */
  async setTargetGroups(serverGroup: string, targetGroupArns: readonly string[]): Promise<void> {
    const service = await this.requireService(serverGroup);
    const current = service.loadBalancers ?? [];
    const wanted = [...new Set(targetGroupArns)];
    const have = current.map((l) => l.targetGroupArn ?? '');
    if (have.length === wanted.length && wanted.every((arn) => have.includes(arn))) return;
    const container = current[0];
    if (!container?.containerName || container.containerPort === undefined) {
      throw new InvalidRequestError(`ECS service ${serverGroup} has no load-balanced container to put into ${wanted.join(', ')}`);
    }
    await awsCall({ action: 'set target groups of', resourceType: 'ECS service', resource: `${serverGroup} in ${this.where()}` }, () =>
      this.clients.ecs.send(
        new UpdateServiceCommand({
          cluster: this.requiredCluster(),
          service: serverGroup,
          loadBalancers: wanted.map((targetGroupArn) => ({ targetGroupArn, containerName: container.containerName, containerPort: container.containerPort })),
        }),
      ),
    );
  }

  async destroyServerGroup(serverGroup: string): Promise<void> {
    const service = await this.service(serverGroup);
    if (!service || service.status === 'INACTIVE') return;
    if (service.taskDefinition) await deregisterTaskDefinition(this.clients, service.taskDefinition);
    await removeServiceScaling(this.clients, this.requiredCluster(), serverGroup);
    await awsCall({ action: 'delete', resourceType: 'ECS service', resource: `${serverGroup} in ${this.where()}` }, () =>
      this.clients.ecs.send(new DeleteServiceCommand({ cluster: this.requiredCluster(), service: serverGroup, force: true })),
    );
  }

  private async tasks(serverGroup: string, desiredStatus: 'RUNNING' | 'STOPPED'): Promise<Task[]> {
    const list = await awsCall({ action: 'list', resourceType: 'ECS tasks', resource: `of ${serverGroup} in ${this.where()}` }, () =>
      this.clients.ecs.send(new ListTasksCommand({ cluster: this.requiredCluster(), serviceName: serverGroup, desiredStatus })),
    );
    const arns = list.taskArns ?? [];
    const out: Task[] = [];
    for (let i = 0; i < arns.length; i += TASKS_PER_DESCRIBE) {
      const response = await awsCall({ action: 'describe', resourceType: 'ECS tasks', resource: `of ${serverGroup} in ${this.where()}` }, () =>
        this.clients.ecs.send(new DescribeTasksCommand({ cluster: this.requiredCluster(), tasks: arns.slice(i, i + TASKS_PER_DESCRIBE) })),
      );
      out.push(...(response.tasks ?? []));
    }
    return out;
  }

  /** Running tasks not healthy in every target group (by their awsvpc address). */
  private async unhealthyTargets(service: Service): Promise<{ id: string; reason: string }[]> {
    const arns = (service.loadBalancers ?? []).map((l) => l.targetGroupArn).filter((a): a is string => !!a);
    if (arns.length === 0) return [];
    const running = await this.tasks(service.serviceName ?? '', 'RUNNING');
    const addresses = running.flatMap((t) => {
      const ip = t.attachments?.flatMap((a) => a.details ?? []).find((d) => d.name === 'privateIPv4Address')?.value;
      return ip ? [{ id: (t.taskArn ?? '').split('/').pop() ?? '', ip }] : [];
    });
    if (addresses.length === 0) return [];
    const problems: { id: string; reason: string }[] = [];
    for (const arn of arns) {
      const health = await awsCall({ action: 'describe target health of', resourceType: 'target group', resource: arn }, () =>
        this.clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn })),
      );
      for (const task of addresses) {
        const d = health.TargetHealthDescriptions?.find((h) => h.Target?.Id === task.ip);
        const state = d?.TargetHealth?.State ?? 'not-registered';
        const why = d?.TargetHealth?.Reason ?? d?.TargetHealth?.Description;
        if (state !== 'healthy') problems.push({ id: task.id, reason: `target ${task.ip} is ${state}${why ? ` (${why})` : ''} in ${arn.split(':').pop()}` });
      }
    }
    return problems;
  }

  async checkUp(serverGroup: string, expected?: number): Promise<UpCheckResult> {
    if (expected !== undefined && (!Number.isInteger(expected) || expected < 0)) {
      throw new InvalidCapacityError(`expected capacity for server group ${serverGroup} must be a whole number ≥ 0, got ${expected}`);
    }
    const service = await this.requireService(serverGroup);
    const want = expected ?? service.desiredCount ?? 0;
    const running = service.runningCount ?? 0;
    const steady = (service.deployments ?? []).length <= 1;
    const unhealthyTargets = running >= want && steady ? await this.unhealthyTargets(service) : [];
    const upCount = Math.max(0, running - new Set(unhealthyTargets.map((u) => u.id)).size);
    const up = upCount >= want && steady;
    if (up) return { serverGroup, up, expected: want, upCount, unhealthy: [] };
    // Why not: the stopped tasks' reasons (the usual cause: image pull, essential container exit, health checks).
    const stopped = (await this.tasks(serverGroup, 'STOPPED')).slice(0, 5).map((t) => ({
      instanceId: (t.taskArn ?? '').split('/').pop() ?? '',
      reason: `stopped: ${t.stoppedReason ?? t.stopCode ?? 'no reason given'}`,
    }));
    const rollout = service.deployments?.find((d) => d.status === 'PRIMARY');
    const notes = [
      ...unhealthyTargets.map((u) => ({ instanceId: u.id, reason: u.reason })),
      ...stopped,
      ...(!steady ? [{ instanceId: serverGroup, reason: `${service.deployments?.length ?? 0} deployments in progress` }] : []),
      ...(rollout?.rolloutState === 'FAILED' ? [{ instanceId: serverGroup, reason: `rollout failed: ${rollout.rolloutStateReason ?? ''}` }] : []),
    ];
    return { serverGroup, up, expected: want, upCount, unhealthy: notes };
  }

  /** Creates the service (and its task definition revision), or finds the one this deploy made. */
  async createServerGroup(spec: CreateServiceSpec): Promise<ServiceResult> {
    const cluster = buildClusterName({ app: spec.application, ...(spec.stack ? { stack: spec.stack } : {}), ...(spec.detail ? { detail: spec.detail } : {}) });
    const capacity = checkCapacity(spec.capacity, `${cluster}-vNNN (new)`);
    checkUserTags(spec.tags);
    // Everything the service refers to, before anything is created.
    await this.requireCluster();
    const awsvpc = spec.taskDefinition.networkMode === 'awsvpc';
    const subnets = awsvpc
      ? await resolveSubnets(this.clients, {
          ...(spec.subnetIds ? { subnetIds: spec.subnetIds } : {}),
          ...(spec.subnetType ? { subnetType: spec.subnetType } : {}),
          ...(spec.vpcId ? { vpcId: spec.vpcId } : {}),
        })
      : [];
    if (awsvpc && subnets.length === 0) throw new InvalidRequestError(`ECS service of ${cluster}: awsvpc networking needs subnets (subnetType or subnetIds)`);
    const vpcId = subnets[0]?.vpcId;
    const securityGroups = await resolveSecurityGroups(this.clients, spec.securityGroups ?? [], vpcId);
    const targetGroups = await resolveTargetGroups(
      this.clients,
      (spec.loadBalancers ?? []).map((l) => l.targetGroup),
      vpcId,
    );
    return this.ensureService({
      application: spec.application,
      ...(spec.stack ? { stack: spec.stack } : {}),
      ...(spec.detail ? { detail: spec.detail } : {}),
      capacity,
      image: spec.image,
      taskDefinition: spec.taskDefinition,
      placement: {
        ...(spec.capacityProviderStrategy?.length
          ? { capacityProviderStrategy: spec.capacityProviderStrategy.map((c) => ({ ...c })) }
          : spec.launchType
            ? { launchType: spec.launchType }
            : {}),
        ...(awsvpc
          ? {
              networkConfiguration: {
                awsvpcConfiguration: { subnets: subnets.map((s) => s.id), securityGroups, assignPublicIp: spec.assignPublicIp ? 'ENABLED' : 'DISABLED' },
              },
            }
          : {}),
        ...(targetGroups.length > 0
          ? {
              loadBalancers: (spec.loadBalancers ?? []).map((l, i) => ({
                targetGroupArn: targetGroups[i]!.arn,
                containerName: l.containerName,
                containerPort: l.containerPort,
              })),
            }
          : {}),
        ...(targetGroups.length > 0 && spec.healthCheckGracePeriodSeconds !== undefined
          ? { healthCheckGracePeriodSeconds: spec.healthCheckGracePeriodSeconds }
          : {}),
        ...(spec.placementStrategy?.length
          ? { placementStrategy: spec.placementStrategy.map((p) => ({ type: p.type as never, ...(p.field ? { field: p.field } : {}) })) }
          : {}),
        ...(spec.placementConstraints?.length
          ? { placementConstraints: spec.placementConstraints.map((p) => ({ type: p.type as never, ...(p.expression ? { expression: p.expression } : {}) })) }
          : {}),
      },
      enabled: spec.enabled ?? true,
      ...(spec.tags ? { tags: spec.tags } : {}),
      ...(spec.metadata ? { metadata: spec.metadata } : {}),
      ...(spec.copyScalingFrom ? { copyScalingFrom: spec.copyScalingFrom } : {}),
    });
  }

  /**
   * A new service like `source`: its task definition (the load-balanced container's image replaced
   * when asked), launch type or capacity providers, network, target groups, placement and capacity
   * (a disabled source's count before it was disabled), with the request's changes on top.
   */
  async cloneServerGroup(spec: CloneRequest): Promise<ServiceResult> {
    checkUserTags(spec.tags);
    const source = await this.requireService(spec.source);
    const name = parseServerGroupName(spec.source);
    const tags = tagsOf(source);
    const definition = await describeTaskDefinition(this.clients, source.taskDefinition ?? '');
    const base = registrationOf(definition);
    const main = source.loadBalancers?.[0]?.containerName ?? definition.containerDefinitions?.[0]?.name ?? '';
    const sourceImage = definition.containerDefinitions?.find((c) => c.name === main)?.image ?? tags[TagKeys.imageId] ?? '';
    const image = spec.imageId ?? sourceImage;
    const before = capacityOfService(source, tags);
    const application = spec.application ?? name.app;
    const stack = spec.stack ?? name.stack;
    const detail = spec.detail ?? name.detail;
    const sameImage = image === sourceImage;
    return this.ensureService({
      application,
      ...(stack ? { stack } : {}),
      ...(detail ? { detail } : {}),
      capacity: checkCapacity({ ...before, ...spec.capacity }, `clone of ${spec.source}`),
      image,
      taskDefinition: {
        containers: [{ name: main, image }],
        networkMode: (definition.networkMode ?? 'awsvpc') as TaskDefinitionSpec['networkMode'],
        fargate: false,
        base,
      },
      placement: {
        ...(source.capacityProviderStrategy?.length
          ? { capacityProviderStrategy: source.capacityProviderStrategy }
          : source.launchType
            ? { launchType: source.launchType }
            : {}),
        ...(source.networkConfiguration ? { networkConfiguration: source.networkConfiguration } : {}),
        ...(source.loadBalancers?.length ? { loadBalancers: source.loadBalancers } : {}),
        ...(source.loadBalancers?.length && source.healthCheckGracePeriodSeconds !== undefined
          ? { healthCheckGracePeriodSeconds: source.healthCheckGracePeriodSeconds }
          : {}),
        ...(source.placementStrategy?.length ? { placementStrategy: source.placementStrategy } : {}),
        ...(source.placementConstraints?.length ? { placementConstraints: source.placementConstraints } : {}),
      },
      enabled: spec.enabled ?? true,
      tags: { ...userTags(tags), ...spec.tags },
      metadata: {
        ...(sameImage && tags[TagKeys.version] ? { version: tags[TagKeys.version] } : {}),
        replaces: spec.source,
        ...spec.metadata,
      },
      // Spinnaker's ECS clone copies the source's scaling as its deploy does by default.
      copyScalingFrom: spec.source,
    });
  }

  /** The service (and its task definition revision) made once per deploy key: a re-run finds both. */
  private async ensureService(spec: ResolvedService): Promise<ServiceResult> {
    const cluster = buildClusterName({ app: spec.application, ...(spec.stack ? { stack: spec.stack } : {}), ...(spec.detail ? { detail: spec.detail } : {}) });
    const { capacity } = spec;
    const deployKey = spec.metadata?.deployKey ?? spec.metadata?.executionId;
    const existing = await this.describeCluster(cluster);
    const mine = deployKey ? existing.serverGroups.find((g) => g.tags[TagKeys.deployKey] === deployKey) : undefined;
    const newest = existing.serverGroups[existing.serverGroups.length - 1];
    const sequence =
      mine?.sequence ??
      nextSequence(
        existing.serverGroups.map((g) => g.sequence),
        { cluster, ...(newest ? { latest: newest.sequence } : {}) },
      );
    const name = buildServerGroupName(cluster, sequence);
    const replaces = spec.metadata?.replaces ?? mine?.tags[TagKeys.replaces] ?? newest?.name;
    const ownTags: Record<string, string> = {
      ...(spec.tags ?? {}),
      [TagKeys.application]: spec.application,
      [TagKeys.cluster]: cluster,
      [TagKeys.serverGroup]: name,
      [TagKeys.imageId]: spec.image,
      [TagKeys.minMax]: `${capacity.min}/${capacity.max}`,
      ...(spec.metadata?.executionId ? { [TagKeys.executionId]: spec.metadata.executionId } : {}),
      ...(deployKey ? { [TagKeys.deployKey]: deployKey } : {}),
      ...(spec.metadata?.version ? { [TagKeys.version]: spec.metadata.version } : {}),
      ...(replaces && replaces !== name ? { [TagKeys.replaces]: replaces } : {}),
      ...(spec.metadata?.previousImageId ? { [TagKeys.previousImageId]: spec.metadata.previousImageId } : {}),
    };
    const taskDefinition = await ensureTaskDefinition(this.clients, { ...spec.taskDefinition, family: name, tags: ownTags });

    let service = await this.service(name);
    if (service && service.status !== 'INACTIVE' && tagsOf(service)[TagKeys.deployKey] !== deployKey) {
      throw new ServerGroupConflictError(`ECS service ${name} already exists in ${this.where()} (another deploy made it)`);
    }
    const created = !service || service.status === 'INACTIVE';
    if (created) {
      const input: CreateServiceCommandInput = {
        cluster: this.requiredCluster(),
        serviceName: name,
        taskDefinition: taskDefinition.arn,
        // Created at 0 and scaled below: the one way any desired count is set (see the module comment).
        desiredCount: 0,
        ...(deployKey ? { clientToken: createHash('sha256').update(deployKey).digest('hex').slice(0, 32) } : {}),
        ...spec.placement,
        tags: Object.entries({ ...ownTags, ...(spec.enabled ? {} : { [TagKeys.enabledDesired]: String(capacity.desired) }) }).map(([key, value]) => ({
          key,
          value,
        })),
        propagateTags: 'SERVICE',
        enableECSManagedTags: true,
      };
      service = (
        await awsCall({ action: 'create', resourceType: 'ECS service', resource: `${name} in ${this.where()}` }, () =>
          this.clients.ecs.send(new CreateServiceCommand(input)),
        )
      ).service;
    }
    if (spec.enabled && (service?.desiredCount ?? 0) !== capacity.desired) await this.update(name, capacity.desired);
    if (spec.copyScalingFrom && spec.copyScalingFrom !== name) {
      const managed = [TagKeys.application, TagKeys.cluster, TagKeys.serverGroup, ...(deployKey ? [TagKeys.deployKey] : [])];
      await copyServiceScaling(
        this.clients,
        this.requiredCluster(),
        spec.copyScalingFrom,
        name,
        capacity,
        Object.fromEntries(managed.map((k) => [k, ownTags[k]!])),
      );
    }
    return { serverGroup: name, created, taskDefinition: taskDefinition.arn };
  }
}
