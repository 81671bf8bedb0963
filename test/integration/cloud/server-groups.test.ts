/** The driver's life cycle of a server group against moto: create, describe, enable/disable, resize, clone, destroy. */
import { PutScalingPolicyCommand, DescribePoliciesCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeLaunchTemplateVersionsCommand } from '@aws-sdk/client-ec2';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import type { CloudClients } from '../../../functions/core/cloud/clients.js';
import {
  cloneServerGroup,
  cloudDriver,
  createServerGroup,
  describeServerGroup,
  destroyServerGroup,
  disableServerGroup,
  enableServerGroup,
  InvalidCapacityError,
  ResourceNotFoundError,
  resizeServerGroup,
} from '../../../functions/core/cloud/index.js';
import { type Network, deploySpec, inventory, useCloudNetwork } from '../../support/cloud/fixtures.js';

let clients: CloudClients;
let network: Network;
useCloudNetwork((c, n) => {
  clients = c;
  network = n;
});

async function targets(arn: string): Promise<string[]> {
  const health = await clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
  return (health.TargetHealthDescriptions ?? []).map((d) => d.Target!.Id!).sort();
}

describe('createServerGroup', () => {
  it('creates a launch template version and an Auto Scaling group with everything recorded', async () => {
    const result = await createServerGroup(clients, deploySpec(network));
    expect(result).toEqual({
      serverGroup: 'app-prod-v000',
      cluster: 'app-prod',
      sequence: 0,
      region: 'us-east-1',
      imageId: network.imageId,
      launchTemplate: { id: expect.stringMatching(/^lt-/), name: 'app-prod-v000', version: 1 },
      created: true,
    });

    const version = await clients.ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: result.launchTemplate.id, Versions: ['1'] }));
    expect(version.LaunchTemplateVersions?.[0]?.LaunchTemplateData).toMatchObject({
      ImageId: network.imageId,
      InstanceType: 't3.micro',
      UserData: Buffer.from('#!/bin/sh\necho hello\n').toString('base64'),
      SecurityGroupIds: [network.securityGroupId],
      KeyName: 'deploy',
      IamInstanceProfile: { Name: 'app-instance' },
    });

    const view = await describeServerGroup(clients, 'app-prod-v000');
    expect(view).toMatchObject({
      name: 'app-prod-v000',
      cluster: 'app-prod',
      app: 'app',
      stack: 'prod',
      sequence: 0,
      capacity: { min: 1, max: 3, desired: 2 },
      enabled: true,
      imageId: network.imageId,
      instanceType: 't3.micro',
      subnetIds: [...network.subnetIds],
      targetGroupArns: [network.targetGroupArn],
      recordedTargetGroupArns: [network.targetGroupArn],
      healthCheckType: 'ELB',
      healthCheckGracePeriod: 60,
      launchTemplate: { id: result.launchTemplate.id, name: 'app-prod-v000', version: '1' },
    });
    expect(view?.tags).toMatchObject({
      'gennaker:application': 'app',
      'gennaker:cluster': 'app-prod',
      'gennaker:stack': 'prod',
      'gennaker:execution-id': 'exec-1',
      'gennaker:deploy-key': 'exec-1',
      'gennaker:image-id': network.imageId,
      'gennaker:version': '1.0.0',
      'gennaker:build': '17',
      'gennaker:commit': 'abc123',
      'gennaker:enabled': 'true',
    });
    expect(view?.instances).toHaveLength(2);
    for (const instance of view?.instances ?? []) {
      expect(instance).toMatchObject({
        lifecycleState: 'InService',
        healthStatus: 'Healthy',
        targetHealth: [{ targetGroupArn: network.targetGroupArn, state: 'healthy' }],
      });
    }
  });

  it('resolves subnets by subnetType and records the group it replaces', async () => {
    await createServerGroup(clients, deploySpec(network));
    const second = await createServerGroup(
      clients,
      deploySpec(network, { subnetIds: undefined, subnetType: 'internal', imageId: network.otherImageId, metadata: { executionId: 'exec-2' } }),
    );
    expect(second.serverGroup).toBe('app-prod-v001');
    const view = await describeServerGroup(clients, 'app-prod-v001');
    expect([...(view?.subnetIds ?? [])].sort()).toEqual([...network.subnetIds].sort());
    expect(view?.tags['gennaker:replaces']).toBe('app-prod-v000');
  });

  it('can start disabled: out of its target groups, AddToLoadBalancer suspended', async () => {
    await createServerGroup(clients, deploySpec(network, { enabled: false, suspendedProcesses: ['AZRebalance'] }));
    const view = await describeServerGroup(clients, 'app-prod-v000');
    expect(view).toMatchObject({ enabled: false, targetGroupArns: [], recordedTargetGroupArns: [network.targetGroupArn] });
    expect([...(view?.suspendedProcesses ?? [])].sort()).toEqual(['AZRebalance', 'AddToLoadBalancer']);
    expect(await targets(network.targetGroupArn)).toEqual([]);
  });

  it('creates into availability zones when no subnets are given', async () => {
    await createServerGroup(
      clients,
      deploySpec(network, { subnetIds: undefined, availabilityZones: ['us-east-1a'], securityGroups: undefined, targetGroups: [] }),
    );
    const view = await describeServerGroup(clients, 'app-prod-v000');
    expect(view).toMatchObject({ availabilityZones: ['us-east-1a'], subnetIds: [], healthCheckType: 'EC2', enabled: true });
  });
});

