/**
 * What the API can do, as plain functions over injected deps: the HTTP handler calls them for a
 * deployed stack, and the CLI and the local console server call them directly on the local
 * environment; the CLI reaches a deployed stack through its HTTP API (`httpApi` in
 * http-client.ts, a `GennakerApi`).
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import { sfnTaskResumer } from '../core/task-resume.js';
import { cancelExecution as cancelCore, type ExecutionStopper } from '../core/cancel.js';
import { concurrencyPolicyOf, isWaiting } from '../core/concurrency.js';
import type { EngineDeps } from '../core/engine/deps.js';
import type { ExecutionSuccessors } from '../core/engine/execution-end.js';
import { ExecutionNotFoundError, InvalidInputError } from '../core/errors.js';
import { pauseRunning, resumeRunning } from '../core/pause.js';
import { restartStage } from '../core/restart.js';
import type { ExecutionStatus } from '../core/execution-model.js';
import { judgmentStateOf, type ResumeCallback, submitJudgment } from '../core/judgment.js';
import { submitPromote } from '../core/promote.js';
import { HOME_ACCOUNT_ENV, holdsAnyRole } from '../core/roles.js';
import type { TriggerDeps } from '../triggers/deps.js';
import { type ManualTriggerResult, triggerManually } from '../triggers/manual/manual.js';
import type { ApplicationClusters, ClusterReader } from './clusters.js';
import { ForbiddenError, FeatureUnavailableError } from './errors.js';
import type { Caller } from './identity.js';
import type { Permission } from './permissions.js';
import {
  type ExecutionDetails,
  type ExecutionSummary,
  executionDetails,
  executionSummary,
  type ExecutionWithStages,
  executionWithStages,
  type PipelineSummary,
  pipelineSummary,
  type StageDetails,
  stageDetails,
} from './views.js';

export type { Caller } from './identity.js';
export type { ExecutionDetails, ExecutionSummary, ExecutionWithStages, PipelineSummary, StageDetails } from './views.js';
export type { ApplicationClusters } from './clusters.js';
export type { ManualTriggerResult } from '../triggers/manual/manual.js';

export interface OperationsDeps {
  /** Registry, store, queue, dedupe, notifier, clock, log: the trigger path's deps. */
  readonly triggers: TriggerDeps;
  /** Stops a running execution (StopExecution in AWS, abort in local mode). */
  readonly stopper: ExecutionStopper;
  /** Resumes a stage waiting on a task token (task-resume.ts in AWS; local mode watches the record). */
  readonly resume: ResumeCallback;
  /** What follows the end of an execution an operation ended: next waiting run, completed event (engine/execution-end.ts). */
  readonly successors?: ExecutionSuccessors;
  /** Absent when this deployment has no cloud driver: the cluster view is then 501. */
  readonly clusters?: ClusterReader;
  /** Asks stages' own functions to stop what a canceled execution's stages started (AWS). */
  readonly cancelElsewhere?: EngineDeps['cancelElsewhere'];
}

const EXECUTION_STATUSES: readonly ExecutionStatus[] = ['NOT_STARTED', 'RUNNING', 'PAUSED', 'SUCCEEDED', 'TERMINAL', 'CANCELED'];

export interface TriggerPipelineRequest {
  readonly application: string;
  /** Pipeline id or name. */
  readonly pipeline: string;
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly idempotencyKey?: string;
  readonly description?: string;
  readonly artifacts?: readonly Readonly<Record<string, unknown>>[];
}

export interface ListExecutionsQuery {
  readonly application: string;
  /** Pipeline id or name. */
  readonly pipeline?: string;
  readonly status?: string;
  readonly limit?: number;
  /** 'stages': each execution with its stages' statuses (the console's execution bars). */
  readonly expand?: 'stages';
}

export interface JudgmentRequest {
  readonly executionId: string;
  /** Stage name or refId. */
  readonly stage: string;
  readonly judgment: 'continue' | 'stop';
  readonly input?: string;
}

export interface PromoteRequest {
  readonly executionId: string;
  /** Stage name or refId; absent: the one stage waiting for a promote. */
  readonly stage?: string;
}

export interface CancelResult extends ExecutionDetails {
  /** false when the execution had already ended. */
  readonly changed: boolean;
}

export async function triggerPipeline(request: TriggerPipelineRequest, caller: Caller, deps: OperationsDeps): Promise<ManualTriggerResult> {
  return triggerManually({ ...request, user: caller.user }, deps.triggers);
}

export interface ApplicationSummary {
  readonly name: string;
  readonly pipelines: number;
  /** The caller's permissions on it (GET /applications adds them; it lists only what the caller may READ). */
  readonly permissions?: readonly Permission[];
}

