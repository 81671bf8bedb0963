import { CreateSubnetCommand, CreateVpcCommand } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  type DescribeTasksCommandOutput,
  type RunTaskCommandOutput,
} from '@aws-sdk/client-ecs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { awsClients } from '../../../../functions/core/aws-clients.js';
import { awsTargets } from '../../../../functions/core/aws-target.js';
import { cancelRunJob, RUN_JOB_STATE_KEY, runJobStage, type RunJobDeps } from '../../../../functions/stages/external/run-job/stage.js';
import { injectFault, removeAllFaults } from '../../../support/faults.js';
import { useMoto } from '../../../support/moto.js';
import { StageRun } from '../support/stage-run.js';

useMoto();

describe('runJob stage on ECS (moto)', () => {
  let subnetId: string;
  const deps: RunJobDeps = { target: awsTargets(), ecs: (t) => awsClients.ecsClient(t.clientOptions) };
  const ecs = () => awsClients.ecsClient({ region: 'us-east-1' });

  beforeEach(async () => {
    const ec2 = awsClients.ec2Client({ region: 'us-east-1' });
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
    const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' }));
    subnetId = subnet.Subnet!.SubnetId!;
    await ecs().send(new CreateClusterCommand({ clusterName: 'jobs' }));
    // moto 5.2.1 gaps: an awsvpc task (what Fargate needs) crashes its RunTask (NetworkInterface has
    // no private_dns_name), and a container without memory crashes it too. So the definition here is
    // a bridge-mode one with container memory; moto runs it as a Fargate task all the same.
    await ecs().send(
      new RegisterTaskDefinitionCommand({
        family: 'migrate',
        requiresCompatibilities: ['EC2'],
        networkMode: 'bridge',
        containerDefinitions: [
          {
            name: 'app',
            image: 'registry.example/app:1.2.3',
            essential: true,
            cpu: 256,
            memory: 512,
            logConfiguration: {
              logDriver: 'awslogs',
              options: { 'awslogs-group': '/ecs/jobs', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'migrate' },
            },
          },
        ],
      }),
    );
  });
  afterEach(() => removeAllFaults());

  const config = (extra: Record<string, unknown> = {}) => ({
    cluster: 'jobs',
    taskDefinition: 'migrate',
    subnets: [subnetId],
    container: 'app',
    command: ['npm', 'run', 'migrate'],
    environment: { TARGET: 'prod' },
    ...extra,
  });

  it('runs the task to completion; the exit code is the status, the logs are linked', async () => {
    const run = new StageRun(runJobStage(deps), config());

    const result = await run.untilDone();

    expect(result.status).toBe('SUCCEEDED');
    // moto walks a task RUNNING → DEACTIVATING → STOPPING → DEPROVISIONING → STOPPED, one step per describe.
    expect(run.results.map((r) => (r.status === 'RUNNING' ? (r.outputs?.taskStatus ?? 'started') : r.status))).toEqual([
      'started',
      'DEACTIVATING',
      'STOPPING',
      'DEPROVISIONING',
      'SUCCEEDED',
    ]);
    const taskArn = run.outputs.taskArn as string;
    const taskId = taskArn.split('/').pop()!;
    expect(run.outputs).toMatchObject({
      taskStatus: 'STOPPED',
      exitCode: 0,
      cluster: 'jobs',
      region: 'us-east-1',
      logs: {
        logGroup: '/ecs/jobs',
        logStream: `migrate/app/${taskId}`,
        url: `https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/$252Fecs$252Fjobs/log-events/migrate$252Fapp$252F${taskId}`,
      },
    });
    const described = await ecs().send(new DescribeTasksCommand({ cluster: 'jobs', tasks: [taskArn] }));
    expect(described.tasks?.[0]).toMatchObject({
      startedBy: run.state[RUN_JOB_STATE_KEY] && (run.state[RUN_JOB_STATE_KEY] as { startedBy: string }).startedBy,
      launchType: 'FARGATE',
    });
    expect(described.tasks?.[0]?.overrides?.containerOverrides?.[0]).toMatchObject({
      name: 'app',
      command: ['npm', 'run', 'migrate'],
      environment: [{ name: 'TARGET', value: 'prod' }],
    });
  });

  it('fails with the exit code of a container that did not exit 0 (injected: moto exits 0)', async () => {
    injectFault<DescribeTasksCommandOutput>(ecs(), {
      command: 'DescribeTasks',
      rewrite: (out) => ({
        ...out,
        tasks: out.tasks?.map((t) =>
          t.lastStatus === 'STOPPED'
            ? {
                ...t,
                stopCode: 'EssentialContainerExited',
                stoppedReason: 'Essential container in task exited',
                containers: t.containers?.map((c) => ({ ...c, exitCode: 3, reason: 'migration 42 failed' })),
              }
            : t,
        ),
      }),
    });
    const run = new StageRun(runJobStage(deps), config());

    const result = await run.untilDone();

    expect(result).toMatchObject({ status: 'FAILED', error: "job migrate failed: container 'app' exited with code 3 (migration 42 failed)" });
    expect(run.outputs).toMatchObject({ exitCode: 3, stopCode: 'EssentialContainerExited', containers: [{ name: 'app', exitCode: 3 }] });
  });

  it('fails a task that could not start, with the reason ECS gave', async () => {
    injectFault<RunTaskCommandOutput>(ecs(), {
      command: 'RunTask',
      rewrite: (out) => ({
        ...out,
        tasks: [],
        failures: [{ arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/jobs', reason: 'RESOURCE:ENI', detail: 'no ENIs left' }],
      }),
    });
    const result = await new StageRun(runJobStage(deps), config()).call();
    expect(result).toMatchObject({
      status: 'FAILED',
      error: 'ECS did not start migrate in jobs: arn:aws:ecs:us-east-1:123456789012:cluster/jobs: RESOURCE:ENI: no ENIs left',
    });
  });

  it('adopts the task an interrupted call started instead of starting a second one', async () => {
    const run = new StageRun(runJobStage(deps), config());
    run.crashBeforeCheckpoint = (patch) => Boolean((patch[RUN_JOB_STATE_KEY] as { taskArn?: string } | undefined)?.taskArn);
    await expect(run.call()).rejects.toThrow('simulated crash');
    expect(run.state[RUN_JOB_STATE_KEY]).toMatchObject({ starting: true });

    expect((await run.untilDone()).status).toBe('SUCCEEDED');
    const listed = await ecs().send(new ListTasksCommand({ cluster: 'jobs' }));
    expect(listed.taskArns).toHaveLength(1);
  });

  it('stops the task on cancel', async () => {
    const run = new StageRun(runJobStage(deps), config());
    await run.call();
    expect(await cancelRunJob(run.config, run.state, deps)).toEqual({ stopped: true });
    const described = await ecs().send(new DescribeTasksCommand({ cluster: 'jobs', tasks: [run.outputs.taskArn as string] }));
    expect(described.tasks?.[0]).toMatchObject({ desiredStatus: 'STOPPED', stoppedReason: 'Gennaker stage canceled' });
    expect(await cancelRunJob(run.config, {}, deps)).toEqual({ stopped: false, reason: 'no task was started' });
  });

  it('fails on a task definition ECS does not know', async () => {
    const run = new StageRun(runJobStage(deps), config({ taskDefinition: 'nope' }));
    await expect(run.call()).rejects.toThrow(/ECS refused the request/);
  });
});
