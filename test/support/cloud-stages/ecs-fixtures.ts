/** ECS test setup: an ECS cluster in the driver tests' network, an IP target group, and Deck ECS cluster entries. */
import {
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  DescribeScheduledActionsCommand,
  PutScalingPolicyCommand,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { CreateClusterCommand, DescribeServicesCommand, ListServicesCommand, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { CreateTargetGroupCommand, DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { StateValue } from '@aws-sdk/client-cloudwatch';
import type { CloudClients } from '../../../functions/core/cloud/index.js';
import { putAlarm } from '../../../local/alarms.js';
import type { Network } from './fixtures.js';
import { runStages } from './harness.js';
import { createListener } from './traffic-fixtures.js';

export const ECS_CLUSTER = 'apps';

export async function createEcsCluster(clients: CloudClients, network: Network): Promise<{ targetGroupArn: string }> {
  await clients.ecs.send(new CreateClusterCommand({ clusterName: ECS_CLUSTER }));
  const tg = await clients.elbv2.send(new CreateTargetGroupCommand({ Name: 'app-ecs', Protocol: 'HTTP', Port: 8080, VpcId: network.vpcId, TargetType: 'ip' }));
  return { targetGroupArn: tg.TargetGroups![0]!.TargetGroupArn! };
}

/** The ECS cluster's target group (made by createEcsCluster). */
async function ecsTargetGroupArn(clients: CloudClients): Promise<string> {
  return (await clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['app-ecs'] }))).TargetGroups![0]!.TargetGroupArn!;
}

/** Deck's imageDescription of the app's image at `tag` in the account's ECR. */
export const appImage = (tag: string) => ({ registry: '123456789012.dkr.ecr.us-east-1.amazonaws.com', repository: 'app', tag, fromTrigger: false });

/** A Deck ECS deploy cluster entry (as Deck's ECS deploy stage exports it) for app-prod. */
function ecsEntry(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    account: 'default',
    application: 'app',
    stack: 'prod',
    cloudProvider: 'ecs',
    provider: 'ecs',
    availabilityZones: { 'us-east-1': ['us-east-1a', 'us-east-1b'] },
    ecsClusterName: ECS_CLUSTER,
    launchType: 'FARGATE',
    networkMode: 'awsvpc',
    subnetType: 'internal',
    securityGroupNames: ['web'],
    associatePublicIpAddress: false,
    capacity: { min: 1, max: 4, desired: 2 },
    computeUnits: 256,
    reservedMemory: 512,
    containerPort: 8080,
    targetGroup: 'app-ecs',
    loadBalancedContainer: 'web',
    imageDescription: appImage('1.0.0'),
    environmentVariables: { PORT: '8080' },
    dockerLabels: { team: 'payments' },
    logDriver: 'awslogs',
    logOptions: { 'awslogs-group': 'app' },
    healthCheckGracePeriodSeconds: 30,
    iamRole: 'None (No IAM role)',
    dockerImageCredentialsSecret: 'None (No registry credentials)',
    copySourceScalingPoliciesAndActions: false,
    serviceDiscoveryAssociations: [],
    useTaskDefinitionArtifact: false,
    strategy: 'redblack',
    ...extra,
  };
}

export function ecsDeployStage(extra: Record<string, unknown> = {}, stage: Record<string, unknown> = {}): Record<string, unknown> {
  return { refId: '1', name: 'Deploy', type: 'deploy', clusters: [ecsEntry(extra)], ...stage };
}

export interface EcsSeed {
  /** Services deployed before (red/black, image 0.N.0, execution seed-N; v000 the oldest). @default 1 */
  readonly services?: number;
  /** More fields of every seed deploy's cluster entry (e.g. capacity). */
  readonly deploy?: Record<string, unknown>;
  /** The rollback alarm app-5xx (a 5xx count), set to this state. @default none */
  readonly alarm?: StateValue;
  /** An ALB listener whose default action and `/app/*` rule forward to the cluster's target group (what progressive steps reweigh). */
  readonly listener?: boolean;
}

/**
 * What an ECS deploy starts from, on the cluster createEcsCluster made: the services already
 * deployed, and the alarm and listener its gates and traffic steps read. The crash scenarios, the
 * ECS deploy tests and the ECS benchmark all build their world with it.
 */
