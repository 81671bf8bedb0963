/**
 * `runJob`: runs one ECS task (Fargate by default) from a task definition and waits for it to
 * stop; the deciding containers' exit codes become the stage status, the task and a link to its
 * CloudWatch logs land in the outputs.
 *
 * ECS rather than CodeBuild: a one-off container from an image is what ECS RunTask is, it needs no
 * project per job, and moto_server 5.2.1 models a task's life (RUNNING → ... → STOPPED over
 * DescribeTasks calls, StopTask, ListTasks by startedBy) where its CodeBuild answers SUCCEEDED to
 * the first BatchGetBuilds whatever happens. Exit codes other than 0 come from fault injection.
 *
 * Idempotent: the task is started with startedBy = a marker unique to this stage run (and the same
 * value as RunTask's clientToken). The marker is checkpointed before RunTask; a call that finds it
 * without a task ARN lists the cluster's tasks started by it and adopts the one it finds.
 */
import {
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
  type ECSClient,
  type RunTaskCommandInput,
} from '@aws-sdk/client-ecs';
import { createHash } from 'node:crypto';
import {
  type SavedContext,
  StageConfigError,
  TransientStageError,
  type StageImplementation,
  type StageRunContext,
  type TaskResult,
  stageFields,
  stageState,
} from '../../../core/stage-api.js';
import type { AwsTarget } from '../../../core/aws-target.js';
import { TagKeys } from '../../../core/cloud/tags.js';
import { parseRunJobConfig, type RunJobConfig } from './config.js';
import { logLink, taskConsoleUrl, taskOutcome, type ContainerView, type LogLink } from './outcome.js';

export const RUN_JOB_STATE_KEY = 'runJobState';
/** This stage type's state in its record (stage-api.ts stageState): the one place its type is declared. */
const RUN_JOB_STATE = stageState<RunJobState>(RUN_JOB_STATE_KEY);
/** A task that DescribeTasks cannot find this many times in a row is given up on. */
const MAX_MISSING = 3;

export interface RunJobDeps {
  readonly target: (account: string | undefined, region: string | undefined) => Promise<AwsTarget>;
  readonly ecs: (target: AwsTarget) => ECSClient;
}

interface RunJobState {
  readonly startedBy: string;
  readonly starting?: boolean;
  readonly taskArn?: string;
  readonly essentialContainers?: readonly string[];
  readonly polls: number;
  readonly missing: number;
}

/** The task as the stage shows it in its context beside its state (Orca's runJob names). */
type RunJobFields = JobInfo & {
  readonly taskStatus: string;
  readonly exitCode: number;
  readonly containers: readonly ContainerView[];
  readonly stopCode: string;
  readonly stoppedReason: string;
};
/** Also the outputs while the task runs. */
type JobInfo = {
  readonly taskArn: string;
  readonly cluster: string;
  readonly region: string;
  readonly taskUrl: string;
  readonly logs?: LogLink;
};
const RUN_JOB = stageFields<RunJobFields>();

/** startedBy allows 36 letters, digits, hyphens and underscores. */
function startedByMarker(executionId: string, refId: string, startTime: number): string {
  return `gnk-${createHash('sha256').update(`${executionId}\n${refId}\n${startTime}`).digest('hex').slice(0, 32)}`;
}

export function runJobStage(deps: RunJobDeps): StageImplementation {
  return {
    type: 'runJob',
    validate: (config) => parseRunJobConfig(config).problems,
    async run(ctx) {
      const parsed = parseRunJobConfig(ctx.stage.config);
      if (!parsed.value) throw new StageConfigError(parsed.problems.join('; '));
      const config = parsed.value;
      const target = await deps.target(config.account, config.region);
      const ecs = deps.ecs(target);
      const saved = RUN_JOB_STATE.of(ctx.state);
      const state: RunJobState = saved ?? { startedBy: startedByMarker(ctx.executionId, ctx.stage.refId, ctx.startTime), polls: 0, missing: 0 };
      try {
        if (!state.taskArn) return await start(ctx, config, state, ecs, target);
        return await watch(config, state, ecs);
      } catch (error) {
        throw asStageError(error);
      }
    },
  };
}

