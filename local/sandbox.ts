/**
 * The local sandbox: what a pipeline's cloud stages expect to find in an AWS account, made in the
 * emulator before a local run. Per region it makes (or finds, so running it again changes nothing):
 *
 *   - a VPC `gennaker-local` with two subnets tagged gennaker:subnet-type=<type> (each subnet type
 *     the pipeline's deploys ask for; `internal` when none), and a security group `gennaker-local`
 *   - the target groups the deploys name (targetGroups / loadBalancers)
 *   - the base image bakes start from by default (`gennaker-local-base`)
 *   - for each cluster a deploy will go to and that has no server group yet, a "previous release"
 *     (v000, running the base image; on ECS a service running `nginx`), so the first local run shows
 *     a real red/black swap
 *   - ECS: the ECS cluster (`ecsClusterName`) and IP target groups
 *   - progressive deploys: a load balancer `gennaker-local` whose listener forwards to the
 *     cluster's target group (a rule per target group), and the rollbackAlarms they name (OK)
 *
 * Only ever against an emulator: it refuses to run without AWS_ENDPOINT_URL, so it can never create
 * anything in a real account.
 */
import { GennakerError } from '../state-machines/errors.js';
import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  RegisterImageCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  LoadBalancerNotFoundException,
  TargetGroupNotFoundException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateClusterCommand } from '@aws-sdk/client-ecs';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { putAlarm } from './alarms.js';
import { EcsServices } from '../functions/core/ecs/services.js';
import { cloudClients, createServerGroup, describeCluster, findImages, SUBNET_TYPE_TAG, type CloudClients } from '../functions/core/cloud/index.js';
import type { ExecutionView } from '../functions/core/execution-model.js';
import {
  cloudEnv,
  cloudPreconditions,
  cloudStagesOf,
  describeClusterLines,
  LOCAL_BASE_IMAGE_NAME,
  plannedClusters,
  touchedClusters,
  uniqueRefs,
  type ClusterRef,
  type CloudStageDeps,
  type PlannedCluster,
} from '../functions/stages/cloud/index.js';
import type { Pipeline } from '../state-machines/model/pipeline.js';
import { stageFamily } from '../state-machines/stage-types/index.js';

const SANDBOX_NAME = 'gennaker-local';
const DEFAULT_SUBNET_TYPE = 'internal';
class SandboxError extends GennakerError {
  override readonly name = 'SandboxError';
}

export interface SandboxReport {
  readonly region: string;
  readonly vpcId: string;
  readonly subnetIds: readonly string[];
  readonly targetGroups: readonly string[];
  readonly baseImageId: string;
  /** Server groups made as the previous release of empty clusters. */
  readonly seeded: readonly string[];
}

const nameTag = (name: string) => ({ Key: 'Name', Value: name });

async function ensureVpc(clients: CloudClients): Promise<string> {
  const found = await clients.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:Name', Values: [SANDBOX_NAME] }] }));
  const existing = found.Vpcs?.[0]?.VpcId;
  if (existing) return existing;
  const created = await clients.ec2.send(
    new CreateVpcCommand({ CidrBlock: '10.42.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [nameTag(SANDBOX_NAME)] }] }),
  );
  return created.Vpc!.VpcId!;
}

async function ensureSubnets(clients: CloudClients, vpcId: string, types: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const [t, type] of types.entries()) {
    const found = await clients.ec2.send(
      new DescribeSubnetsCommand({
        Filters: [
          { Name: 'vpc-id', Values: [vpcId] },
          { Name: `tag:${SUBNET_TYPE_TAG}`, Values: [type] },
        ],
      }),
    );
    const existing = (found.Subnets ?? []).map((s) => s.SubnetId!);
    if (existing.length > 0) {
      ids.push(...existing);
      continue;
    }
    for (const [z, zone] of ['a', 'b'].entries()) {
      const created = await clients.ec2.send(
        new CreateSubnetCommand({
          VpcId: vpcId,
          CidrBlock: `10.42.${t * 2 + z}.0/24`,
          AvailabilityZone: `${clients.region}${zone}`,
          TagSpecifications: [{ ResourceType: 'subnet', Tags: [nameTag(`${SANDBOX_NAME}-${type}-${zone}`), { Key: SUBNET_TYPE_TAG, Value: type }] }],
        }),
      );
      const id = created.Subnet!.SubnetId!;
      // Some emulator versions drop TagSpecifications on subnets; tag again to be sure.
      await clients.ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: SUBNET_TYPE_TAG, Value: type }] }));
      ids.push(id);
    }
  }
  return ids;
}

