/**
 * Cloning a server group: a new group in the same (or another) cluster with the source's capacity,
 * launch template data (written out in full), target groups (also those of a disabled source) and
 * scaling policies, with overrides on top. Converges like create: a re-run with the same deploy key
 * returns the clone it made and puts the same policies again.
 */
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import type { RequestLaunchTemplateData } from '@aws-sdk/client-ec2';
import { requireAutoScalingGroup } from './auto-scaling.js';
import type { Capacity } from './capacity.js';
import type { CloudClients } from './clients.js';
import { InvalidRequestError } from './errors.js';
import { describeLaunchTemplateVersion, requestDataFrom } from './launch-templates.js';
import { parseServerGroupName, type ParsedServerGroup } from './naming.js';
import { copyScalingPolicies } from './scaling-policies.js';
import { createServerGroup, type CreateServerGroupSpec, type ServerGroupResult } from './server-groups.js';
import { capacityOf, launchTemplateOf } from './server-group-view.js';
import { recordedTargetGroups, TAG_PREFIX, TagKeys, tagRecord, type DeployMetadata } from './tags.js';

export interface CloneServerGroupSpec extends Partial<Omit<CreateServerGroupSpec, 'capacity' | 'launchTemplateBase'>> {
  /** The server group to copy. */
  readonly source: string;
  /** Changes to the source's capacity. */
  readonly capacity?: Partial<Capacity>;
  /** @default true */
  readonly copyScalingPolicies?: boolean;
}

export interface CloneResult extends ServerGroupResult {
  readonly source: string;
  readonly scalingPolicies: readonly string[];
}

function userTags(tags: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([key]) => key !== 'Name' && !key.startsWith(TAG_PREFIX) && !key.startsWith('aws:')));
}

/** The create spec of a clone: the source's settings with the overrides on top. Pure. */
export function cloneSpec(
  source: { readonly name: ParsedServerGroup; readonly group: AutoScalingGroup; readonly launchData: RequestLaunchTemplateData },
  spec: CloneServerGroupSpec,
): CreateServerGroupSpec {
  const { name, group, launchData } = source;
  const tags = tagRecord(group.Tags);
  const imageId = spec.imageId ?? launchData.ImageId ?? '';
  const sameImage = imageId === launchData.ImageId;
  const inherited = (key: string) => (sameImage ? tags[key] : undefined);
  const subnetIds = (group.VPCZoneIdentifier ?? '').split(',').filter(Boolean);
  const targetGroups = [...new Set([...(group.TargetGroupARNs ?? []), ...recordedTargetGroups(tags)])];
  const metadata: DeployMetadata = {
    ...Object.fromEntries(
      (['version', 'build', 'commit'] as const).flatMap((k) => {
        const v = inherited(TagKeys[k]);
        return v ? [[k, v]] : [];
      }),
    ),
    replaces: name.name,
    ...spec.metadata,
  };
  const placedBySpec = spec.subnetIds !== undefined || spec.subnetType !== undefined || spec.availabilityZones !== undefined;
  return {
    application: spec.application ?? name.app,
    ...((spec.stack ?? name.stack) ? { stack: spec.stack ?? name.stack } : {}),
    ...((spec.detail ?? name.detail) ? { detail: spec.detail ?? name.detail } : {}),
    ...(spec.sequence !== undefined ? { sequence: spec.sequence } : {}),
    imageId,
    instanceType: spec.instanceType ?? launchData.InstanceType ?? '',
    ...(spec.userData !== undefined ? { userData: spec.userData } : {}),
    ...(spec.securityGroups !== undefined ? { securityGroups: spec.securityGroups } : {}),
    ...(spec.keyPair !== undefined ? { keyPair: spec.keyPair } : {}),
    ...(spec.iamInstanceProfile !== undefined ? { iamInstanceProfile: spec.iamInstanceProfile } : {}),
    ...(spec.ebsOptimized !== undefined ? { ebsOptimized: spec.ebsOptimized } : {}),
    ...(spec.detailedMonitoring !== undefined ? { detailedMonitoring: spec.detailedMonitoring } : {}),
    ...(spec.requireImdsV2 !== undefined ? { requireImdsV2: spec.requireImdsV2 } : {}),
    ...(spec.blockDeviceMappings !== undefined ? { blockDeviceMappings: spec.blockDeviceMappings } : {}),
    capacity: { ...capacityOf(group), ...spec.capacity },
    ...(placedBySpec
      ? {
          ...(spec.subnetIds !== undefined ? { subnetIds: spec.subnetIds } : {}),
          ...(spec.subnetType !== undefined ? { subnetType: spec.subnetType } : {}),
          ...(spec.availabilityZones !== undefined ? { availabilityZones: spec.availabilityZones } : {}),
        }
      : subnetIds.length > 0
        ? { subnetIds }
        : { availabilityZones: group.AvailabilityZones ?? [] }),
    ...(spec.vpcId !== undefined ? { vpcId: spec.vpcId } : {}),
    targetGroups: spec.targetGroups ?? targetGroups,
    healthCheckType: spec.healthCheckType ?? (group.HealthCheckType === 'ELB' ? 'ELB' : 'EC2'),
    ...(spec.healthCheckGracePeriod !== undefined || group.HealthCheckGracePeriod !== undefined
      ? { healthCheckGracePeriod: spec.healthCheckGracePeriod ?? group.HealthCheckGracePeriod }
      : {}),
    ...(spec.suspendedProcesses !== undefined ? { suspendedProcesses: spec.suspendedProcesses } : {}),
    ...(spec.enabled !== undefined ? { enabled: spec.enabled } : {}),
    tags: { ...userTags(tags), ...spec.tags },
    metadata,
    launchTemplateBase: launchData,
  };
}

/** A new server group like `source` (capacity, launch template data, target groups, scaling policies). */
export async function cloneServerGroup(clients: CloudClients, spec: CloneServerGroupSpec): Promise<CloneResult> {
  const sourceName = parseServerGroupName(spec.source);
  const group = await requireAutoScalingGroup(clients, spec.source);
  const template = launchTemplateOf(group);
  if (!template) {
    throw new InvalidRequestError(`server group ${spec.source} has no launch template (a launch configuration?); clone needs one`);
  }
  const version = await describeLaunchTemplateVersion(clients, { id: template.id, version: template.version });
  const createSpec = cloneSpec({ name: sourceName, group, launchData: requestDataFrom(version.data) }, spec);
  const created = await createServerGroup(clients, createSpec);
  const scalingPolicies = spec.copyScalingPolicies === false ? [] : await copyScalingPolicies(clients, spec.source, created.serverGroup);
  return { ...created, source: spec.source, scalingPolicies };
}
