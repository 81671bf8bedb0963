/** What a stopped ECS task means for the stage, and where its logs are. Pure. */

export interface ContainerView {
  readonly name?: string;
  readonly exitCode?: number;
  readonly reason?: string;
  readonly lastStatus?: string;
}

export interface TaskView {
  readonly lastStatus?: string;
  readonly stopCode?: string;
  readonly stoppedReason?: string;
  readonly containers?: readonly ContainerView[];
}

export interface TaskOutcome {
  readonly succeeded: boolean;
  /** The deciding container's exit code (the first non-zero one when several decide). */
  readonly exitCode?: number;
  readonly message: string;
  readonly containers: readonly ContainerView[];
}

/**
 * A stopped task succeeded when the deciding containers (the named one, else every essential one,
 * else all) exited 0. A container without an exit code never ran to completion (image pull
 * failure, task failed to start, stopped by someone).
 */
export function taskOutcome(task: TaskView, essential: readonly string[], container?: string): TaskOutcome {
  const containers = (task.containers ?? []).map((c) => ({
    ...(c.name !== undefined ? { name: c.name } : {}),
    ...(c.exitCode !== undefined && c.exitCode !== null ? { exitCode: c.exitCode } : {}),
    ...(c.reason ? { reason: c.reason } : {}),
    ...(c.lastStatus ? { lastStatus: c.lastStatus } : {}),
  }));
  const why = [task.stopCode, task.stoppedReason].filter(Boolean).join(': ');
  let deciding: ContainerView[];
  if (container !== undefined) {
    const named = containers.filter((c) => c.name === container);
    if (named.length === 0) return { succeeded: false, message: `the task has no container '${container}'${why ? ` (${why})` : ''}`, containers };
    deciding = named;
  } else {
    const essentials = containers.filter((c) => c.name !== undefined && essential.includes(c.name));
    deciding = essentials.length > 0 ? essentials : containers;
  }
  if (deciding.length === 0) return { succeeded: false, message: `the task stopped without containers${why ? ` (${why})` : ''}`, containers };
  const unfinished = deciding.find((c) => c.exitCode === undefined);
  if (unfinished) {
    return {
      succeeded: false,
      message: `container '${unfinished.name ?? '?'}' has no exit code${unfinished.reason ? `: ${unfinished.reason}` : ''}${why ? ` (task stopped: ${why})` : ''}`,
      containers,
    };
  }
  const failed = deciding.find((c) => c.exitCode !== 0);
  if (failed) {
    return {
      succeeded: false,
      exitCode: failed.exitCode!,
      message: `container '${failed.name ?? '?'}' exited with code ${failed.exitCode}${failed.reason ? ` (${failed.reason})` : ''}`,
      containers,
    };
  }
  return { succeeded: true, exitCode: 0, message: 'every deciding container exited with code 0', containers };
}

export interface LogConfiguration {
  readonly logDriver?: string;
  readonly options?: Readonly<Record<string, string>>;
}

export interface LogLink {
  readonly logGroup: string;
  readonly logStream: string;
  readonly url: string;
}

/**
 * The awslogs stream of a container: `<awslogs-stream-prefix>/<container>/<task id>`, and its page
 * in the CloudWatch console. undefined when the container does not log with awslogs and a prefix.
 */
export function logLink(region: string, taskArn: string, containerName: string, config: LogConfiguration | undefined): LogLink | undefined {
  if (config?.logDriver !== 'awslogs') return undefined;
  const group = config.options?.['awslogs-group'];
  const prefix = config.options?.['awslogs-stream-prefix'];
  if (!group || !prefix) return undefined;
  const logRegion = config.options?.['awslogs-region'] ?? region;
  const taskId = taskArn.split('/').pop() ?? taskArn;
  const stream = `${prefix}/${containerName}/${taskId}`;
  // The console's fragment encodes '%' once more, as '$25'.
  const enc = (s: string) => encodeURIComponent(s).replace(/%/g, '$25');
  return {
    logGroup: group,
    logStream: stream,
    url: `https://${logRegion}.console.aws.amazon.com/cloudwatch/home?region=${logRegion}#logsV2:log-groups/log-group/${enc(group)}/log-events/${enc(stream)}`,
  };
}

/** The task's page in the ECS console. */
export function taskConsoleUrl(region: string, cluster: string, taskArn: string): string {
  const taskId = taskArn.split('/').pop() ?? taskArn;
  const clusterName = cluster.split('/').pop() ?? cluster;
  return `https://${region}.console.aws.amazon.com/ecs/v2/clusters/${encodeURIComponent(clusterName)}/tasks/${encodeURIComponent(taskId)}?region=${region}`;
}
