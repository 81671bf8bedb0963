/**
 * A production cluster in the emulator for canary tests: a VPC with a subnet, a security group, a
 * target group, two AMIs (production's and the canary's) and one production server group made with
 * the cloud driver; plus metrics published per server group with PutMetricData.
 */
import { PutMetricDataCommand, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, DescribeImagesCommand } from '@aws-sdk/client-ec2';
import { CreateTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { awsClients } from '../../../functions/core/aws-clients.js';
import { cloudClients, createServerGroup, type CloudClients } from '../../../functions/core/cloud/index.js';

export interface Production {
  readonly clients: CloudClients;
  readonly serverGroup: string;
  readonly productionImage: string;
  readonly canaryImage: string;
  readonly targetGroupArn: string;
}

let images: Promise<[string, string]> | undefined;

export async function createProduction(): Promise<Production> {
  const clients = cloudClients({ region: 'us-east-1' });
  const vpcId = (await clients.ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  const subnetId = (await clients.ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!
    .SubnetId!;
  await clients.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web', VpcId: vpcId }));
  const targetGroupArn = (
    await clients.elbv2.send(new CreateTargetGroupCommand({ Name: 'shop-web', Protocol: 'HTTP', Port: 80, VpcId: vpcId, TargetType: 'instance' }))
  ).TargetGroups![0]!.TargetGroupArn!;
  // moto's built-in AMIs survive resets: look them up once.
  images ??= clients.ec2
    .send(new DescribeImagesCommand({ Filters: [{ Name: 'name', Values: ['amzn2-ami-*'] }] }))
    .then((r) => [r.Images![0]!.ImageId!, r.Images![1]!.ImageId!]);
  const [productionImage, canaryImage] = await images;
  const created = await createServerGroup(clients, {
    application: 'shop',
    stack: 'prod',
    imageId: productionImage,
    instanceType: 't3.micro',
    securityGroups: ['web'],
    capacity: { min: 2, max: 4, desired: 2 },
    subnetIds: [subnetId],
    targetGroups: ['shop-web'],
    metadata: { executionId: 'earlier-deploy' },
  });
  return { clients, serverGroup: created.serverGroup, productionImage, canaryImage, targetGroupArn };
}

export async function autoScalingGroups(clients: CloudClients): Promise<string[]> {
  const out = await clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({}));
  return (out.AutoScalingGroups ?? []).map((g) => g.AutoScalingGroupName!).sort();
}

/** A deterministic noise source in [-1, 1). */
export function noise(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return (state / 2 ** 32) * 2 - 1;
  };
}

/** One value per minute from `start` for `minutes`, as a server group's metric. */
export async function publish(serverGroup: string, metricName: string, start: number, minutes: number, value: (minute: number) => number): Promise<void> {
  const data: MetricDatum[] = Array.from({ length: minutes }, (_, m) => ({
    MetricName: metricName,
    Dimensions: [{ Name: 'AutoScalingGroupName', Value: serverGroup }],
    Timestamp: new Date(start + m * 60_000 + 1_000),
    Value: value(m),
  }));
  const cloudwatch = awsClients.cloudwatchClient({ region: 'us-east-1' });
  for (let i = 0; i < data.length; i += 20) {
    await cloudwatch.send(new PutMetricDataCommand({ Namespace: 'Shop', MetricData: data.slice(i, i + 20) }));
  }
}
