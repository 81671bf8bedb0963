import { describe, expect, it } from 'vitest';
import { parseRunJobConfig } from '../../../../../../functions/stages/external/run-job/config.js';
import { logLink, taskConsoleUrl, taskOutcome } from '../../../../../../functions/stages/external/run-job/outcome.js';

describe('taskOutcome', () => {
  const stopped = { lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' };

  it('succeeds when every essential container exited 0, whatever a sidecar did', () => {
    const outcome = taskOutcome(
      {
        ...stopped,
        containers: [
          { name: 'app', exitCode: 0 },
          { name: 'sidecar', exitCode: 137 },
        ],
      },
      ['app'],
    );
    expect(outcome).toMatchObject({ succeeded: true, exitCode: 0 });
  });

  it('fails with the first non-zero exit code of a deciding container', () => {
    const outcome = taskOutcome({ ...stopped, containers: [{ name: 'app', exitCode: 3, reason: 'tests failed' }] }, ['app']);
    expect(outcome).toMatchObject({ succeeded: false, exitCode: 3, message: "container 'app' exited with code 3 (tests failed)" });
  });

  it('decides by the named container only, when one is named', () => {
    const containers = [
      { name: 'app', exitCode: 1 },
      { name: 'migrate', exitCode: 0 },
    ];
    expect(taskOutcome({ ...stopped, containers }, ['app', 'migrate'], 'migrate').succeeded).toBe(true);
    expect(taskOutcome({ ...stopped, containers }, ['app'], 'nope')).toMatchObject({ succeeded: false, message: expect.stringMatching(/no container 'nope'/) });
  });

  it('fails a task that never ran its container, with the stop reason', () => {
    const outcome = taskOutcome(
      { lastStatus: 'STOPPED', stopCode: 'TaskFailedToStart', stoppedReason: 'CannotPullContainerError: pull access denied', containers: [{ name: 'app' }] },
      ['app'],
    );
    expect(outcome.succeeded).toBe(false);
    expect(outcome.exitCode).toBeUndefined();
    expect(outcome.message).toBe("container 'app' has no exit code (task stopped: TaskFailedToStart: CannotPullContainerError: pull access denied)");
  });
});

describe('links', () => {
  const arn = 'arn:aws:ecs:eu-west-1:123456789012:task/jobs/0f1e2d3c4b5a';

  it('links the awslogs stream of a container in the CloudWatch console', () => {
    const link = logLink('eu-west-1', arn, 'app', { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/jobs', 'awslogs-stream-prefix': 'run' } });
    expect(link).toEqual({
      logGroup: '/ecs/jobs',
      logStream: 'run/app/0f1e2d3c4b5a',
      url: 'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Fecs$252Fjobs/log-events/run$252Fapp$252F0f1e2d3c4b5a',
    });
  });

  it('has no log link without awslogs and a stream prefix', () => {
    expect(logLink('eu-west-1', arn, 'app', { logDriver: 'json-file' })).toBeUndefined();
    expect(logLink('eu-west-1', arn, 'app', { logDriver: 'awslogs', options: { 'awslogs-group': 'g' } })).toBeUndefined();
  });

  it('links the task in the ECS console', () => {
    expect(taskConsoleUrl('eu-west-1', 'arn:aws:ecs:eu-west-1:123456789012:cluster/jobs', arn)).toBe(
      'https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/jobs/tasks/0f1e2d3c4b5a?region=eu-west-1',
    );
  });
});

describe('parseRunJobConfig', () => {
  it('reads a Fargate job with a command override', () => {
    expect(
      parseRunJobConfig({
        cluster: 'jobs',
        taskDefinition: 'migrate:3',
        subnets: 'subnet-1, subnet-2',
        container: 'app',
        command: 'npm run migrate',
        environment: { N: 1 },
      }).value,
    ).toEqual({
      cluster: 'jobs',
      taskDefinition: 'migrate:3',
      launchType: 'FARGATE',
      subnets: ['subnet-1', 'subnet-2'],
      securityGroups: [],
      assignPublicIp: false,
      container: 'app',
      command: ['sh', '-c', 'npm run migrate'],
      environment: { N: '1' },
      tags: {},
    });
  });

  it('lists every problem', () => {
    expect(parseRunJobConfig({ launchType: 'LAMBDA', command: 5, environment: { A: 'x' } }).problems).toEqual([
      'cluster: required',
      'taskDefinition: required',
      'launchType: must be one of FARGATE, EC2',
      'command: must be a string (run with sh -c) or a list of strings',
      'container: required with command or environment (the container to override)',
    ]);
    expect(parseRunJobConfig({ cluster: 'c', taskDefinition: 't' }).problems).toEqual(['subnets: required for Fargate tasks (awsvpc networking)']);
  });
});
