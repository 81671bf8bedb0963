/** An Auto Scaling group seen as a Spinnaker server group. Pure: built from data read elsewhere. */
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { attachedTargetGroups, suspendedProcesses } from './auto-scaling.js';
import type { Capacity } from './capacity.js';
import type { ParsedServerGroup } from './naming.js';
import { deriveEnabled, evaluateUp, targetHealthOf, type InstanceView, type TargetHealthIndex } from './state.js';
import { recordedTargetGroups, TagKeys, tagRecord } from './tags.js';

export interface ServerGroupView extends ParsedServerGroup {
  readonly region: string;
  readonly createdTime?: string;
  /** Set by AWS while the group is being deleted ("Delete in progress"). */
  readonly status?: string;
  readonly capacity: Capacity;
  readonly enabled: boolean;
  readonly disabledReason?: string;
  readonly suspendedProcesses: readonly string[];
  /** Target groups attached now. */
  readonly targetGroupArns: readonly string[];
  /** Target groups recorded in tags (enable attaches these). */
  readonly recordedTargetGroupArns: readonly string[];
  readonly subnetIds: readonly string[];
  readonly availabilityZones: readonly string[];
  readonly healthCheckType: string;
  readonly healthCheckGracePeriod?: number;
  readonly launchTemplate?: { readonly id: string; readonly name: string; readonly version: string };
  readonly imageId?: string;
  readonly instanceType?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly instances: readonly InstanceView[];
  /** Instances up now (what traffic guards count). */
  readonly upCount: number;
}

export function launchTemplateOf(group: AutoScalingGroup): { id: string; name: string; version: string } | undefined {
  const spec = group.LaunchTemplate ?? group.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
  if (!spec?.LaunchTemplateId) return undefined;
  return { id: spec.LaunchTemplateId, name: spec.LaunchTemplateName ?? '', version: spec.Version ?? '$Default' };
}

export function capacityOf(group: AutoScalingGroup): Capacity {
  return { min: group.MinSize ?? 0, max: group.MaxSize ?? 0, desired: group.DesiredCapacity ?? 0 };
}

export function serverGroupView(
  name: ParsedServerGroup,
  group: AutoScalingGroup,
  region: string,
  extras: { readonly imageId?: string; readonly instanceType?: string; readonly targetHealth?: TargetHealthIndex } = {},
): ServerGroupView {
  const tags = tagRecord(group.Tags);
  const attached = attachedTargetGroups(group);
  const recorded = recordedTargetGroups(tags);
  const suspended = suspendedProcesses(group);
  const state = deriveEnabled({ suspendedProcesses: suspended, attachedTargetGroups: attached, recordedTargetGroups: recorded });
  const launchTemplate = launchTemplateOf(group);
  const imageId = extras.imageId ?? tags[TagKeys.imageId];
  const index = extras.targetHealth ?? new Map();
  const instances: InstanceView[] = (group.Instances ?? []).map((i) => ({
    instanceId: i.InstanceId ?? '',
    ...(i.AvailabilityZone ? { availabilityZone: i.AvailabilityZone } : {}),
    lifecycleState: i.LifecycleState ?? 'Unknown',
    healthStatus: i.HealthStatus ?? 'Unknown',
    targetHealth: targetHealthOf(i.InstanceId ?? '', extras.targetHealth ? attached : [], index),
  }));
  return {
    ...name,
    region,
    ...(group.CreatedTime ? { createdTime: group.CreatedTime.toISOString() } : {}),
    ...(group.Status ? { status: group.Status } : {}),
    capacity: capacityOf(group),
    enabled: state.enabled,
    ...(state.reason ? { disabledReason: state.reason } : {}),
    suspendedProcesses: suspended,
    targetGroupArns: attached,
    recordedTargetGroupArns: recorded,
    subnetIds: (group.VPCZoneIdentifier ?? '').split(',').filter(Boolean),
    availabilityZones: group.AvailabilityZones ?? [],
    healthCheckType: group.HealthCheckType ?? 'EC2',
    ...(group.HealthCheckGracePeriod !== undefined ? { healthCheckGracePeriod: group.HealthCheckGracePeriod } : {}),
    ...(launchTemplate ? { launchTemplate } : {}),
    ...(imageId ? { imageId } : {}),
    ...(extras.instanceType ? { instanceType: extras.instanceType } : {}),
    tags,
    instances,
    upCount: evaluateUp(instances, 0).upCount,
  };
}
