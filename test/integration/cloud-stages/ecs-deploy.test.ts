/**
 * ECS server groups through the deploy stage, against the emulator's ECS: a service <cluster>-vNNN
 * with its own task definition revision from Deck's ECS deploy fields, and the strategies, rollback
 * and alarm gate written once over the provider seam.
 */
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type DescribeServicesCommandOutput,
  type DescribeTasksCommandOutput,
  type ListTasksCommandOutput,
  type Task,
} from '@aws-sdk/client-ecs';
import type { DescribeTargetHealthCommandOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CloudClients } from '../../../functions/core/cloud/index.js';
import { injectFault, removeAllFaults } from '../../support/faults.js';
import { useLocalAws } from '../../support/local.js';
import { ECS_CLUSTER, appImage, createEcsCluster, ecsDeployStage, ecsWorld, seedEcs } from '../../support/cloud-stages/ecs-fixtures.js';
import { createNetwork, type Network } from '../../support/cloud-stages/fixtures.js';
import { freshStageClients, runStages, stageOf } from '../../support/cloud-stages/harness.js';

useLocalAws();
let clients: CloudClients;
let network: Network;
let targetGroupArn: string;

beforeEach(async () => {
  clients = freshStageClients();
  network = await createNetwork(clients);
  ({ targetGroupArn } = await createEcsCluster(clients, network));
});
afterEach(() => removeAllFaults());

describe('ECS deploys', () => {
  it('none: creates app-prod-v000 running its own task definition, from Deck ECS fields', async () => {
    const run = await runStages({ stages: [ecsDeployStage({ strategy: '' })] });
    const stage = stageOf(run, '1');
    expect(stage.status, stage.error).toBe('SUCCEEDED');
    expect(stage.outputs['deploy.server.groups']).toEqual({ 'us-east-1': ['app-prod-v000'] });
    expect(await ecsWorld(clients)).toEqual({ services: { 'app-prod-v000': 'enabled 2/2' }, taskDefinitions: { 'app-prod-v000': 1 } });
    const service = (await clients.ecs.send(new DescribeServicesCommand({ cluster: ECS_CLUSTER, services: ['app-prod-v000'], include: ['TAGS'] })))
      .services![0]!;
    expect(service.launchType).toBe('FARGATE');
    expect(service.loadBalancers).toEqual([{ targetGroupArn, containerName: 'web', containerPort: 8080 }]);
    expect(service.networkConfiguration?.awsvpcConfiguration).toMatchObject({
      subnets: [...network.subnetIds],
      securityGroups: [network.securityGroupId],
      assignPublicIp: 'DISABLED',
    });
    expect(Object.fromEntries(service.tags!.map((t) => [t.key, t.value]))).toMatchObject({
      'gennaker:deploy-key': 'exec-1:1:us-east-1',
      'gennaker:min-max': '1/4',
    });
    const td = (await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: service.taskDefinition! }))).taskDefinition!;
    expect(td).toMatchObject({ family: 'app-prod-v000', cpu: '256', memory: '512', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'] });
    expect(td.containerDefinitions![0]).toMatchObject({
      name: 'web',
      image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.0.0',
      portMappings: [{ containerPort: 8080 }],
      environment: [{ name: 'PORT', value: '8080' }],
      dockerLabels: { team: 'payments' },
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 'app' } },
    });
  });

  it('redblack: the new service serves, the old one is disabled (scaled to 0, its count remembered); scaleDown and maxRemainingAsgs', async () => {
    await seedEcs(clients, network);
    const run = await runStages({ stages: [ecsDeployStage({ imageDescription: appImage('1.1.0') })] });
    expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
    expect((await ecsWorld(clients)).services).toEqual({ 'app-prod-v000': 'disabled 0/0', 'app-prod-v001': 'enabled 2/2' });
    const third = await runStages(
      { stages: [ecsDeployStage({ imageDescription: appImage('1.2.0'), maxRemainingAsgs: 2, scaleDown: true })] },
      { executionId: 'exec-3' },
    );
    expect(stageOf(third, '1').status, stageOf(third, '1').error).toBe('SUCCEEDED');
    // v000 destroyed with its task definition revision; v001 disabled.
    expect(await ecsWorld(clients)).toEqual({
      services: { 'app-prod-v001': 'disabled 0/0', 'app-prod-v002': 'enabled 2/2' },
      taskDefinitions: { 'app-prod-v001': 1, 'app-prod-v002': 1 },
    });
  });

  it('highlander: only the new service is left', async () => {
    await seedEcs(clients, network);
    const run = await runStages({ stages: [ecsDeployStage({ strategy: 'highlander', imageDescription: appImage('2.0.0') })] });
    expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
    expect(await ecsWorld(clients)).toEqual({ services: { 'app-prod-v001': 'enabled 2/2' }, taskDefinitions: { 'app-prod-v001': 1 } });
  });

  it('the image from a docker trigger (fromTrigger)', async () => {
    const run = await runStages(
      { stages: [ecsDeployStage({ strategy: '', imageDescription: { repository: 'app', fromTrigger: true, imageId: 'app (Tag resolved at runtime)' } })] },
      { trigger: { type: 'docker', registry: '123456789012.dkr.ecr.us-east-1.amazonaws.com', repository: 'app', tag: '3.1.4' } },
    );
    expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
    const service = (await clients.ecs.send(new DescribeServicesCommand({ cluster: ECS_CLUSTER, services: ['app-prod-v000'] }))).services![0]!;
    const td = (await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: service.taskDefinition! }))).taskDefinition!;
    expect(td.containerDefinitions![0]!.image).toBe('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:3.1.4');
  });

  it('tasks that never run: rollback.onFailure brings the old service back and disables the new', async () => {
    await seedEcs(clients, network);
    injectFault<DescribeServicesCommandOutput>(clients.ecs, {
      command: 'DescribeServices',
      rewrite: (o) => ({ ...o, services: o.services?.map((s) => (s.serviceName === 'app-prod-v001' ? { ...s, runningCount: 0 } : s)) }),
    });
    const run = await runStages({
      stages: [ecsDeployStage({ imageDescription: appImage('9.9.9'), rollback: { onFailure: true } }, { waitForUpTimeoutSeconds: 60 })],
    });
    const stage = stageOf(run, '1');
    expect(stage.status).toBe('TERMINAL');
    expect(stage.error).toMatch(
      /app-prod-v001 in us-east-1: 0 of 2 instances up after \d+ s.*rolled back: app-prod-v000 serves again, app-prod-v001 disabled and scaled to 0/,
    );
    removeAllFaults();
    expect((await ecsWorld(clients)).services).toEqual({ 'app-prod-v000': 'enabled 2/2', 'app-prod-v001': 'disabled 0/0' });
  });

  it('an alarm in ALARM after the new service is up rolls back the ECS red/black', async () => {
    await seedEcs(clients, network, { alarm: 'ALARM' });
    const run = await runStages({
      stages: [ecsDeployStage({ imageDescription: appImage('1.1.0'), rollbackAlarms: ['app-5xx'], rollback: { destroyOnFailure: true } })],
    });
    expect(stageOf(run, '1').status).toBe('TERMINAL');
    expect(stageOf(run, '1').error).toMatch(/alarm app-5xx is in ALARM \(5xx\) \(rolled back: app-prod-v000 serves again, app-prod-v001 destroyed\)/);
    expect(await ecsWorld(clients)).toEqual({ services: { 'app-prod-v000': 'enabled 2/2' }, taskDefinitions: { 'app-prod-v000': 1 } });
  });
});