/** Every application that has a pipeline, by name. */
export async function listApplications(deps: OperationsDeps): Promise<ApplicationSummary[]> {
  const counts = new Map<string, number>();
  for (const entry of await deps.triggers.registry.list()) counts.set(entry.pipeline.application, (counts.get(entry.pipeline.application) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([name, pipelines]) => ({ name, pipelines }));
}

/** An application's pipelines (disabled ones too, marked), in the registry's order. */
export async function listPipelines(application: string, deps: OperationsDeps): Promise<PipelineSummary[]> {
  const entries = (await deps.triggers.registry.list()).filter((e) => e.pipeline.application === application);
  return entries.map(pipelineSummary);
}

export async function listExecutions(query: ListExecutionsQuery, deps: OperationsDeps): Promise<Array<ExecutionSummary | ExecutionWithStages>> {
  if (!query.application) throw new InvalidInputError('application is required');
  if (query.status !== undefined && !EXECUTION_STATUSES.includes(query.status as ExecutionStatus)) {
    throw new InvalidInputError(`status '${query.status}' is not one of ${EXECUTION_STATUSES.join(', ')}`);
  }
  const limit = query.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new InvalidInputError('limit must be a whole number from 1 to 500');
  let pipelineName = query.pipeline;
  if (query.pipeline) {
    const entry = await deps.triggers.registry.get(query.application, query.pipeline);
    if (entry) pipelineName = entry.pipeline.name;
  }
  const records = await deps.triggers.store.list({
    application: query.application,
    ...(pipelineName ? { pipelineName } : {}),
    ...(query.status ? { status: query.status } : {}),
    limit,
  });
  if (query.expand !== 'stages') return records.map(executionSummary);
  // One query per execution: bounded by `limit`, and a poll of unchanged runs answers 304.
  return Promise.all(records.map(async (r) => executionWithStages(await deps.triggers.store.load(r.id))));
}

export async function getExecution(executionId: string, deps: OperationsDeps): Promise<ExecutionDetails> {
  return executionDetails(await deps.triggers.store.load(executionId));
}

export async function cancelExecution(executionId: string, caller: Caller, deps: OperationsDeps, reason?: string): Promise<CancelResult> {
  const t = deps.triggers;
  const result = await cancelCore(
    executionId,
    {
      store: t.store,
      clock: t.clock,
      notifier: t.notifier,
      stopper: deps.stopper,
      queue: t.queue,
      ...(deps.successors ? { successors: deps.successors } : {}),
      ...(deps.cancelElsewhere ? { cancelElsewhere: deps.cancelElsewhere } : {}),
    },
    { user: caller.user, ...(reason ? { reason } : {}) },
  );
  return { ...executionDetails(await t.store.load(result.execution.id)), changed: result.changed };
}

/**
 * Pauses a running execution (pause.ts: its stages stop at their next call, none starts until
 * resume), or holds a run that waits for a concurrency slot. Pausing a paused one changes nothing.
 */
export async function pauseExecution(executionId: string, caller: Caller, deps: OperationsDeps): Promise<ExecutionDetails & { changed: boolean }> {
  const t = deps.triggers;
  const record = await t.store.getExecution(executionId);
  if (!record) throw new ExecutionNotFoundError(`no execution '${executionId}'`);
  let changed: boolean;
  if (isWaiting(record)) {
    changed = record.status !== 'PAUSED';
    await t.queue.pause(executionId, caller.user);
  } else changed = (await pauseRunning(t.store, t.clock, executionId, caller.user)).changed;
  if (changed) t.log.info('execution paused', { executionId, user: caller.user });
  return { ...(await getExecution(executionId, deps)), changed };
}

/** Resumes a paused execution, or lets a paused waiting run start (now, if a slot is free). */
export async function resumeExecution(
  executionId: string,
  caller: Caller,
  deps: OperationsDeps,
): Promise<ExecutionDetails & { started: boolean; changed: boolean }> {
  const t = deps.triggers;
  const record = await t.store.getExecution(executionId);
  if (!record) throw new ExecutionNotFoundError(`no execution '${executionId}'`);
  if (!isWaiting(record)) {
    const { changed } = await resumeRunning(t.store, t.clock, executionId, caller.user);
    if (changed) t.log.info('execution resumed', { executionId, user: caller.user });
    return { ...(await getExecution(executionId, deps)), started: false, changed };
  }
  const entry = await t.registry.get(record.application, record.pipelineId);
  const changed = record.status === 'PAUSED';
  const { started } = await t.queue.resume(executionId, caller.user, entry ? concurrencyPolicyOf(entry.pipeline) : undefined);
  return { ...(await getExecution(executionId, deps)), started, changed };
}

export interface RestartStageRequest {
  readonly executionId: string;
  /** Stage refId or name. */
  readonly stage: string;
  /** Repeating a request with the same key repeats nothing (restart.ts). */
  readonly idempotencyKey?: string;
}

export interface RestartStageResult extends ExecutionDetails {
  /** The stages set back to NOT_STARTED: the restarted one and every stage after it. */
  readonly restartedStages: readonly string[];
  /** false when the request repeated one already carried out. */
  readonly changed: boolean;
}

/** Restarts a failed or canceled stage of a finished execution: the same record runs on from it. */
export async function restartExecutionStage(request: RestartStageRequest, caller: Caller, deps: OperationsDeps): Promise<RestartStageResult> {
  const t = deps.triggers;
  const record = await t.store.getExecution(request.executionId);
  if (!record) throw new ExecutionNotFoundError(`no execution '${request.executionId}'`);
  const entry = await t.registry.get(record.application, record.pipelineId);
  const result = await restartStage(
    {
      executionId: request.executionId,
      stage: request.stage,
      user: caller.user,
      ...(request.idempotencyKey !== undefined ? { key: request.idempotencyKey } : {}),
    },
    { store: t.store, clock: t.clock, launcher: t.launcher, queue: t.queue, ...(entry ? { policy: concurrencyPolicyOf(entry.pipeline) } : {}) },
  );
  if (result.changed) t.log.info('stage restarted', { executionId: request.executionId, stage: request.stage, stages: result.stages, user: caller.user });
  return { ...(await getExecution(request.executionId, deps)), restartedStages: result.stages, changed: result.changed };
}

/** Answers a manual judgment; the caller must hold one of the stage's requiredJudgmentRoles. */
export async function judgeStage(request: JudgmentRequest, caller: Caller, deps: OperationsDeps): Promise<StageDetails> {
  const t = deps.triggers;
  const execution = await t.store.load(request.executionId);
  const stage = execution.stages.find((s) => s.refId === request.stage || s.name === request.stage);
  if (stage && stage.type === 'manualJudgment') {
    const state = judgmentStateOf(stage.context);
    const required = state.requiredRoles;
    if (required.length > 0 && !holdsAnyRole(required, caller.roles, process.env[HOME_ACCOUNT_ENV])) {
      throw new ForbiddenError(`${caller.user} may not judge '${stage.name}': it requires one of the roles ${required.join(', ')}`);
    }
    const inputs = state.inputs;
    if (request.input !== undefined && inputs.length > 0 && !inputs.includes(request.input)) {
      throw new InvalidInputError(`'${request.input}' is not one of the judgment inputs: ${inputs.join(', ')}`);
    }
  }
  const written = await submitJudgment(
    {
      executionId: request.executionId,
      stage: request.stage,
      judgment: request.judgment,
      ...(request.input !== undefined ? { input: request.input } : {}),
      user: caller.user,
      roles: caller.roles,
    },
    { store: t.store, clock: t.clock, resume: deps.resume },
  );
  t.log.info('judgment submitted', { executionId: request.executionId, stage: written.refId, judgment: request.judgment, user: caller.user });
  return stageDetails(written);
}

/** Promotes a progressive traffic step that waits for one (the caller needs EXECUTE, checked by the route). */
export async function promoteStage(request: PromoteRequest, caller: Caller, deps: OperationsDeps): Promise<StageDetails> {
  const t = deps.triggers;
  const written = await submitPromote(
    { executionId: request.executionId, ...(request.stage !== undefined ? { stage: request.stage } : {}), user: caller.user },
    { store: t.store, clock: t.clock, resume: deps.resume },
  );
  t.log.info('promote submitted', { executionId: request.executionId, stage: written.refId, user: caller.user });
  return stageDetails(written);
}

export async function clusterView(query: { application: string; account?: string; region?: string }, deps: OperationsDeps): Promise<ApplicationClusters> {
  if (!deps.clusters) throw new FeatureUnavailableError('the cluster view needs the cloud driver, which this deployment does not include');
  if (!query.application) throw new InvalidInputError('application is required');
  return deps.clusters.describeApplication(query);
}

/** Resumes a callback task (what submitJudgment calls in AWS). */
export const sfnResume = (sfn?: SFNClient): ResumeCallback => sfnTaskResumer(sfn);

/** Everything the CLI can ask of a deployed stack (over its HTTP API). */
export interface GennakerApi {
  listApplications(): Promise<ApplicationSummary[]>;
  listPipelines(application: string): Promise<PipelineSummary[]>;
  triggerPipeline(request: TriggerPipelineRequest): Promise<ManualTriggerResult>;
  listExecutions(query: ListExecutionsQuery): Promise<ExecutionSummary[]>;
  getExecution(executionId: string): Promise<ExecutionDetails>;
  cancelExecution(executionId: string, reason?: string): Promise<CancelResult>;
  pauseExecution(executionId: string): Promise<ExecutionDetails & { changed: boolean }>;
  resumeExecution(executionId: string): Promise<ExecutionDetails & { started: boolean; changed: boolean }>;
  restartStage(request: RestartStageRequest): Promise<RestartStageResult>;
  judgeStage(request: JudgmentRequest): Promise<StageDetails>;
  promoteStage(request: PromoteRequest): Promise<StageDetails>;
  clusterView(query: { application: string; account?: string; region?: string }): Promise<ApplicationClusters>;
}
