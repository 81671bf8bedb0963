/**
 * Creating, resizing, destroying and cloning server groups (an Auto Scaling group + its own launch
 * template version). Every call converges when run again after a crash at any point:
 * - create: the group's name is found again (by its deploy key tag, or the sequence the caller
 *   saved), the launch template version again (by its data fingerprint), and an existing group with
 *   the same image is returned instead of a second one;
 * - destroy: a missing group (or launch template) is fine;
 * - resize: setting the same capacity again changes nothing.
 * Everything the group refers to is resolved before anything is created.
 */
import {
  CreateAutoScalingGroupCommand,
  DeleteAutoScalingGroupCommand,
  SuspendProcessesCommand,
  UpdateAutoScalingGroupCommand,
  type AutoScalingGroup,
  type CreateAutoScalingGroupCommandInput,
} from '@aws-sdk/client-auto-scaling';
import type { RequestLaunchTemplateData } from '@aws-sdk/client-ec2';
import { findAutoScalingGroup, requireAutoScalingGroup, suspendedProcesses } from './auto-scaling.js';
import { awsCall, awsCallOrMissing, isAlreadyExists } from './aws-errors.js';
import { checkCapacity, mergeCapacity, sameCapacity, type Capacity } from './capacity.js';
import type { CloudClients } from './clients.js';
import { listClusterGroups } from './cluster.js';
import { AwsCallError, InvalidRequestError, ServerGroupConflictError } from './errors.js';
import { requireLaunchableImage } from './images.js';
import {
  buildLaunchTemplateData,
  checkUserData,
  deleteServerGroupLaunchTemplate,
  describeLaunchTemplateVersion,
  ensureLaunchTemplateVersion,
  launchTemplateName,
  type EnsureLaunchTemplateInput,
  type LaunchSpec,
  type LaunchTemplateRef,
} from './launch-templates.js';
import { buildClusterName, buildServerGroupName, nextSequence, parseServerGroupName, type ParsedServerGroup } from './naming.js';
import { resolveKeyPair, resolveSecurityGroups, resolveSubnets, resolveTargetGroups } from './resources.js';
import { capacityOf, launchTemplateOf } from './server-group-view.js';
import { serverGroupTags, TAG_PREFIX, TagKeys, tagRecord, type DeployMetadata } from './tags.js';

/** Auto Scaling processes that may be suspended. */
const SCALING_PROCESSES = [
  'Launch',
  'Terminate',
  'AddToLoadBalancer',
  'AlarmNotification',
  'AZRebalance',
  'HealthCheck',
  'InstanceRefresh',
  'ReplaceUnhealthy',
  'ScheduledActions',
] as const;

export interface CreateServerGroupSpec {
  readonly application: string;
  readonly stack?: string;
  readonly detail?: string;
  /**
   * Use this sequence (e.g. one a stage saved before a crash).
   * @default the next free sequence of the cluster
   */
  readonly sequence?: number;
  readonly imageId: string;
  readonly instanceType: string;
  /** Base64-encoded user data. */
  readonly userData?: string;
  /** Security group ids or names. */
  readonly securityGroups?: readonly string[];
  readonly keyPair?: string;
  /** Instance profile name or ARN. */
  readonly iamInstanceProfile?: string;
  readonly ebsOptimized?: boolean;
  readonly detailedMonitoring?: boolean;
  readonly requireImdsV2?: boolean;
  readonly blockDeviceMappings?: LaunchSpec['blockDeviceMappings'];
  readonly capacity: Capacity;
  /** Subnet ids (VPCZoneIdentifier). One of subnetIds, subnetType or availabilityZones is required. */
  readonly subnetIds?: readonly string[];
  /** Subnets tagged gennaker:subnet-type (or Spinnaker's immutable_metadata purpose) with this value. */
  readonly subnetType?: string;
  readonly vpcId?: string;
  /** Availability zones, for groups outside a VPC subnet list. */
  readonly availabilityZones?: readonly string[];
  /** Target group names or ARNs. */
  readonly targetGroups?: readonly string[];
  /** @default 'ELB' with target groups, otherwise 'EC2' */
  readonly healthCheckType?: 'EC2' | 'ELB';
  /** @default 300 */
  readonly healthCheckGracePeriod?: number;
  readonly suspendedProcesses?: readonly string[];
  /**
   * false: created out of its target groups with AddToLoadBalancer suspended (enable puts it in).
   * @default true
   */
  readonly enabled?: boolean;
  /** The user's own tags (propagated to instances); `gennaker:` keys are reserved. */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Where it comes from. `deployKey` (default: `executionId`) is what lets a re-run after a crash
   * find the group it already created; without either, only an explicit `sequence` does.
   */
  readonly metadata?: DeployMetadata;
  /** Launch template data to start from (clone); the fields above are written over it. */
  readonly launchTemplateBase?: RequestLaunchTemplateData;
}

