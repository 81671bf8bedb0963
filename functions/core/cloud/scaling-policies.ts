/**
 * Copying scaling policies from one server group to another (clone). Names are derived from the
 * new server group's name, so copying twice puts the same policies again (PutScalingPolicy replaces a
 * policy of the same name on the same group). CloudWatch alarms that drive step / simple policies
 * are not copied: target tracking policies make their own.
 */
import { DescribePoliciesCommand, PutScalingPolicyCommand, type PutScalingPolicyCommandInput, type ScalingPolicy } from '@aws-sdk/client-auto-scaling';
import { awsCall } from './aws-errors.js';
import type { CloudClients } from './clients.js';

const MAX_POLICY_NAME = 255;

/** "app-v001-cpu" → "app-v002-cpu"; a name without the source group's name gets the target's as prefix. */
export function copiedPolicyName(policyName: string, source: string, target: string): string {
  const name = policyName.includes(source) ? policyName.split(source).join(target) : `${target}-${policyName}`;
  return name.slice(0, MAX_POLICY_NAME);
}

function nonEmpty<T>(value: T[] | undefined): T[] | undefined {
  return value && value.length > 0 ? value : undefined;
}

/** The PutScalingPolicy input that recreates `policy` on `target`, with only the fields its type uses. */
export function policyCopyInput(policy: ScalingPolicy, source: string, target: string): PutScalingPolicyCommandInput {
  const type = policy.PolicyType ?? 'SimpleScaling';
  const common = {
    AutoScalingGroupName: target,
    PolicyName: copiedPolicyName(policy.PolicyName ?? 'policy', source, target),
    PolicyType: type,
    ...(policy.Enabled !== undefined ? { Enabled: policy.Enabled } : {}),
  };
  switch (type) {
    case 'TargetTrackingScaling':
      return {
        ...common,
        TargetTrackingConfiguration: policy.TargetTrackingConfiguration,
        ...(policy.EstimatedInstanceWarmup !== undefined ? { EstimatedInstanceWarmup: policy.EstimatedInstanceWarmup } : {}),
      };
    case 'PredictiveScaling':
      return { ...common, PredictiveScalingConfiguration: policy.PredictiveScalingConfiguration };
    case 'StepScaling':
      return {
        ...common,
        AdjustmentType: policy.AdjustmentType,
        StepAdjustments: nonEmpty(policy.StepAdjustments),
        ...(policy.MetricAggregationType ? { MetricAggregationType: policy.MetricAggregationType } : {}),
        ...(policy.MinAdjustmentMagnitude !== undefined ? { MinAdjustmentMagnitude: policy.MinAdjustmentMagnitude } : {}),
        ...(policy.EstimatedInstanceWarmup !== undefined ? { EstimatedInstanceWarmup: policy.EstimatedInstanceWarmup } : {}),
      };
    default:
      return {
        ...common,
        AdjustmentType: policy.AdjustmentType,
        ScalingAdjustment: policy.ScalingAdjustment,
        ...(policy.Cooldown !== undefined ? { Cooldown: policy.Cooldown } : {}),
        ...(policy.MinAdjustmentMagnitude !== undefined ? { MinAdjustmentMagnitude: policy.MinAdjustmentMagnitude } : {}),
      };
  }
}

async function describeScalingPolicies(clients: CloudClients, serverGroup: string): Promise<ScalingPolicy[]> {
  const policies: ScalingPolicy[] = [];
  let token: string | undefined;
  do {
    const response = await awsCall({ action: 'describe scaling policies of', resourceType: 'server group', resource: serverGroup }, () =>
      clients.autoScaling.send(new DescribePoliciesCommand({ AutoScalingGroupName: serverGroup, ...(token ? { NextToken: token } : {}) })),
    );
    policies.push(...(response.ScalingPolicies ?? []).filter((p) => p.AutoScalingGroupName === serverGroup));
    token = response.NextToken;
  } while (token);
  return policies;
}

/** Puts copies of the source's scaling policies on the target; returns the copies' names. */
export async function copyScalingPolicies(clients: CloudClients, source: string, target: string): Promise<string[]> {
  const policies = await describeScalingPolicies(clients, source);
  const names: string[] = [];
  for (const policy of policies) {
    const input = policyCopyInput(policy, source, target);
    await awsCall({ action: 'copy scaling policy to', resourceType: 'server group', resource: `${target} (${input.PolicyName})` }, () =>
      clients.autoScaling.send(new PutScalingPolicyCommand(input)),
    );
    names.push(input.PolicyName ?? '');
  }
  return names;
}
