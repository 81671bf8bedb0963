/**
 * Application Auto Scaling of ECS services (Deck's `copySourceScalingPoliciesAndActions`, as
 * Spinnaker's ECS provider does it): the new service gets a scalable target with the new capacity's
 * min/max (the source's suspended state kept), the source's scaling policies and scheduled actions,
 * each under a name with the source service's name replaced by the new one's (or the new name
 * appended). Every write is preceded by a read, and what already exists under the name is left, so
 * a retried or crashed call converges. A destroyed service's policies, scheduled actions and
 * scalable target are removed before it is deleted (one by one: AWS would remove the first two
 * with the target, the emulator does not, and a crash between calls is finished by the next run).
 */
import {
  DeleteScalingPolicyCommand,
  DeleteScheduledActionCommand,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  DescribeScheduledActionsCommand,
  PutScalingPolicyCommand,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand,
  type ScalableTarget,
  type ScalingPolicy,
  type ScheduledAction,
} from '@aws-sdk/client-application-auto-scaling';
import { awsCall } from '../cloud/aws-errors.js';
import type { Capacity } from '../cloud/capacity.js';
import type { CloudClients } from '../cloud/clients.js';

const NAMESPACE = 'ecs';
const DIMENSION = 'ecs:service:DesiredCount';

/** Application Auto Scaling's id of a service: `service/<ecs cluster>/<service>`. */
const resourceId = (ecsCluster: string, service: string) => `service/${ecsCluster}/${service}`;
const target = (ecsCluster: string, service: string) =>
  ({ ServiceNamespace: NAMESPACE, ResourceId: resourceId(ecsCluster, service), ScalableDimension: DIMENSION }) as const;

/** The source's name for a policy or action, made the new service's. */
export function copiedName(name: string, source: string, service: string): string {
  return name.includes(source) ? name.split(source).join(service) : `${name}-${service}`;
}

async function scalableTarget(clients: CloudClients, ecsCluster: string, service: string): Promise<ScalableTarget | undefined> {
  const response = await awsCall({ action: 'describe', resourceType: 'scalable target', resource: resourceId(ecsCluster, service) }, () =>
    clients.applicationAutoScaling.send(
      new DescribeScalableTargetsCommand({ ServiceNamespace: NAMESPACE, ResourceIds: [resourceId(ecsCluster, service)], ScalableDimension: DIMENSION }),
    ),
  );
  return response.ScalableTargets?.find((t) => t.ResourceId === resourceId(ecsCluster, service));
}

async function policies(clients: CloudClients, ecsCluster: string, service: string): Promise<ScalingPolicy[]> {
  const out: ScalingPolicy[] = [];
  let token: string | undefined;
  do {
    const page = await awsCall({ action: 'describe', resourceType: 'scaling policies', resource: resourceId(ecsCluster, service) }, () =>
      clients.applicationAutoScaling.send(new DescribeScalingPoliciesCommand({ ...target(ecsCluster, service), ...(token ? { NextToken: token } : {}) })),
    );
    out.push(...(page.ScalingPolicies ?? []).filter((p) => p.ResourceId === resourceId(ecsCluster, service)));
    token = page.NextToken;
  } while (token);
  return out;
}

async function scheduledActions(clients: CloudClients, ecsCluster: string, service: string): Promise<ScheduledAction[]> {
  const out: ScheduledAction[] = [];
  let token: string | undefined;
  do {
    const page = await awsCall({ action: 'describe', resourceType: 'scheduled actions', resource: resourceId(ecsCluster, service) }, () =>
      clients.applicationAutoScaling.send(new DescribeScheduledActionsCommand({ ...target(ecsCluster, service), ...(token ? { NextToken: token } : {}) })),
    );
    out.push(...(page.ScheduledActions ?? []).filter((a) => a.ResourceId === resourceId(ecsCluster, service)));
    token = page.NextToken;
  } while (token);
  return out;
}

export interface CopiedScaling {
  /** false when the source has no scalable target (nothing to copy). */
  readonly scalableTarget: boolean;
  readonly policies: readonly string[];
  readonly scheduledActions: readonly string[];
}

/**
 * The source service's scalable target, scaling policies and scheduled actions, copied onto
 * `service` (registered with `capacity`'s min/max and `tags`). Nothing when the source has no
 * scalable target.
 */