export interface ServerGroupResult {
  readonly serverGroup: string;
  readonly cluster: string;
  readonly sequence: number;
  readonly region: string;
  readonly imageId: string;
  readonly launchTemplate: LaunchTemplateRef;
  /** false when an earlier run had already created it. */
  readonly created: boolean;
}

interface ExistingGroup {
  readonly name: ParsedServerGroup;
  readonly tags: Readonly<Record<string, string>>;
  readonly createdTime: number;
}

/**
 * Which sequence a new group gets: the group an earlier run made with the same deploy key, else the
 * requested one, else the next free one after the newest group.
 */
export function chooseSequence(
  cluster: string,
  existing: readonly ExistingGroup[],
  request: { readonly sequence?: number; readonly deployKey?: string },
): number {
  if (request.deployKey) {
    const earlier = existing.find((g) => g.tags[TagKeys.deployKey] === request.deployKey);
    if (earlier) return earlier.name.sequence;
  }
  if (request.sequence !== undefined) return request.sequence;
  const newest = [...existing].sort((a, b) => b.createdTime - a.createdTime)[0];
  return nextSequence(
    existing.map((g) => g.name.sequence),
    { cluster, ...(newest ? { latest: newest.name.sequence } : {}) },
  );
}

/** Problems with a spec that need no AWS call to find. */
export function createSpecProblems(spec: CreateServerGroupSpec): string[] {
  const problems: string[] = [];
  if (!spec.imageId) problems.push('imageId is required');
  if (!spec.instanceType) problems.push('instanceType is required');
  const placed = (spec.subnetIds?.length ?? 0) > 0 || !!spec.subnetType || (spec.availabilityZones?.length ?? 0) > 0;
  if (!placed) problems.push('one of subnetIds, subnetType or availabilityZones is required');
  for (const p of spec.suspendedProcesses ?? []) {
    if (!(SCALING_PROCESSES as readonly string[]).includes(p)) {
      problems.push(`unknown scaling process ${p} (known: ${SCALING_PROCESSES.join(', ')})`);
    }
  }
  if (spec.healthCheckType && !['EC2', 'ELB'].includes(spec.healthCheckType)) {
    problems.push(`healthCheckType must be EC2 or ELB, got ${spec.healthCheckType}`);
  }
  const grace = spec.healthCheckGracePeriod;
  if (grace !== undefined && (!Number.isInteger(grace) || grace < 0)) problems.push(`healthCheckGracePeriod must be whole seconds ≥ 0`);
  for (const key of Object.keys(spec.tags ?? {})) {
    if (key.startsWith(TAG_PREFIX)) problems.push(`tag ${key}: the ${TAG_PREFIX} prefix is reserved`);
  }
  return problems;
}

interface CreatePlan {
  readonly name: ParsedServerGroup;
  readonly imageId: string;
  readonly launchTemplate: EnsureLaunchTemplateInput;
  readonly group: Omit<CreateAutoScalingGroupCommandInput, 'LaunchTemplate'>;
  readonly suspend: readonly string[];
}

