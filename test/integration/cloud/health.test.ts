/**
 * checkUp against moto, where instances are always InService and healthy: unhealthy and slow
 * instances come from rewriting what AWS answered; throttling from faults the SDK retries.
 */
import type { DescribeAutoScalingGroupsCommandOutput } from '@aws-sdk/client-auto-scaling';
import type { DescribeTargetHealthCommandOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { resetClientCache } from '../../../functions/core/aws-clients.js';
import { cloudClients, type CloudClients } from '../../../functions/core/cloud/clients.js';
import {
  checkUp,
  createServerGroup,
  describeServerGroup,
  disableServerGroup,
  enableServerGroup,
  TransientCloudError,
} from '../../../functions/core/cloud/index.js';
import { countCalls, injectFault, throttlingError } from '../../support/faults.js';
import { type Network, deploySpec, inventory, useCloudNetwork } from '../../support/cloud/fixtures.js';

let clients: CloudClients;
let network: Network;
useCloudNetwork(async (c, n) => {
  clients = c;
  network = n;
  await createServerGroup(clients, deploySpec(network, { capacity: { min: 2, max: 3, desired: 2 } }));
});

async function instanceIds(): Promise<string[]> {
  return (await describeServerGroup(clients, 'app-prod-v000'))!.instances.map((i) => i.instanceId).sort();
}

describe('checkUp', () => {
  it('is up when every instance is InService, Healthy and healthy in its target groups', async () => {
    expect(await checkUp(clients, 'app-prod-v000')).toEqual({ serverGroup: 'app-prod-v000', up: true, expected: 2, upCount: 2, unhealthy: [] });
  });

  it('reports instances a target group finds unhealthy', async () => {
    const [sick] = await instanceIds();
    injectFault<DescribeTargetHealthCommandOutput>(clients.elbv2, {
      command: 'DescribeTargetHealth',
      rewrite: (output) => ({
        ...output,
        TargetHealthDescriptions: output.TargetHealthDescriptions?.map((d) =>
          d.Target?.Id === sick ? { ...d, TargetHealth: { State: 'unhealthy', Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed' } } : d,
        ),
      }),
    });
    expect(await checkUp(clients, 'app-prod-v000')).toEqual({
      serverGroup: 'app-prod-v000',
      up: false,
      expected: 2,
      upCount: 1,
      unhealthy: [{ instanceId: sick, reason: 'target group app-web unhealthy (Target.FailedHealthChecks: Health checks failed)' }],
    });
    expect(await checkUp(clients, 'app-prod-v000', 1)).toMatchObject({ up: true, upCount: 1, unhealthy: [{ instanceId: sick }] });
  });

  it('reports instances still launching, or missing from a target group', async () => {
    const [slow, unregistered] = await instanceIds();
    injectFault<DescribeAutoScalingGroupsCommandOutput>(clients.autoScaling, {
      command: 'DescribeAutoScalingGroups',
      rewrite: (output) => ({
        ...output,
        AutoScalingGroups: output.AutoScalingGroups?.map((g) => ({
          ...g,
          Instances: g.Instances?.map((i) => (i.InstanceId === slow ? { ...i, LifecycleState: 'Pending', HealthStatus: 'Unhealthy' } : i)),
        })),
      }),
    });
    injectFault<DescribeTargetHealthCommandOutput>(clients.elbv2, {
      command: 'DescribeTargetHealth',
      rewrite: (output) => ({ ...output, TargetHealthDescriptions: output.TargetHealthDescriptions?.filter((d) => d.Target?.Id !== unregistered) }),
    });
    const result = await checkUp(clients, 'app-prod-v000');
    expect(result.up).toBe(false);
    expect(result.unhealthy).toHaveLength(2);
    expect(result.unhealthy).toEqual(
      expect.arrayContaining([
        { instanceId: slow, reason: 'lifecycle state Pending; Auto Scaling health Unhealthy' },
        { instanceId: unregistered, reason: 'target group app-web not-registered (Target.NotRegistered)' },
      ]),
    );
  });

  it('a disabled group is judged by Auto Scaling health alone', async () => {
    await disableServerGroup(clients, 'app-prod-v000');
    expect(await checkUp(clients, 'app-prod-v000')).toMatchObject({ up: true, upCount: 2 });
  });

  it('refuses a nonsense expected capacity and a missing group', async () => {
    await expect(checkUp(clients, 'app-prod-v000', -1)).rejects.toThrow('expected capacity for server group app-prod-v000');
    await expect(checkUp(clients, 'app-prod-v042')).rejects.toThrow('server group app-prod-v042 not found');
  });
});

describe('throttling', () => {
  it('is retried by the SDK: the call succeeds after two Throttling answers', async () => {
    const fault = injectFault(clients.autoScaling, { command: 'DescribeAutoScalingGroups', error: throttlingError, times: 2 });
    expect(await checkUp(clients, 'app-prod-v000')).toMatchObject({ up: true });
    expect(fault).toMatchObject({ calls: 3, triggered: 2 });
  });

  it('while creating: still exactly one group', async () => {
    const fault = injectFault(clients.autoScaling, { command: 'CreateAutoScalingGroup', error: throttlingError, times: 2 });
    const result = await createServerGroup(clients, deploySpec(network, { metadata: { executionId: 'exec-2' } }));
    expect(result).toMatchObject({ serverGroup: 'app-prod-v001', created: true });
    expect(fault.calls).toBe(3);
    expect((await inventory(clients)).groups).toEqual(['app-prod-v000', 'app-prod-v001']);
  });

  it('that outlasts the retries is a retryable TransientCloudError naming the resource', async () => {
    const previous = process.env.GENNAKER_AWS_MAX_ATTEMPTS;
    process.env.GENNAKER_AWS_MAX_ATTEMPTS = '2';
    resetClientCache();
    try {
      const impatient = cloudClients({ region: 'us-east-1' });
      const fault = injectFault(impatient.autoScaling, { command: 'AttachLoadBalancerTargetGroups', error: throttlingError, times: Infinity });
      await disableServerGroup(impatient, 'app-prod-v000');
      const error = await enableServerGroup(impatient, 'app-prod-v000').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransientCloudError);
      expect(error).toMatchObject({ retryable: true, code: 'Throttling' });
      expect((error as Error).message).toMatch(/attach target groups .*app-web.* to server group app-prod-v000: AWS is throttling/);
      expect(fault.calls).toBe(2);
    } finally {
      if (previous === undefined) delete process.env.GENNAKER_AWS_MAX_ATTEMPTS;
      else process.env.GENNAKER_AWS_MAX_ATTEMPTS = previous;
      resetClientCache();
    }
    // A later run converges.
    expect(await enableServerGroup(clients, 'app-prod-v000')).toMatchObject({ enabled: true, changed: true });
  });
});

describe('API calls', () => {
  it('per deploy (create, check up, disable the previous group)', async () => {
    const counter = countCalls(clients.ec2, clients.autoScaling, clients.elbv2);
    await createServerGroup(clients, deploySpec(network, { imageId: network.otherImageId, metadata: { executionId: 'exec-2' } }));
    await checkUp(clients, 'app-prod-v001');
    await disableServerGroup(clients, 'app-prod-v000');
    expect(counter.counts()).toEqual({
      DescribeImages: 1,
      DescribeSubnets: 1,
      DescribeSecurityGroups: 1,
      DescribeTargetGroups: 1,
      DescribeKeyPairs: 1,
      DescribeAutoScalingGroups: 4,
      DescribeLaunchTemplates: 1,
      CreateLaunchTemplate: 1,
      CreateAutoScalingGroup: 1,
      DescribeTargetHealth: 1,
      SuspendProcesses: 1,
      DetachLoadBalancerTargetGroups: 1,
      CreateOrUpdateTags: 1,
    });
    counter.remove();
  });
});