async function ensureSecurityGroup(clients: CloudClients, vpcId: string): Promise<void> {
  const found = await clients.ec2.send(
    new DescribeSecurityGroupsCommand({
      Filters: [
        { Name: 'vpc-id', Values: [vpcId] },
        { Name: 'group-name', Values: [SANDBOX_NAME] },
      ],
    }),
  );
  if ((found.SecurityGroups ?? []).length > 0) return;
  await clients.ec2.send(new CreateSecurityGroupCommand({ GroupName: SANDBOX_NAME, Description: 'Gennaker local sandbox', VpcId: vpcId }));
}

async function ensureTargetGroup(clients: CloudClients, vpcId: string, name: string, targetType: 'instance' | 'ip' = 'instance'): Promise<void> {
  try {
    const found = await clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: [name] }));
    if ((found.TargetGroups ?? []).length > 0) return;
  } catch (error) {
    if (!(error instanceof TargetGroupNotFoundException)) throw error;
  }
  await clients.elbv2.send(
    new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: 80, VpcId: vpcId, TargetType: targetType, HealthCheckPath: '/' }),
  );
}

async function ensureBaseImage(clients: CloudClients): Promise<string> {
  const [existing] = await findImages(clients, { name: LOCAL_BASE_IMAGE_NAME });
  if (existing) return existing.imageId;
  const created = await clients.ec2.send(
    new RegisterImageCommand({
      Name: LOCAL_BASE_IMAGE_NAME,
      Description: 'Gennaker local sandbox: the base image bakes start from',
      Architecture: 'x86_64',
      VirtualizationType: 'hvm',
      RootDeviceName: '/dev/xvda',
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 8, VolumeType: 'gp3' } }],
    }),
  );
  return created.ImageId!;
}

/** The sandbox's ECS image for a previous release. */
const LOCAL_ECS_IMAGE = 'public.ecr.aws/nginx/nginx:stable';

/** v000 of an empty ECS cluster: an nginx service at the deploy's capacity, in its target groups. */
async function seedEcsCluster(clients: CloudClients, cluster: PlannedCluster): Promise<string | undefined> {
  const ecs = cluster.ecs!;
  const services = new EcsServices(clients, ecs.ecsClusterName);
  const view = await services.describeCluster(cluster.cluster);
  if (view.serverGroups.length > 0) return undefined;
  const created = await services.createServerGroup({
    application: cluster.application,
    ...(cluster.stack ? { stack: cluster.stack } : {}),
    ...(cluster.detail ? { detail: cluster.detail } : {}),
    capacity: cluster.capacity ?? { min: 1, max: 1, desired: 1 },
    image: LOCAL_ECS_IMAGE,
    taskDefinition: {
      containers: [{ name: ecs.containerName, image: LOCAL_ECS_IMAGE, port: ecs.containerPort, environment: {}, dockerLabels: {} }],
      cpu: 256,
      memory: 512,
      networkMode: 'awsvpc',
      fargate: true,
    },
    launchType: 'FARGATE',
    subnetType: cluster.subnetType ?? DEFAULT_SUBNET_TYPE,
    securityGroups: ecs.securityGroups ?? [SANDBOX_NAME],
    loadBalancers: cluster.targetGroups.map((targetGroup) => ({ targetGroup, containerName: ecs.containerName, containerPort: ecs.containerPort })),
    metadata: { deployKey: `sandbox:${cluster.cluster}`, version: '0.0.0' },
  });
  return created.serverGroup;
}