describe('enable / disable', () => {
  it('disable takes the group out of its target groups and suspends its processes; enable puts it back', async () => {
    await createServerGroup(clients, deploySpec(network, { targetGroups: ['app-web', network.otherTargetGroupArn] }));
    const instances = (await describeServerGroup(clients, 'app-prod-v000'))!.instances.map((i) => i.instanceId).sort();
    expect(await targets(network.otherTargetGroupArn)).toEqual(instances);

    expect(await disableServerGroup(clients, 'app-prod-v000')).toEqual({
      serverGroup: 'app-prod-v000',
      enabled: false,
      changed: true,
      targetGroupArns: [],
    });
    const disabled = await describeServerGroup(clients, 'app-prod-v000');
    expect(disabled).toMatchObject({
      enabled: false,
      disabledReason: 'AddToLoadBalancer is suspended',
      targetGroupArns: [],
      recordedTargetGroupArns: [network.targetGroupArn, network.otherTargetGroupArn],
    });
    expect([...(disabled?.suspendedProcesses ?? [])].sort()).toEqual(['AddToLoadBalancer', 'Launch', 'Terminate']);
    expect(disabled?.tags['gennaker:enabled']).toBe('false');
    expect(await targets(network.targetGroupArn)).toEqual([]);

    expect(await enableServerGroup(clients, 'app-prod-v000')).toMatchObject({ enabled: true, changed: true });
    const enabled = await describeServerGroup(clients, 'app-prod-v000');
    expect(enabled).toMatchObject({ enabled: true, suspendedProcesses: [], targetGroupArns: [network.targetGroupArn, network.otherTargetGroupArn] });
    expect(enabled?.tags['gennaker:enabled']).toBe('true');
    expect(await targets(network.targetGroupArn)).toEqual(instances);
  });

  it('a missing group is a clear error', async () => {
    await expect(enableServerGroup(clients, 'app-prod-v123')).rejects.toThrow(ResourceNotFoundError);
    await expect(disableServerGroup(clients, 'app-prod-v123')).rejects.toThrow('server group app-prod-v123 not found in us-east-1');
  });
});

describe('resizeServerGroup', () => {
  it('changes any of min / max / desired and checks min ≤ desired ≤ max', async () => {
    await createServerGroup(clients, deploySpec(network));
    expect(await resizeServerGroup(clients, 'app-prod-v000', { max: 5, desired: 4 })).toEqual({
      serverGroup: 'app-prod-v000',
      capacity: { min: 1, max: 5, desired: 4 },
      changed: true,
    });
    const view = await describeServerGroup(clients, 'app-prod-v000');
    expect(view?.capacity).toEqual({ min: 1, max: 5, desired: 4 });
    expect(view?.instances).toHaveLength(4);

    await expect(resizeServerGroup(clients, 'app-prod-v000', { desired: 6 })).rejects.toThrow(InvalidCapacityError);
    await expect(resizeServerGroup(clients, 'app-prod-v000', { min: 5, max: 2 })).rejects.toThrow(
      /server group app-prod-v000.*min \(5\) is greater than max \(2\)/,
    );
    expect((await describeServerGroup(clients, 'app-prod-v000'))?.capacity).toEqual({ min: 1, max: 5, desired: 4 });
  });
});