export async function seedEcs(clients: CloudClients, network: Network, seed: EcsSeed = {}): Promise<void> {
  for (let i = 0; i < (seed.services ?? 1); i += 1) {
    await runStages(
      { stages: [ecsDeployStage({ strategy: 'redblack', imageDescription: appImage(`0.${i}.0`), ...seed.deploy })] },
      { executionId: `seed-${i}` },
    );
  }
  if (seed.alarm) await putAlarm(clients.cloudwatch, 'app-5xx', { state: seed.alarm, reason: '5xx' });
  if (seed.listener) await createListener(clients, network, await ecsTargetGroupArn(clients));
}

/** Services of the ECS cluster as "desired/running [disabled]" (INACTIVE ones left out), and live task definition revisions per family. */
export async function ecsWorld(clients: CloudClients): Promise<{ services: Record<string, string>; taskDefinitions: Record<string, number> }> {
  const arns = (await clients.ecs.send(new ListServicesCommand({ cluster: ECS_CLUSTER }))).serviceArns ?? [];
  const services: Record<string, string> = {};
  if (arns.length > 0) {
    const described = await clients.ecs.send(new DescribeServicesCommand({ cluster: ECS_CLUSTER, services: arns, include: ['TAGS'] }));
    for (const s of described.services ?? []) {
      if (s.status === 'INACTIVE') continue;
      const disabled = s.tags?.some((t) => t.key === 'gennaker:enabled-desired');
      services[s.serviceName!] = `${disabled ? 'disabled' : 'enabled'} ${s.desiredCount}/${s.runningCount}`;
    }
  }
  const defs = (await clients.ecs.send(new ListTaskDefinitionsCommand({ status: 'ACTIVE' }))).taskDefinitionArns ?? [];
  const taskDefinitions: Record<string, number> = {};
  for (const arn of defs) {
    const family = arn.split('/').pop()!.split(':')[0]!;
    taskDefinitions[family] = (taskDefinitions[family] ?? 0) + 1;
  }
  return { services, taskDefinitions };
}

const ECS_SCALING = { ServiceNamespace: 'ecs', ScalableDimension: 'ecs:service:DesiredCount' } as const;

/** Application Auto Scaling on a service as a user sets it up: a scalable target, a target tracking policy and a scheduled action. */
export async function seedScaling(clients: CloudClients, service: string): Promise<void> {
  const target = { ...ECS_SCALING, ResourceId: `service/${ECS_CLUSTER}/${service}` };
  await clients.applicationAutoScaling.send(new RegisterScalableTargetCommand({ ...target, MinCapacity: 1, MaxCapacity: 4 }));
  await clients.applicationAutoScaling.send(
    new PutScalingPolicyCommand({
      ...target,
      PolicyName: `${service}-cpu`,
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 50,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        ScaleInCooldown: 60,
        ScaleOutCooldown: 30,
      },
    }),
  );
  await clients.applicationAutoScaling.send(
    new PutScheduledActionCommand({
      ...target,
      ScheduledActionName: 'nightly',
      Schedule: 'cron(0 2 * * ? *)',
      ScalableTargetAction: { MinCapacity: 0, MaxCapacity: 2 },
    }),
  );
}

/** Every ECS scalable target with its policies and scheduled actions: "min/max", policy name → type and configuration, action name → schedule and sizes. */
export async function scalingWorld(
  clients: CloudClients,
): Promise<Record<string, { capacity: string; policies: Record<string, string>; actions: Record<string, string> }>> {
  const targets = (await clients.applicationAutoScaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs' }))).ScalableTargets ?? [];
  const policies = (await clients.applicationAutoScaling.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs' }))).ScalingPolicies ?? [];
  const actions = (await clients.applicationAutoScaling.send(new DescribeScheduledActionsCommand({ ServiceNamespace: 'ecs' }))).ScheduledActions ?? [];
  const out: Record<string, { capacity: string; policies: Record<string, string>; actions: Record<string, string> }> = {};
  for (const t of targets) out[t.ResourceId!] = { capacity: `${t.MinCapacity}/${t.MaxCapacity}`, policies: {}, actions: {} };
  const entry = (id: string) => (out[id] ??= { capacity: 'no target', policies: {}, actions: {} });
  for (const p of policies) {
    entry(p.ResourceId!).policies[p.PolicyName!] =
      `${p.PolicyType} ${JSON.stringify(p.TargetTrackingScalingPolicyConfiguration ?? p.StepScalingPolicyConfiguration)}`;
  }
  for (const a of actions) {
    entry(a.ResourceId!).actions[a.ScheduledActionName!] = `${a.Schedule} ${JSON.stringify(a.ScalableTargetAction)}`;
  }
  return out;
}