async function start(ctx: StageRunContext, config: RunJobConfig, state: RunJobState, ecs: ECSClient, target: AwsTarget): Promise<TaskResult> {
  let taskArn = state.starting ? await findStarted(ecs, config.cluster, state.startedBy) : undefined;
  if (!taskArn) {
    await ctx.checkpoint(RUN_JOB_STATE.save({ ...state, starting: true }));
    const out = await ecs.send(new RunTaskCommand(runTaskInput(config, state.startedBy, ctx.application)));
    const task = out.tasks?.[0];
    if (!task?.taskArn) {
      const failures = (out.failures ?? []).map((f) => [f.arn, f.reason, f.detail].filter(Boolean).join(': '));
      return {
        status: 'FAILED',
        error: `ECS did not start ${config.taskDefinition} in ${config.cluster}${failures.length > 0 ? `: ${failures.join('; ')}` : ''}`,
        context: RUN_JOB_STATE.save({ ...state, starting: false }),
      };
    }
    taskArn = task.taskArn;
    await ctx.checkpoint(RUN_JOB_STATE.save({ ...state, starting: false, taskArn }));
  }
  const { essential, logs } = await describeDefinition(ecs, config, taskArn, target.region);
  const next: RunJobState = { ...state, starting: false, taskArn, essentialContainers: essential };
  const info = jobInfo(config, target, taskArn, logs);
  return { status: 'RUNNING', waitSeconds: 10, context: { ...RUN_JOB_STATE.save(next), ...RUN_JOB.save(info) }, outputs: info };
}

async function watch(config: RunJobConfig, state: RunJobState, ecs: ECSClient): Promise<TaskResult> {
  const taskArn = state.taskArn!;
  const out = await ecs.send(new DescribeTasksCommand({ cluster: config.cluster, tasks: [taskArn] }));
  const task = out.tasks?.find((t) => t.taskArn === taskArn) ?? out.tasks?.[0];
  if (!task) {
    const missing = state.missing + 1;
    if (missing >= MAX_MISSING) return { status: 'FAILED', error: `ECS no longer knows task ${taskArn}`, context: RUN_JOB_STATE.save({ ...state, missing }) };
    return { status: 'RUNNING', waitSeconds: 10, context: RUN_JOB_STATE.save({ ...state, missing }) };
  }
  const lastStatus = task.lastStatus ?? 'UNKNOWN';
  if (lastStatus !== 'STOPPED') {
    const polls = state.polls + 1;
    return {
      status: 'RUNNING',
      waitSeconds: Math.min(30, 10 + 5 * Math.floor(polls / 6)),
      context: { ...RUN_JOB_STATE.save({ ...state, polls, missing: 0 }), ...RUN_JOB.save({ taskStatus: lastStatus }) },
      outputs: { taskStatus: lastStatus },
    };
  }
  const outcome = taskOutcome(
    {
      lastStatus,
      ...(task.stopCode ? { stopCode: task.stopCode } : {}),
      ...(task.stoppedReason ? { stoppedReason: task.stoppedReason } : {}),
      containers: (task.containers ?? []).map((c) => ({
        ...(c.name !== undefined ? { name: c.name } : {}),
        ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
        ...(c.reason !== undefined ? { reason: c.reason } : {}),
        ...(c.lastStatus !== undefined ? { lastStatus: c.lastStatus } : {}),
      })),
    },
    state.essentialContainers ?? [],
    config.container,
  );
  const result = {
    taskStatus: lastStatus,
    ...(outcome.exitCode !== undefined ? { exitCode: outcome.exitCode } : {}),
    containers: outcome.containers,
    ...(task.stopCode ? { stopCode: task.stopCode } : {}),
    ...(task.stoppedReason ? { stoppedReason: task.stoppedReason } : {}),
  };
  const context = { ...RUN_JOB_STATE.save({ ...state, missing: 0 }), ...RUN_JOB.save(result) };
  if (outcome.succeeded) return { status: 'SUCCEEDED', context, outputs: result };
  return { status: 'FAILED', error: `job ${config.taskDefinition} failed: ${outcome.message}`, context, outputs: result };
}