export async function copyServiceScaling(
  clients: CloudClients,
  ecsCluster: string,
  source: string,
  service: string,
  capacity: Capacity,
  tags: Readonly<Record<string, string>>,
): Promise<CopiedScaling> {
  const from = await scalableTarget(clients, ecsCluster, source);
  if (!from) return { scalableTarget: false, policies: [], scheduledActions: [] };
  const where = resourceId(ecsCluster, service);
  if (!(await scalableTarget(clients, ecsCluster, service))) {
    await awsCall({ action: 'register', resourceType: 'scalable target', resource: where }, () =>
      clients.applicationAutoScaling.send(
        new RegisterScalableTargetCommand({
          ...target(ecsCluster, service),
          MinCapacity: capacity.min,
          MaxCapacity: capacity.max,
          ...(from.SuspendedState ? { SuspendedState: from.SuspendedState } : {}),
          Tags: { ...tags },
        }),
      ),
    );
  }
  const havePolicies = new Set((await policies(clients, ecsCluster, service)).map((p) => p.PolicyName));
  const copiedPolicies: string[] = [];
  for (const policy of await policies(clients, ecsCluster, source)) {
    const name = copiedName(policy.PolicyName ?? '', source, service);
    copiedPolicies.push(name);
    if (havePolicies.has(name)) continue;
    await awsCall({ action: 'put', resourceType: 'scaling policy', resource: `${name} of ${where}` }, () =>
      clients.applicationAutoScaling.send(
        new PutScalingPolicyCommand({
          ...target(ecsCluster, service),
          PolicyName: name,
          PolicyType: policy.PolicyType,
          ...(policy.StepScalingPolicyConfiguration ? { StepScalingPolicyConfiguration: policy.StepScalingPolicyConfiguration } : {}),
          ...(policy.TargetTrackingScalingPolicyConfiguration
            ? { TargetTrackingScalingPolicyConfiguration: policy.TargetTrackingScalingPolicyConfiguration }
            : {}),
          ...(policy.PredictiveScalingPolicyConfiguration ? { PredictiveScalingPolicyConfiguration: policy.PredictiveScalingPolicyConfiguration } : {}),
        }),
      ),
    );
  }
  const haveActions = new Set((await scheduledActions(clients, ecsCluster, service)).map((a) => a.ScheduledActionName));
  const copiedActions: string[] = [];
  for (const action of await scheduledActions(clients, ecsCluster, source)) {
    const name = copiedName(action.ScheduledActionName ?? '', source, service);
    copiedActions.push(name);
    if (haveActions.has(name)) continue;
    await awsCall({ action: 'put', resourceType: 'scheduled action', resource: `${name} of ${where}` }, () =>
      clients.applicationAutoScaling.send(
        new PutScheduledActionCommand({
          ...target(ecsCluster, service),
          ScheduledActionName: name,
          Schedule: action.Schedule,
          ...(action.Timezone ? { Timezone: action.Timezone } : {}),
          ...(action.StartTime ? { StartTime: action.StartTime } : {}),
          ...(action.EndTime ? { EndTime: action.EndTime } : {}),
          ...(action.ScalableTargetAction ? { ScalableTargetAction: action.ScalableTargetAction } : {}),
        }),
      ),
    );
  }
  return { scalableTarget: true, policies: copiedPolicies, scheduledActions: copiedActions };
}

/** The service's scaling policies, scheduled actions and scalable target removed; a no-op without them. */
export async function removeServiceScaling(clients: CloudClients, ecsCluster: string, service: string): Promise<void> {
  const where = resourceId(ecsCluster, service);
  for (const policy of await policies(clients, ecsCluster, service)) {
    await awsCall({ action: 'delete', resourceType: 'scaling policy', resource: `${policy.PolicyName} of ${where}` }, () =>
      clients.applicationAutoScaling.send(new DeleteScalingPolicyCommand({ ...target(ecsCluster, service), PolicyName: policy.PolicyName })),
    );
  }
  for (const action of await scheduledActions(clients, ecsCluster, service)) {
    await awsCall({ action: 'delete', resourceType: 'scheduled action', resource: `${action.ScheduledActionName} of ${where}` }, () =>
      clients.applicationAutoScaling.send(
        new DeleteScheduledActionCommand({ ...target(ecsCluster, service), ScheduledActionName: action.ScheduledActionName }),
      ),
    );
  }
  if (!(await scalableTarget(clients, ecsCluster, service))) return;
  await awsCall({ action: 'deregister', resourceType: 'scalable target', resource: where }, () =>
    clients.applicationAutoScaling.send(new DeregisterScalableTargetCommand(target(ecsCluster, service))),
  );
}