describe('ECS bad input: a clear stage error before anything is created', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['an unknown ECS cluster', { ecsClusterName: 'nope' }, /ECS cluster nope not found in us-east-1/],
    ['an unknown target group', { targetGroup: 'no-such-tg' }, /target group not found in us-east-1: no-such-tg/],
    [
      'an image from a trigger that has none',
      { imageDescription: { repository: 'app', fromTrigger: true } },
      /clusters\[0\]\.imageDescription: the image comes from the trigger, but the trigger carries no image of app/,
    ],
    [
      'a load-balanced container not among the mappings',
      { loadBalancedContainer: 'api', containerMappings: [{ containerName: 'web', imageDescription: appImage('1') }] },
      /loadBalancedContainer: api is not one of the containerMappings \(web\)/,
    ],
    [
      'a target group mapping to a container that is not in the task definition',
      { targetGroup: '', targetGroupMappings: [{ containerName: 'api', targetGroup: 'app-ecs', containerPort: 8080 }] },
      /clusters\[0\]\.targetGroupMappings\[0\]\.containerName: api is not a container of the task definition \(web\)/,
    ],
  ])('%s', async (_what, extra, message) => {
    const run = await runStages({ stages: [ecsDeployStage({ strategy: '', ...extra })] });
    expect(stageOf(run, '1').status).toBe('TERMINAL');
    expect(stageOf(run, '1').error).toMatch(message);
    expect(await ecsWorld(clients)).toEqual({ services: {}, taskDefinitions: {} });
  });
});