/** A listener on the sandbox's load balancer forwarding to each target group a progressive deploy shifts (one rule per target group). */
async function ensureListener(clients: CloudClients, subnetIds: readonly string[], targetGroups: readonly string[]): Promise<void> {
  if (targetGroups.length === 0) return;
  let lbArn: string | undefined;
  try {
    lbArn = (await clients.elbv2.send(new DescribeLoadBalancersCommand({ Names: [SANDBOX_NAME] }))).LoadBalancers?.[0]?.LoadBalancerArn;
  } catch (error) {
    if (!(error instanceof LoadBalancerNotFoundException)) throw error;
  }
  lbArn ??= (await clients.elbv2.send(new CreateLoadBalancerCommand({ Name: SANDBOX_NAME, Subnets: subnetIds.slice(0, 2), Type: 'application' })))
    .LoadBalancers![0]!.LoadBalancerArn!;
  const arns = (await clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: [...targetGroups] }))).TargetGroups!.map((t) => t.TargetGroupArn!);
  let listenerArn = (await clients.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn }))).Listeners?.[0]?.ListenerArn;
  listenerArn ??= (
    await clients.elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: lbArn,
        Protocol: 'HTTP',
        Port: 80,
        DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'no route' } }],
      }),
    )
  ).Listeners![0]!.ListenerArn!;
  const rules = (await clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: listenerArn }))).Rules ?? [];
  const routed = new Set(
    rules.flatMap((r) => (r.Actions ?? []).flatMap((a) => [a.TargetGroupArn, ...(a.ForwardConfig?.TargetGroups ?? []).map((t) => t.TargetGroupArn)])),
  );
  let priority = Math.max(0, ...rules.map((r) => Number(r.Priority) || 0));
  for (const [i, arn] of arns.entries()) {
    if (routed.has(arn)) continue;
    priority += 1;
    await clients.elbv2.send(
      new CreateRuleCommand({
        ListenerArn: listenerArn,
        Priority: priority,
        Conditions: [{ Field: 'path-pattern', Values: [`/${targetGroups[i]}/*`] }],
        Actions: [{ Type: 'forward', TargetGroupArn: arn }],
      }),
    );
  }
}

/** The alarms rollbackAlarms name, made if missing (a 5xx count on the sandbox's load balancer; INSUFFICIENT_DATA passes the gate). */
async function ensureAlarms(clients: CloudClients, names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  const found = await clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [...names] }));
  const existing = new Set((found.MetricAlarms ?? []).map((a) => a.AlarmName));
  for (const name of names.filter((n) => !existing.has(n))) await putAlarm(clients.cloudwatch, name, { threshold: 5 });
}

/** v000 of an empty cluster: the base image, at the deploy's capacity, in its target groups. */
async function seedCluster(clients: CloudClients, cluster: PlannedCluster, imageId: string): Promise<string | undefined> {
  if (cluster.ecs) return seedEcsCluster(clients, cluster);
  const view = await describeCluster(clients, cluster.cluster, { launchTemplates: false, targetHealth: false });
  if (view.serverGroups.length > 0) return undefined;
  const created = await createServerGroup(clients, {
    application: cluster.application,
    ...(cluster.stack ? { stack: cluster.stack } : {}),
    ...(cluster.detail ? { detail: cluster.detail } : {}),
    imageId,
    instanceType: cluster.instanceType ?? 't3.micro',
    capacity: cluster.capacity ?? { min: 1, max: 1, desired: 1 },
    subnetType: cluster.subnetType ?? DEFAULT_SUBNET_TYPE,
    targetGroups: cluster.targetGroups,
    // Version 0.0.0 marks it as the sandbox's, not a release anyone deployed.
    metadata: { deployKey: `sandbox:${cluster.cluster}`, version: '0.0.0' },
  });
  return created.serverGroup;
}

interface SandboxOptions {
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Seed empty clusters with a previous release. @default true */
  readonly seed?: boolean;
}