/** Validates and resolves everything (read-only), and picks the name. */
async function planCreate(clients: CloudClients, spec: CreateServerGroupSpec): Promise<CreatePlan> {
  const cluster = buildClusterName({
    app: spec.application,
    ...(spec.stack ? { stack: spec.stack } : {}),
    ...(spec.detail ? { detail: spec.detail } : {}),
  });
  const capacity = checkCapacity(spec.capacity, `${cluster}-vNNN (new)`);
  const problems = createSpecProblems(spec);
  if (problems.length > 0) throw new InvalidRequestError(`cannot create a server group in cluster ${cluster}: ${problems.join('; ')}`);
  if (spec.userData !== undefined) checkUserData(spec.userData, `a new server group of cluster ${cluster}`);

  const image = await requireLaunchableImage(clients, spec.imageId);
  const subnets =
    spec.subnetIds?.length || spec.subnetType
      ? await resolveSubnets(clients, {
          ...(spec.subnetIds ? { subnetIds: spec.subnetIds } : {}),
          ...(spec.subnetType ? { subnetType: spec.subnetType } : {}),
          ...(spec.vpcId ? { vpcId: spec.vpcId } : {}),
        })
      : [];
  const vpcId = subnets[0]?.vpcId ?? spec.vpcId;
  const [securityGroupIds, targetGroups] = await Promise.all([
    spec.securityGroups ? resolveSecurityGroups(clients, spec.securityGroups, vpcId) : Promise.resolve(undefined),
    resolveTargetGroups(clients, spec.targetGroups ?? [], vpcId),
    spec.keyPair ? resolveKeyPair(clients, spec.keyPair) : Promise.resolve(undefined),
  ]);

  const existing = (await listClusterGroups(clients, cluster)).map(({ name, group }) => ({
    name,
    tags: tagRecord(group.Tags),
    createdTime: group.CreatedTime?.getTime() ?? 0,
  }));
  const deployKey = spec.metadata?.deployKey ?? spec.metadata?.executionId;
  const sequence = chooseSequence(cluster, existing, {
    ...(spec.sequence !== undefined ? { sequence: spec.sequence } : {}),
    ...(deployKey ? { deployKey } : {}),
  });
  const name = parseServerGroupName(buildServerGroupName(cluster, sequence));
  const previous = existing.filter((g) => g.name.name !== name.name).sort((a, b) => b.createdTime - a.createdTime)[0];
  const replaces = spec.metadata?.replaces ?? previous?.name.name;

  const launchSpec: LaunchSpec = {
    imageId: image.imageId,
    instanceType: spec.instanceType,
    ...(spec.userData !== undefined ? { userData: spec.userData } : {}),
    ...(securityGroupIds !== undefined ? { securityGroupIds } : {}),
    ...(spec.keyPair !== undefined ? { keyName: spec.keyPair } : {}),
    ...(spec.iamInstanceProfile !== undefined ? { iamInstanceProfile: spec.iamInstanceProfile } : {}),
    ...(spec.ebsOptimized !== undefined ? { ebsOptimized: spec.ebsOptimized } : {}),
    ...(spec.detailedMonitoring !== undefined ? { detailedMonitoring: spec.detailedMonitoring } : {}),
    ...(spec.requireImdsV2 !== undefined ? { requireImdsV2: spec.requireImdsV2 } : {}),
    ...(spec.blockDeviceMappings !== undefined ? { blockDeviceMappings: spec.blockDeviceMappings } : {}),
  };
  const enabled = spec.enabled ?? true;
  const targetGroupArns = targetGroups.map((tg) => tg.arn);
  const tags = serverGroupTags({
    name,
    imageId: image.imageId,
    metadata: { ...spec.metadata, ...(deployKey ? { deployKey } : {}), ...(replaces ? { replaces } : {}) },
    targetGroupArns,
    enabled,
    ...(spec.tags ? { extra: spec.tags } : {}),
  });

  return {
    name,
    imageId: image.imageId,
    launchTemplate: {
      name: launchTemplateName(name.name),
      data: buildLaunchTemplateData(launchSpec, spec.launchTemplateBase),
      tags: { [TagKeys.serverGroup]: name.name, [TagKeys.cluster]: name.cluster, [TagKeys.application]: name.app },
    },
    group: {
      AutoScalingGroupName: name.name,
      MinSize: capacity.min,
      MaxSize: capacity.max,
      DesiredCapacity: capacity.desired,
      ...(subnets.length > 0 ? { VPCZoneIdentifier: subnets.map((s) => s.id).join(',') } : { AvailabilityZones: [...(spec.availabilityZones ?? [])] }),
      ...(enabled && targetGroupArns.length > 0 ? { TargetGroupARNs: targetGroupArns } : {}),
      HealthCheckType: spec.healthCheckType ?? (targetGroupArns.length > 0 ? 'ELB' : 'EC2'),
      HealthCheckGracePeriod: spec.healthCheckGracePeriod ?? 300,
      Tags: tags.map((t) => ({
        ResourceId: name.name,
        ResourceType: 'auto-scaling-group',
        Key: t.key,
        Value: t.value,
        PropagateAtLaunch: t.propagateAtLaunch,
      })),
    },
    suspend: [...new Set([...(spec.suspendedProcesses ?? []), ...(enabled ? [] : ['AddToLoadBalancer'])])],
  };
}

