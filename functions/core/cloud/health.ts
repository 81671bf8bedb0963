/**
 * Is a server group up? A non-sleeping check: one look at Auto Scaling and target health, returning
 * at once. The stage that waits calls it again later ("running, check again in N s").
 */
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { attachedTargetGroups, requireAutoScalingGroup } from './auto-scaling.js';
import { awsCall } from './aws-errors.js';
import type { CloudClients } from './clients.js';
import { InvalidCapacityError } from './errors.js';
import { parseServerGroupName } from './naming.js';
import { serverGroupView } from './server-group-view.js';
import { evaluateUp, type TargetHealthIndex, type TargetHealthView, type UpCheck } from './state.js';

/** Health of every target in each target group, keyed by target group then instance id. */
export async function readTargetHealth(clients: CloudClients, targetGroupArns: readonly string[]): Promise<TargetHealthIndex> {
  const entries = await Promise.all(
    [...new Set(targetGroupArns)].map(async (arn) => {
      const response = await awsCall({ action: 'describe target health of', resourceType: 'target group', resource: arn }, () =>
        clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn })),
      );
      const byInstance = new Map<string, Omit<TargetHealthView, 'targetGroupArn'>>();
      for (const d of response.TargetHealthDescriptions ?? []) {
        const id = d.Target?.Id;
        if (!id) continue;
        byInstance.set(id, {
          state: d.TargetHealth?.State ?? 'unknown',
          ...(d.TargetHealth?.Reason ? { reason: d.TargetHealth.Reason } : {}),
          ...(d.TargetHealth?.Description ? { description: d.TargetHealth.Description } : {}),
        });
      }
      return [arn, byInstance] as const;
    }),
  );
  return new Map(entries);
}

export interface ServerGroupUpCheck extends UpCheck {
  readonly serverGroup: string;
}

/**
 * Whether at least `expectedCapacity` instances (default: the desired capacity) are InService,
 * Healthy, and healthy in every target group the group is attached to; and why the others are not.
 */
export async function checkUp(clients: CloudClients, serverGroup: string, expectedCapacity?: number): Promise<ServerGroupUpCheck> {
  if (expectedCapacity !== undefined && (!Number.isInteger(expectedCapacity) || expectedCapacity < 0)) {
    throw new InvalidCapacityError(`expected capacity for server group ${serverGroup} must be a whole number ≥ 0, got ${expectedCapacity}`);
  }
  const name = parseServerGroupName(serverGroup);
  const group = await requireAutoScalingGroup(clients, serverGroup);
  const targetHealth = await readTargetHealth(clients, attachedTargetGroups(group));
  const view = serverGroupView(name, group, clients.region, { targetHealth });
  const expected = expectedCapacity ?? view.capacity.desired;
  return { serverGroup, ...evaluateUp(view.instances, expected) };
}