/** The task carries Gennaker's tag: IAM lets the function stop only tasks that do. */
function runTaskInput(config: RunJobConfig, startedBy: string, application: string): RunTaskCommandInput {
  const overrideContainer = config.container !== undefined && (config.command !== undefined || Object.keys(config.environment).length > 0);
  return {
    cluster: config.cluster,
    taskDefinition: config.taskDefinition,
    launchType: config.launchType,
    count: 1,
    startedBy,
    clientToken: startedBy,
    tags: [{ key: TagKeys.application, value: application }],
    ...(config.platformVersion ? { platformVersion: config.platformVersion } : {}),
    ...(config.subnets.length > 0
      ? {
          networkConfiguration: {
            awsvpcConfiguration: {
              subnets: [...config.subnets],
              ...(config.securityGroups.length > 0 ? { securityGroups: [...config.securityGroups] } : {}),
              assignPublicIp: config.assignPublicIp ? 'ENABLED' : 'DISABLED',
            },
          },
        }
      : {}),
    ...(overrideContainer || config.cpu || config.memory
      ? {
          overrides: {
            ...(config.cpu ? { cpu: config.cpu } : {}),
            ...(config.memory ? { memory: config.memory } : {}),
            ...(overrideContainer
              ? {
                  containerOverrides: [
                    {
                      name: config.container,
                      ...(config.command ? { command: [...config.command] } : {}),
                      ...(Object.keys(config.environment).length > 0
                        ? { environment: Object.entries(config.environment).map(([name, value]) => ({ name, value })) }
                        : {}),
                    },
                  ],
                }
              : {}),
          },
        }
      : {}),
    ...(Object.keys(config.tags).length > 0 ? { tags: Object.entries(config.tags).map(([key, value]) => ({ key, value })) } : {}),
  };
}

/** The task a previous call started, if any (running or already stopped). */
async function findStarted(ecs: ECSClient, cluster: string, startedBy: string): Promise<string | undefined> {
  for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) {
    const out = await ecs.send(new ListTasksCommand({ cluster, startedBy, desiredStatus }));
    const arn = out.taskArns?.[0];
    if (arn) return arn;
  }
  return undefined;
}

async function describeDefinition(ecs: ECSClient, config: RunJobConfig, taskArn: string, region: string): Promise<{ essential: string[]; logs?: LogLink }> {
  const out = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: config.taskDefinition }));
  const containers = out.taskDefinition?.containerDefinitions ?? [];
  const essential = containers.filter((c) => c.essential !== false && c.name).map((c) => c.name!);
  const logged = containers.find((c) => c.name === (config.container ?? essential[0] ?? containers[0]?.name));
  const logs = logged?.name ? logLink(region, taskArn, logged.name, logged.logConfiguration) : undefined;
  return { essential, ...(logs ? { logs } : {}) };
}

function jobInfo(config: RunJobConfig, target: AwsTarget, taskArn: string, logs: LogLink | undefined): JobInfo {
  return {
    taskArn,
    cluster: config.cluster,
    region: target.region,
    taskUrl: taskConsoleUrl(target.region, config.cluster, taskArn),
    ...(logs ? { logs } : {}),
  };
}

/** Throttling and AWS-side faults are retried by the state machine; bad input fails the stage. */
function asStageError(error: unknown): unknown {
  const e = error as { $fault?: string; name?: string; $retryable?: unknown; message?: string };
  if (e?.$fault === 'server' || e?.$retryable || /Throttl|TooManyRequests|RequestLimitExceeded/.test(e?.name ?? '')) {
    return new TransientStageError(`ECS: ${e.name}: ${e.message}`, { cause: error });
  }
  if (e?.$fault === 'client') return new StageConfigError(`ECS refused the request: ${e.name}: ${e.message}`);
  return error;
}

/** Best-effort StopTask for the cancel path. Never throws. */
export async function cancelRunJob(
  config: Readonly<Record<string, unknown>>,
  context: SavedContext,
  deps: RunJobDeps,
): Promise<{ readonly stopped: boolean; readonly reason?: string }> {
  const state = RUN_JOB_STATE.of(context);
  const parsed = parseRunJobConfig(config);
  if (!parsed.value) return { stopped: false, reason: parsed.problems.join('; ') };
  try {
    const target = await deps.target(parsed.value.account, parsed.value.region);
    const ecs = deps.ecs(target);
    const taskArn = state?.taskArn ?? (state?.starting ? await findStarted(ecs, parsed.value.cluster, state.startedBy) : undefined);
    if (!taskArn) return { stopped: false, reason: 'no task was started' };
    await ecs.send(new StopTaskCommand({ cluster: parsed.value.cluster, task: taskArn, reason: 'Gennaker stage canceled' }));
    return { stopped: true };
  } catch (error) {
    return { stopped: false, reason: (error as Error).message };
  }
}