function result(plan: CreatePlan, region: string, launchTemplate: LaunchTemplateRef, created: boolean): ServerGroupResult {
  return {
    serverGroup: plan.name.name,
    cluster: plan.name.cluster,
    sequence: plan.name.sequence,
    region,
    imageId: plan.imageId,
    launchTemplate,
    created,
  };
}

/** Suspends what the spec asked for that is not suspended yet (a crash may have come between). */
async function convergeProcesses(clients: CloudClients, plan: CreatePlan, current: readonly string[]): Promise<void> {
  const missing = plan.suspend.filter((p) => !current.includes(p));
  if (missing.length === 0) return;
  await awsCall({ action: 'suspend processes of', resourceType: 'server group', resource: plan.name.name }, () =>
    clients.autoScaling.send(new SuspendProcessesCommand({ AutoScalingGroupName: plan.name.name, ScalingProcesses: missing })),
  );
}

async function imageOf(clients: CloudClients, group: AutoScalingGroup): Promise<string | undefined> {
  const template = launchTemplateOf(group);
  if (template) {
    const version = await describeLaunchTemplateVersion(clients, { id: template.id, version: template.version });
    if (version.data.ImageId) return version.data.ImageId;
  }
  return tagRecord(group.Tags)[TagKeys.imageId];
}

/** The group exists already (an earlier run made it): return it if it is the same deploy, else refuse. */
async function adoptExisting(clients: CloudClients, plan: CreatePlan, group: AutoScalingGroup): Promise<ServerGroupResult> {
  const name = plan.name.name;
  if (group.Status) {
    throw new ServerGroupConflictError(`server group ${name} already exists and is being deleted (${group.Status}); try again when it is gone`);
  }
  const imageId = await imageOf(clients, group);
  if (imageId !== plan.imageId) {
    throw new ServerGroupConflictError(
      `server group ${name} already exists with image ${imageId ?? '(unknown)'}, not ${plan.imageId}; a server group is immutable, deploy a new one`,
    );
  }
  await convergeProcesses(clients, plan, suspendedProcesses(group));
  const template = launchTemplateOf(group);
  const launchTemplate = {
    id: template?.id ?? '',
    name: template?.name ?? '',
    version: Number.parseInt(template?.version ?? '', 10) || 0,
  };
  return result(plan, clients.region, launchTemplate, false);
}

/** Removes a launch template this call made for a group AWS then refused (nothing left behind). */
async function rollBackLaunchTemplate(clients: CloudClients, plan: CreatePlan, templateName: string): Promise<void> {
  try {
    if (await findAutoScalingGroup(clients, plan.name.name)) return; // the group exists after all: keep its template
    await deleteServerGroupLaunchTemplate(clients, plan.name.name, templateName);
  } catch {
    // Best effort: the error that made us roll back is the one to report.
  }
}

