/**
 * A small network in the emulator for driver tests: a VPC with two subnets (tagged
 * gennaker:subnet-type=internal), a security group, a key pair, two target groups and an AMI,
 * all made with the real SDK.
 */
import {
  CreateKeyPairCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
} from '@aws-sdk/client-ec2';
import { CreateTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { afterEach, beforeAll, beforeEach } from 'vitest';
import { resetClientCache } from '../../../functions/core/aws-clients.js';
import { cloudClients, type CloudClients } from '../../../functions/core/cloud/clients.js';
import type { CreateServerGroupSpec } from '../../../functions/core/cloud/server-groups.js';
import { removeAllFaults } from '../faults.js';
import { useMoto } from '../moto.js';

export interface Network {
  readonly vpcId: string;
  readonly subnetIds: readonly [string, string];
  readonly securityGroupId: string;
  readonly keyPair: string;
  readonly targetGroupArn: string;
  readonly otherTargetGroupArn: string;
  readonly imageId: string;
  readonly otherImageId: string;
}

export function freshClients(): CloudClients {
  resetClientCache();
  return cloudClients({ region: 'us-east-1' });
}

export async function createNetwork(clients: CloudClients): Promise<Network> {
  const vpc = await clients.ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  const vpcId = vpc.Vpc!.VpcId!;
  const subnet = async (cidr: string, az: string) =>
    (await clients.ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: az }))).Subnet!.SubnetId!;
  const subnetIds = [await subnet('10.0.1.0/24', 'us-east-1a'), await subnet('10.0.2.0/24', 'us-east-1b')] as const;
  await clients.ec2.send(new CreateTagsCommand({ Resources: [...subnetIds], Tags: [{ Key: 'gennaker:subnet-type', Value: 'internal' }] }));
  const sg = await clients.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web', VpcId: vpcId }));
  await clients.ec2.send(new CreateKeyPairCommand({ KeyName: 'deploy' }));
  const targetGroup = async (name: string) =>
    (await clients.elbv2.send(new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: 80, VpcId: vpcId, TargetType: 'instance' }))).TargetGroups![0]!
      .TargetGroupArn!;
  const [imageId, otherImageId] = await defaultImages(clients);
  return {
    vpcId,
    subnetIds,
    securityGroupId: sg.GroupId!,
    keyPair: 'deploy',
    targetGroupArn: await targetGroup('app-web'),
    otherTargetGroupArn: await targetGroup('app-api'),
    imageId,
    otherImageId,
  };
}

// moto's built-in AMIs survive resets; filtering its ~1200 images takes ~0.6 s, so look them up once.
let images: Promise<[string, string]> | undefined;
function defaultImages(clients: CloudClients): Promise<[string, string]> {
  images ??= clients.ec2
    .send(new DescribeImagesCommand({ Filters: [{ Name: 'name', Values: ['amzn2-ami-*'] }] }))
    .then((r) => [r.Images![0]!.ImageId!, r.Images![1]!.ImageId!]);
  return images;
}

/** A typical deploy into the network. */
export function deploySpec(network: Network, overrides: Partial<CreateServerGroupSpec> = {}): CreateServerGroupSpec {
  return {
    application: 'app',
    stack: 'prod',
    imageId: network.imageId,
    instanceType: 't3.micro',
    userData: Buffer.from('#!/bin/sh\necho hello\n').toString('base64'),
    securityGroups: ['web'],
    keyPair: network.keyPair,
    iamInstanceProfile: 'app-instance',
    capacity: { min: 1, max: 3, desired: 2 },
    subnetIds: network.subnetIds,
    targetGroups: ['app-web'],
    healthCheckGracePeriod: 60,
    metadata: { executionId: 'exec-1', version: '1.0.0', build: '17', commit: 'abc123' },
    ...overrides,
  };
}

/** What exists in the emulator, to check that exactly one of each was made (or none was left). */
export async function inventory(clients: CloudClients) {
  const groups = (await clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups ?? [];
  const templates = (await clients.ec2.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates ?? [];
  const versions: Record<string, number> = {};
  for (const t of templates) {
    const v = await clients.ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: t.LaunchTemplateId }));
    versions[t.LaunchTemplateName!] = v.LaunchTemplateVersions?.length ?? 0;
  }
  return {
    groups: groups.map((g) => g.AutoScalingGroupName!).sort(),
    launchTemplates: templates.map((t) => t.LaunchTemplateName!).sort(),
    versions,
  };
}

/**
 * What every driver test starts from: the emulator, clients made once per file, a new network
 * before each test (then `setUp`, e.g. a first server group) and no faults left after it.
 * `setUp` also receives the clients and network for the file's own variables.
 */
export function useCloudNetwork(setUp: (clients: CloudClients, network: Network) => void | Promise<void>): void {
  useMoto();
  let clients: CloudClients;
  beforeAll(() => {
    clients = freshClients();
  });
  beforeEach(async () => {
    await setUp(clients, await createNetwork(clients));
  });
  afterEach(() => {
    removeAllFaults();
  });
}