describe('cloneServerGroup', () => {
  it('copies capacity, launch template data, target groups and scaling policies, with overrides', async () => {
    await createServerGroup(clients, deploySpec(network, { tags: { team: 'payments' } }));
    await clients.autoScaling.send(
      new PutScalingPolicyCommand({
        AutoScalingGroupName: 'app-prod-v000',
        PolicyName: 'app-prod-v000-cpu',
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: 50 },
      }),
    );
    await disableServerGroup(clients, 'app-prod-v000');

    const clone = await cloneServerGroup(clients, {
      source: 'app-prod-v000',
      imageId: network.otherImageId,
      capacity: { desired: 1 },
      metadata: { executionId: 'exec-2', version: '2.0.0' },
    });
    expect(clone).toMatchObject({
      serverGroup: 'app-prod-v001',
      source: 'app-prod-v000',
      imageId: network.otherImageId,
      created: true,
      scalingPolicies: ['app-prod-v001-cpu'],
    });

    const view = await describeServerGroup(clients, 'app-prod-v001');
    expect(view).toMatchObject({
      capacity: { min: 1, max: 3, desired: 1 },
      enabled: true,
      targetGroupArns: [network.targetGroupArn],
      subnetIds: [...network.subnetIds],
      healthCheckType: 'ELB',
      healthCheckGracePeriod: 60,
      imageId: network.otherImageId,
    });
    expect(view?.tags).toMatchObject({ team: 'payments', 'gennaker:replaces': 'app-prod-v000', 'gennaker:version': '2.0.0' });
    const data = (await clients.ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: clone.launchTemplate.id, Versions: ['1'] })))
      .LaunchTemplateVersions?.[0]?.LaunchTemplateData;
    expect(data).toMatchObject({
      ImageId: network.otherImageId,
      InstanceType: 't3.micro',
      KeyName: 'deploy',
      SecurityGroupIds: [network.securityGroupId],
      IamInstanceProfile: { Name: 'app-instance' },
      UserData: Buffer.from('#!/bin/sh\necho hello\n').toString('base64'),
    });
    const policies = await clients.autoScaling.send(new DescribePoliciesCommand({ AutoScalingGroupName: 'app-prod-v001' }));
    expect(policies.ScalingPolicies?.map((p) => p.PolicyName)).toEqual(['app-prod-v001-cpu']);
  });

  it('a missing source is a clear error', async () => {
    await expect(cloneServerGroup(clients, { source: 'app-prod-v009' })).rejects.toThrow('server group app-prod-v009 not found');
  });
});

describe('describeCluster', () => {
  it("lists the cluster's server groups oldest first, and only them", async () => {
    const driver = cloudDriver(clients);
    await driver.createServerGroup(deploySpec(network));
    await driver.createServerGroup(deploySpec(network, { imageId: network.otherImageId, metadata: { executionId: 'exec-2' } }));
    await driver.createServerGroup(deploySpec(network, { stack: 'staging', metadata: { executionId: 'exec-3' } }));
    await driver.createServerGroup(deploySpec(network, { detail: 'canary', metadata: { executionId: 'exec-4' } }));
    await driver.disableServerGroup('app-prod-v000');

    const cluster = await driver.describeCluster({ app: 'app', stack: 'prod' });
    expect(cluster).toMatchObject({ cluster: 'app-prod', app: 'app', stack: 'prod', region: 'us-east-1' });
    expect(cluster.serverGroups.map((g) => [g.name, g.sequence, g.imageId, g.enabled])).toEqual([
      ['app-prod-v000', 0, network.imageId, false],
      ['app-prod-v001', 1, network.otherImageId, true],
    ]);
    expect((await driver.describeCluster('app-prod-canary')).serverGroups.map((g) => g.name)).toEqual(['app-prod-canary-v000']);
    expect((await driver.describeCluster('nothing')).serverGroups).toEqual([]);
  });
});

describe('destroyServerGroup', () => {
  it('deletes the group and its launch template', async () => {
    await createServerGroup(clients, deploySpec(network));
    expect(await destroyServerGroup(clients, 'app-prod-v000')).toEqual({
      serverGroup: 'app-prod-v000',
      deleted: true,
      launchTemplateDeleted: true,
    });
    expect(await inventory(clients)).toEqual({ groups: [], launchTemplates: [], versions: {} });
    expect(await describeServerGroup(clients, 'app-prod-v000')).toBeUndefined();
  });
});