describe('"up" on ECS: steady, running = desired, targets healthy; a failure names why', () => {
  const taskArn = (id: string) => `arn:aws:ecs:us-east-1:123456789012:task/${ECS_CLUSTER}/${id}`;
  const runningTask = (id: string, ip: string): Task => ({
    taskArn: taskArn(id),
    lastStatus: 'RUNNING',
    attachments: [{ type: 'ElasticNetworkInterface', details: [{ name: 'privateIPv4Address', value: ip }] }],
  });
  /** moto lists no tasks: these are the new service's, running and stopped, as ECS would list them. */
  function tasks(running: Task[], stopped: Task[]): void {
    injectFault<ListTasksCommandOutput>(clients.ecs, {
      command: 'ListTasks',
      rewrite: (o, input) => ({ ...o, taskArns: (input.desiredStatus === 'STOPPED' ? stopped : running).map((t) => t.taskArn!) }),
    });
    injectFault<DescribeTasksCommandOutput>(clients.ecs, {
      command: 'DescribeTasks',
      rewrite: (o, input) => ({ ...o, tasks: [...running, ...stopped].filter((t) => (input.tasks as string[]).includes(t.taskArn!)) }),
    });
  }
  const deploy = () => runStages({ stages: [ecsDeployStage({ strategy: '', capacity: { min: 2, max: 2, desired: 2 } }, { waitForUpTimeoutSeconds: 60 })] });

  it('tasks that keep stopping: the error lists their stop reasons', async () => {
    injectFault<DescribeServicesCommandOutput>(clients.ecs, {
      command: 'DescribeServices',
      rewrite: (o) => ({ ...o, services: o.services?.map((s) => ({ ...s, runningCount: 0 })) }),
    });
    tasks(
      [],
      [
        {
          taskArn: taskArn('t1'),
          lastStatus: 'STOPPED',
          stopCode: 'TaskFailedToStart',
          stoppedReason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s)',
        },
        { taskArn: taskArn('t2'), lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' },
      ],
    );
    const stage = stageOf(await deploy(), '1');
    expect(stage.status).toBe('TERMINAL');
    expect(stage.error).toMatch(
      /app-prod-v000 in us-east-1: 0 of 2 instances up after \d+ s \(t1: stopped: CannotPullContainerError: pull image manifest has been retried 5 time\(s\); t2: stopped: Essential container in task exited\)/,
    );
  });

  it('tasks running but unhealthy in the target group are not up, and are named with their target state', async () => {
    tasks([runningTask('t1', '10.0.1.10'), runningTask('t2', '10.0.1.11')], []);
    const health = injectFault<DescribeTargetHealthCommandOutput>(clients.elbv2, {
      command: 'DescribeTargetHealth',
      rewrite: (o) => ({
        ...o,
        TargetHealthDescriptions: [
          { Target: { Id: '10.0.1.10', Port: 8080 }, TargetHealth: { State: 'healthy' } },
          { Target: { Id: '10.0.1.11', Port: 8080 }, TargetHealth: { State: 'unhealthy', Reason: 'Target.ResponseCodeMismatch' } },
        ],
      }),
    });
    const stage = stageOf(await deploy(), '1');
    expect(stage.status).toBe('TERMINAL');
    expect(health.triggered).toBeGreaterThan(0);
    expect(stage.error).toMatch(
      /app-prod-v000 in us-east-1: 1 of 2 instances up after \d+ s \(t2: target 10\.0\.1\.11 is unhealthy \(Target\.ResponseCodeMismatch\) in targetgroup\/app-ecs\//,
    );
  });

  it('a service still rolling out (two deployments) is not steady, so not up; it is once the rollout ends', async () => {
    tasks([runningTask('t1', '10.0.1.10'), runningTask('t2', '10.0.1.11')], []);
    injectFault<DescribeTargetHealthCommandOutput>(clients.elbv2, {
      command: 'DescribeTargetHealth',
      rewrite: (o) => ({
        ...o,
        TargetHealthDescriptions: ['10.0.1.10', '10.0.1.11'].map((Id) => ({ Target: { Id, Port: 8080 }, TargetHealth: { State: 'healthy' } })),
      }),
    });
    let rolling = 3;
    injectFault<DescribeServicesCommandOutput>(clients.ecs, {
      command: 'DescribeServices',
      rewrite: (o) => ({
        ...o,
        services: o.services?.map((s) =>
          s.serviceName === 'app-prod-v000' && s.desiredCount === 2 && rolling-- > 0
            ? { ...s, deployments: [{ status: 'PRIMARY', rolloutState: 'IN_PROGRESS' }, { status: 'ACTIVE' }] }
            : s,
        ),
      }),
    });
    const run = await deploy();
    const stage = stageOf(run, '1');
    expect(stage.status, stage.error).toBe('SUCCEEDED');
    // Polled while the two deployments lasted.
    expect(rolling).toBeLessThan(0);
    expect(run.calls['1']).toBeGreaterThan(3);
  });
});
