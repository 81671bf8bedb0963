/**
 * ECS server groups through the deploy stage, against the emulator's ECS: a service <cluster>-vNNN
 * with its own task definition revision from Deck's ECS deploy fields, and the strategies, rollback
 * and alarm gate written once over the provider seam.
 */
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, type DescribeServicesCommandOutput } from '@aws-sdk/client-ecs';
import { PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CloudClients } from '../../../functions/core/cloud/index.js';
import { injectFault, removeAllFaults } from '../../support/faults.js';
import { useLocalAws } from '../../support/local.js';
import { ECS_CLUSTER, createEcsCluster, ecsDeployStage, ecsWorld } from './ecs-fixtures.js';
import { createNetwork, type Network } from './fixtures.js';
import { freshStageClients, runStages, stageOf } from './harness.js';

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

const image = (tag: string) => ({ registry: '123456789012.dkr.ecr.us-east-1.amazonaws.com', repository: 'app', tag, fromTrigger: false });

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
    await runStages({ stages: [ecsDeployStage({ strategy: '' })] }, { executionId: 'seed-1' });
    const run = await runStages({ stages: [ecsDeployStage({ imageDescription: image('1.1.0') })] });
    expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
    expect((await ecsWorld(clients)).services).toEqual({ 'app-prod-v000': 'disabled 0/0', 'app-prod-v001': 'enabled 2/2' });
    const third = await runStages(
      { stages: [ecsDeployStage({ imageDescription: image('1.2.0'), maxRemainingAsgs: 2, scaleDown: true })] },
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
    await runStages({ stages: [ecsDeployStage({ strategy: '' })] }, { executionId: 'seed-1' });
    const run = await runStages({ stages: [ecsDeployStage({ strategy: 'highlander', imageDescription: image('2.0.0') })] });
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
    await runStages({ stages: [ecsDeployStage({ strategy: '' })] }, { executionId: 'seed-1' });
    injectFault<DescribeServicesCommandOutput>(clients.ecs, {
      command: 'DescribeServices',
      rewrite: (o) => ({ ...o, services: o.services?.map((s) => (s.serviceName === 'app-prod-v001' ? { ...s, runningCount: 0 } : s)) }),
    });
    const run = await runStages({
      stages: [ecsDeployStage({ imageDescription: image('9.9.9'), rollback: { onFailure: true } }, { waitForUpTimeoutSeconds: 60 })],
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
    await runStages({ stages: [ecsDeployStage({ strategy: '' })] }, { executionId: 'seed-1' });
    await clients.cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: 'app-5xx',
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'HTTPCode_Target_5XX_Count',
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
    await clients.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'app-5xx', StateValue: 'ALARM', StateReason: '5xx' }));
    const run = await runStages({
      stages: [ecsDeployStage({ imageDescription: image('1.1.0'), rollbackAlarms: ['app-5xx'], rollback: { destroyOnFailure: true } })],
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
      { loadBalancedContainer: 'api', containerMappings: [{ containerName: 'web', imageDescription: image('1') }] },
      /loadBalancedContainer: api is not one of the containerMappings \(web\)/,
    ],
  ])('%s', async (_what, extra, message) => {
    const run = await runStages({ stages: [ecsDeployStage({ strategy: '', ...extra })] });
    expect(stageOf(run, '1').status).toBe('TERMINAL');
    expect(stageOf(run, '1').error).toMatch(message);
    expect(await ecsWorld(clients)).toEqual({ services: {}, taskDefinitions: {} });
  });
});
