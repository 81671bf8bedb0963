/** The ECS service a deploy unit creates: Deck's ECS fields (ecs-config.ts) and the images prepare chose. Pure. */
import type { CreateServiceSpec } from '../../../core/ecs/services.js';
import type { DeployUnitContext, DeployUnitState } from './state.js';
import { canaryFor } from './progressive.js';

export function ecsCreateSpec(u: DeployUnitContext, state: DeployUnitState, atZero: boolean): CreateServiceSpec {
  const { cluster, ctx } = u;
  const ecs = cluster.ecs!;
  const images = state.containerImages ?? {};
  const previous = state.ancestors?.find((a) => a.name === state.source);
  const containers = Object.entries(images).map(([name, image]) => ({
    name,
    image,
    // Port, environment, labels and logs are Deck's settings of the load-balanced (main) container.
    ...(name === ecs.containerName
      ? {
          ...(ecs.containerPort !== undefined ? { port: ecs.containerPort } : {}),
          environment: ecs.environmentVariables,
          dockerLabels: ecs.dockerLabels,
          ...(ecs.logDriver ? { logDriver: ecs.logDriver, logOptions: ecs.logOptions } : {}),
        }
      : {}),
  }));
  return {
    application: cluster.application,
    ...(cluster.stack ? { stack: cluster.stack } : {}),
    ...(cluster.detail ? { detail: cluster.detail } : {}),
    capacity: atZero ? { min: 0, max: 0, desired: 0 } : state.capacity!,
    image: state.imageId!,
    taskDefinition: {
      containers,
      ...(ecs.computeUnits !== undefined ? { cpu: ecs.computeUnits } : {}),
      ...(ecs.reservedMemory !== undefined ? { memory: ecs.reservedMemory } : {}),
      networkMode: ecs.networkMode,
      fargate: ecs.launchType === 'FARGATE',
      ...(ecs.taskRoleArn ? { taskRoleArn: ecs.taskRoleArn } : {}),
      ...(ecs.executionRoleArn ? { executionRoleArn: ecs.executionRoleArn } : {}),
      ...(state.taskDefinitionBase ? { base: state.taskDefinitionBase } : {}),
    },
    ...(ecs.launchType ? { launchType: ecs.launchType } : {}),
    ...(ecs.capacityProviderStrategy ? { capacityProviderStrategy: ecs.capacityProviderStrategy } : {}),
    ...(ecs.subnetIds ? { subnetIds: ecs.subnetIds } : {}),
    ...(ecs.subnetType ? { subnetType: ecs.subnetType } : {}),
    ...(ecs.securityGroups ? { securityGroups: ecs.securityGroups } : {}),
    assignPublicIp: ecs.associatePublicIpAddress,
    // Progressive: the new service starts in its canary target groups only.
    loadBalancers: ecs.targetGroups.map((l) => ({ ...l, targetGroup: canaryFor(l.targetGroup, state.traffic?.canaries) ?? l.targetGroup })),
    ...(ecs.healthCheckGracePeriodSeconds !== undefined ? { healthCheckGracePeriodSeconds: ecs.healthCheckGracePeriodSeconds } : {}),
    placementStrategy: ecs.placementStrategy,
    placementConstraints: ecs.placementConstraints,
    enabled: true,
    ...(ecs.copySourceScalingPoliciesAndActions && state.source ? { copyScalingFrom: state.source } : {}),
    ...(cluster.launch.tags ? { tags: cluster.launch.tags } : {}),
    metadata: {
      executionId: ctx.executionId,
      deployKey: u.deployKey,
      ...(state.version ? { version: state.version } : {}),
      ...(previous?.imageId && previous.imageId !== state.imageId ? { previousImageId: previous.imageId } : {}),
    },
  };
}