/** Creates a server group; see the module comment for how re-runs converge. */
export async function createServerGroup(clients: CloudClients, spec: CreateServerGroupSpec): Promise<ServerGroupResult> {
  const plan = await planCreate(clients, spec);
  return applyCreate(clients, plan);
}

async function applyCreate(clients: CloudClients, plan: CreatePlan): Promise<ServerGroupResult> {
  const name = plan.name.name;
  // Checked first, always: on AWS a duplicate name is an error, on some emulators it silently replaces.
  const existing = await findAutoScalingGroup(clients, name);
  if (existing) return adoptExisting(clients, plan, existing);

  const template = await ensureLaunchTemplateVersion(clients, plan.launchTemplate);
  const launchTemplate = { id: template.id, name: template.name, version: template.version };
  try {
    await awsCall({ action: 'create', resourceType: 'server group', resource: name }, () =>
      clients.autoScaling.send(
        new CreateAutoScalingGroupCommand({
          ...plan.group,
          LaunchTemplate: { LaunchTemplateId: template.id, Version: String(template.version) },
        }),
      ),
    );
  } catch (error) {
    if (isAlreadyExists(error)) {
      const raced = await findAutoScalingGroup(clients, name);
      if (raced) return adoptExisting(clients, plan, raced);
    }
    // AWS refused the request itself (not a throttle, not a crash): leave nothing behind.
    if (error instanceof AwsCallError && error.code !== undefined && template.created === 'template') {
      await rollBackLaunchTemplate(clients, plan, template.name);
    }
    throw error;
  }
  await convergeProcesses(clients, plan, []);
  return result(plan, clients.region, launchTemplate, true);
}

export interface ResizeResult {
  readonly serverGroup: string;
  readonly capacity: Capacity;
  readonly changed: boolean;
}

/** Sets min / max / desired (any of them; the others stay). */
export async function resizeServerGroup(clients: CloudClients, serverGroup: string, capacity: Partial<Capacity>): Promise<ResizeResult> {
  const group = await requireAutoScalingGroup(clients, serverGroup);
  const current = capacityOf(group);
  const wanted = checkCapacity(mergeCapacity(current, capacity), serverGroup);
  if (sameCapacity(current, wanted)) return { serverGroup, capacity: wanted, changed: false };
  await awsCall({ action: 'resize', resourceType: 'server group', resource: serverGroup }, () =>
    clients.autoScaling.send(
      new UpdateAutoScalingGroupCommand({
        AutoScalingGroupName: serverGroup,
        MinSize: wanted.min,
        MaxSize: wanted.max,
        DesiredCapacity: wanted.desired,
      }),
    ),
  );
  return { serverGroup, capacity: wanted, changed: true };
}

export interface DestroyResult {
  readonly serverGroup: string;
  /** This call deleted the Auto Scaling group (false: it was already gone or going). */
  readonly deleted: boolean;
  readonly launchTemplateDeleted: boolean;
}

/** Deletes the Auto Scaling group (terminating its instances) and its own launch template. */
export async function destroyServerGroup(clients: CloudClients, serverGroup: string): Promise<DestroyResult> {
  const group = await findAutoScalingGroup(clients, serverGroup);
  let deleted = false;
  if (group && !group.Status) {
    const done = await awsCallOrMissing({ action: 'delete', resourceType: 'server group', resource: serverGroup }, () =>
      clients.autoScaling.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: serverGroup, ForceDelete: true })),
    );
    deleted = done !== undefined;
  }
  const templateName = (group && launchTemplateOf(group)?.name) || launchTemplateName(serverGroup);
  const launchTemplateDeleted = await deleteServerGroupLaunchTemplate(clients, serverGroup, templateName);
  return { serverGroup, deleted, launchTemplateDeleted };
}