/** Makes (or finds) the sandbox in every region the clusters are in (and `regions`). */
async function ensureSandbox(clusters: readonly PlannedCluster[], regions: readonly string[], options: SandboxOptions = {}): Promise<SandboxReport[]> {
  const env = options.env ?? process.env;
  if (!env.AWS_ENDPOINT_URL) throw new SandboxError('the local sandbox is only made in an emulator: AWS_ENDPOINT_URL is not set');
  const reports: SandboxReport[] = [];
  for (const region of [...new Set([...regions, ...clusters.map((c) => c.region)])]) {
    const clients = cloudClients({ region });
    const here = clusters.filter((c) => c.region === region);
    const subnetTypes = [...new Set([DEFAULT_SUBNET_TYPE, ...here.flatMap((c) => (c.subnetType ? [c.subnetType] : []))])];
    const targetGroups = [...new Set(here.flatMap((c) => c.targetGroups.filter((t) => !t.startsWith('arn:'))))];
    const ipTargets = new Set(here.flatMap((c) => (c.ecs ? c.targetGroups : [])));
    const vpcId = await ensureVpc(clients);
    const subnetIds = await ensureSubnets(clients, vpcId, subnetTypes);
    await ensureSecurityGroup(clients, vpcId);
    for (const name of targetGroups) await ensureTargetGroup(clients, vpcId, name, ipTargets.has(name) ? 'ip' : 'instance');
    for (const ecsCluster of new Set(here.flatMap((c) => (c.ecs ? [c.ecs.ecsClusterName] : [])))) {
      await clients.ecs.send(new CreateClusterCommand({ clusterName: ecsCluster }));
    }
    const shifted = [...new Set(here.filter((c) => c.progressive).flatMap((c) => c.targetGroups.filter((t) => !t.startsWith('arn:'))))];
    await ensureListener(clients, subnetIds, shifted);
    await ensureAlarms(clients, [...new Set(here.flatMap((c) => c.rollbackAlarms ?? []))]);
    const baseImageId = await ensureBaseImage(clients);
    const seeded: string[] = [];
    if (options.seed !== false) {
      for (const cluster of here) {
        const name = await seedCluster(clients, cluster, baseImageId);
        if (name) seeded.push(name);
      }
    }
    reports.push({ region, vpcId, subnetIds, targetGroups, baseImageId, seeded });
  }
  return reports;
}

/**
 * The cloud family in local mode: its stages and clusterSize precondition on one environment, the
 * sandbox made before the run, and the clusters the run touches printed before and after it
 * (which server groups exist and which serve).
 */
export function localCloud(deps: CloudStageDeps = {}) {
  const env = cloudEnv(deps);
  const planned = (pipeline: Pipeline) => plannedClusters(pipeline.stages, pipeline.application);
  const describe = async (title: string, refs: readonly ClusterRef[]): Promise<string[]> => {
    if (refs.length === 0) return [];
    const lines = [title];
    for (const ref of refs) {
      try {
        lines.push(...(await describeClusterLines(env, ref)).map((l) => `  ${l}`));
      } catch (error) {
        lines.push(`  ${ref.cluster} (${ref.account}, ${ref.region}): cannot describe it: ${(error as Error).message}`);
      }
    }
    return lines;
  };
  return {
    families: [() => cloudStagesOf(env)],
    preconditions: cloudPreconditions(env),
    /** Makes the sandbox when the pipeline has cloud stages; lines to print. */
    async before(pipeline: Pipeline): Promise<string[]> {
      if (!pipeline.stages.some((s) => stageFamily(s.type, s.config) === 'cloud')) return [];
      const clusters = planned(pipeline);
      const regions = [env.defaultRegion(), ...pipeline.stages.flatMap((s) => literalRegions(s.config))];
      const reports = await ensureSandbox(clusters, regions);
      const made = reports.map(
        (r) =>
          `${r.region}: ${r.vpcId}, ${r.subnetIds.length} subnets, target groups ${r.targetGroups.join(', ') || '(none)'}, base image ${r.baseImageId}${r.seeded.length > 0 ? `, seeded ${r.seeded.join(', ')} as the previous release` : ''}`,
      );
      return [`Local sandbox ready (${made.join('; ')})`, ...(await describe('Clusters before the run:', clusters))];
    },
    /** The clusters the run touched (from stage outputs) and the ones it meant to, as they are now. */
    async after(pipeline: Pipeline, execution: ExecutionView): Promise<string[]> {
      return describe('Clusters after the run:', uniqueRefs([...touchedClusters(execution.stages), ...planned(pipeline)]));
    },
  };
}

function literalRegions(config: Readonly<Record<string, unknown>>): string[] {
  const regions = Array.isArray(config.regions) ? config.regions : typeof config.region === 'string' ? [config.region] : [];
  return regions.filter((r): r is string => typeof r === 'string' && !r.includes('${'));
}
