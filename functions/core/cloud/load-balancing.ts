/**
 * Enable and disable: putting a server group into its target groups and taking it out.
 *   enable  = resume Launch / Terminate / AddToLoadBalancer, attach its target groups, tag enabled=true
 *   disable = suspend those processes, detach its target groups, tag enabled=false
 * The target groups are recorded in the group's tags before they are detached, so enable knows
 * where to put it back. Both are no-ops (no AWS writes) when the group is already in that state, and
 * converge when re-run after a crash at any point.
 */
import {
  AttachLoadBalancerTargetGroupsCommand,
  DeleteTagsCommand,
  DetachLoadBalancerTargetGroupsCommand,
  ResumeProcessesCommand,
  SuspendProcessesCommand,
  type AutoScalingGroup,
} from '@aws-sdk/client-auto-scaling';
import { attachedTargetGroups, putGroupTags, requireAutoScalingGroup, suspendedProcesses } from './auto-scaling.js';
import { awsCall } from './aws-errors.js';
import type { CloudClients } from './clients.js';
import { isNoop, planDisable, planEnable, type EnabledInput, type TrafficPlan } from './state.js';
import { recordedTargetGroups, TagKeys, tagRecord, targetGroupTags } from './tags.js';

export interface TrafficResult {
  readonly serverGroup: string;
  readonly enabled: boolean;
  /** false: it already was, nothing was written. */
  readonly changed: boolean;
  readonly targetGroupArns: readonly string[];
}

function enabledInput(group: AutoScalingGroup): EnabledInput {
  return {
    suspendedProcesses: suspendedProcesses(group),
    attachedTargetGroups: attachedTargetGroups(group),
    recordedTargetGroups: recordedTargetGroups(tagRecord(group.Tags)),
  };
}

async function record(clients: CloudClients, name: string, input: EnabledInput, plan: TrafficPlan): Promise<void> {
  if (plan.record.length === 0) return;
  // Rewrite the whole list so the numbering stays 1..n.
  await putGroupTags(clients, name, targetGroupTags([...input.recordedTargetGroups, ...plan.record]));
}

async function markEnabled(clients: CloudClients, group: AutoScalingGroup, name: string, enabled: boolean): Promise<boolean> {
  if (tagRecord(group.Tags)[TagKeys.enabled] === String(enabled)) return false;
  await putGroupTags(clients, name, [{ key: TagKeys.enabled, value: String(enabled), propagateAtLaunch: false }]);
  return true;
}

export async function enableServerGroup(clients: CloudClients, serverGroup: string): Promise<TrafficResult> {
  const group = await requireAutoScalingGroup(clients, serverGroup);
  const input = enabledInput(group);
  const plan = planEnable(input);
  const context = (action: string) => ({ action, resourceType: 'server group', resource: serverGroup });
  await record(clients, serverGroup, input, plan);
  if (plan.resume.length > 0) {
    await awsCall(context('resume processes of'), () =>
      clients.autoScaling.send(new ResumeProcessesCommand({ AutoScalingGroupName: serverGroup, ScalingProcesses: [...plan.resume] })),
    );
  }
  if (plan.attach.length > 0) {
    await awsCall(context(`attach target groups ${plan.attach.join(', ')} to`), () =>
      clients.autoScaling.send(new AttachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: serverGroup, TargetGroupARNs: [...plan.attach] })),
    );
  }
  const tagged = await markEnabled(clients, group, serverGroup, true);
  return {
    serverGroup,
    enabled: true,
    changed: !isNoop(plan) || tagged,
    targetGroupArns: [...new Set([...input.attachedTargetGroups, ...plan.attach])],
  };
}

export async function disableServerGroup(clients: CloudClients, serverGroup: string): Promise<TrafficResult> {
  const group = await requireAutoScalingGroup(clients, serverGroup);
  const input = enabledInput(group);
  const plan = planDisable(input);
  const context = (action: string) => ({ action, resourceType: 'server group', resource: serverGroup });
  // Record first: a crash after the detach must not lose where the group belongs.
  await record(clients, serverGroup, input, plan);
  // Suspend before detaching, so no new instance is added to a target group in between.
  if (plan.suspend.length > 0) {
    await awsCall(context('suspend processes of'), () =>
      clients.autoScaling.send(new SuspendProcessesCommand({ AutoScalingGroupName: serverGroup, ScalingProcesses: [...plan.suspend] })),
    );
  }
  if (plan.detach.length > 0) {
    await awsCall(context(`detach target groups ${plan.detach.join(', ')} from`), () =>
      clients.autoScaling.send(new DetachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: serverGroup, TargetGroupARNs: [...plan.detach] })),
    );
  }
  const tagged = await markEnabled(clients, group, serverGroup, false);
  return { serverGroup, enabled: false, changed: !isNoop(plan) || tagged, targetGroupArns: [] };
}

/**
 * Moves a server group to exactly these target groups (a progressive deploy: from its canary target
 * group to the cluster's). The recorded list is rewritten first (where enable puts it back); an
 * enabled group is attached to the new ones before it leaves the others, so it never serves from
 * none; a disabled group only has its record changed. Converges when re-run.
 */
export async function setTargetGroups(clients: CloudClients, serverGroup: string, targetGroupArns: readonly string[]): Promise<void> {
  const group = await requireAutoScalingGroup(clients, serverGroup);
  const input = enabledInput(group);
  const wanted = [...new Set(targetGroupArns)];
  const context = (action: string) => ({ action, resourceType: 'server group', resource: serverGroup });
  const recorded = input.recordedTargetGroups;
  if (recorded.length !== wanted.length || recorded.some((arn, i) => arn !== wanted[i])) {
    await putGroupTags(clients, serverGroup, targetGroupTags(wanted));
    const stale = recorded.slice(wanted.length).map((_, i) => `${TagKeys.targetGroupPrefix}${wanted.length + i + 1}`);
    if (stale.length > 0) {
      await awsCall(context('untag'), () =>
        clients.autoScaling.send(new DeleteTagsCommand({ Tags: stale.map((Key) => ({ ResourceId: serverGroup, ResourceType: 'auto-scaling-group', Key })) })),
      );
    }
  }
  // A disabled group (AddToLoadBalancer suspended) keeps only the record, for enable.
  if (input.suspendedProcesses.includes('AddToLoadBalancer')) return;
  const attach = wanted.filter((arn) => !input.attachedTargetGroups.includes(arn));
  const detach = input.attachedTargetGroups.filter((arn) => !wanted.includes(arn));
  if (attach.length > 0) {
    await awsCall(context(`attach target groups ${attach.join(', ')} to`), () =>
      clients.autoScaling.send(new AttachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: serverGroup, TargetGroupARNs: attach })),
    );
  }
  if (detach.length > 0) {
    await awsCall(context(`detach target groups ${detach.join(', ')} from`), () =>
      clients.autoScaling.send(new DetachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: serverGroup, TargetGroupARNs: detach })),
    );
  }
}
