/**
 * What the API shows of executions (the record without its internal fields (queue bookkeeping)
 * and without any stage's callbackToken: whoever holds it can resume the state machine) and of
 * pipelines (their DAG and parameter form, not their stage settings).
 */
import type { ExecutionRecord, ExecutionView, PausedDetails, RestartDetails, StageRecord } from '../core/execution-model.js';
import type { PipelineEntry } from '../core/pipeline-registry.js';
import type { Pipeline } from '../../state-machines/model/pipeline.js';

export type StageDetails = Omit<StageRecord, 'callbackToken' | 'version'>;

export interface ExecutionSummary {
  readonly id: string;
  readonly application: string;
  readonly pipelineName: string;
  readonly pipelineId: string;
  readonly status: string;
  readonly startTime: number;
  readonly endTime?: number;
  readonly error?: string;
  readonly trigger: Readonly<Record<string, unknown>>;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly canceledBy?: string;
  /** When the run queued for a concurrency slot. */
  readonly queuedAt?: number;
  /**
   * Orca's paused details: set once the execution was paused. `pausedMs` counts ended pauses; while
   * it is paused (no resumeTime) the current pause has lasted since `pauseTime`.
   */
  readonly paused?: {
    readonly pausedBy: string;
    readonly pauseTime: number;
    readonly resumedBy?: string;
    readonly resumeTime?: number;
    readonly pausedMs: number;
  };
  /** The last restart of one of its stages: which, by whom, when, the stages it set back. */
  readonly restart?: {
    readonly attempt: number;
    readonly stage: string;
    readonly restartedBy: string;
    readonly restartTime: number;
    readonly stages: readonly string[];
  };
}

/** A stage as an execution bar segment shows it (no context or outputs). */
interface StageBrief {
  readonly refId: string;
  readonly name: string;
  readonly type: string;
  readonly status: string;
  readonly startTime?: number;
  readonly endTime?: number;
}

export interface ExecutionWithStages extends ExecutionSummary {
  readonly stages: readonly StageBrief[];
}

export function executionWithStages(view: ExecutionView): ExecutionWithStages {
  return {
    ...executionSummary(view),
    stages: view.stages.map((s) => ({
      refId: s.refId,
      name: s.name,
      type: s.type,
      status: s.status,
      ...(s.startTime !== undefined ? { startTime: s.startTime } : {}),
      ...(s.endTime !== undefined ? { endTime: s.endTime } : {}),
    })),
  };
}

export interface ExecutionDetails extends ExecutionSummary {
  /** The Step Functions execution running it (AWS), for a link to its console. */
  readonly stateMachineExecutionArn?: string;
  readonly stages: readonly StageDetails[];
}

export function stageDetails(stage: StageRecord): StageDetails {
  const { callbackToken: _token, version: _version, ...rest } = stage;
  return rest;
}

export function executionSummary(record: ExecutionRecord): ExecutionSummary {
  const r = record as ExecutionRecord & { queuedAt?: number };
  return {
    id: r.id,
    application: r.application,
    pipelineName: r.pipelineName,
    pipelineId: r.pipelineId,
    status: r.status,
    startTime: r.startTime,
    ...(r.endTime !== undefined ? { endTime: r.endTime } : {}),
    ...(r.error ? { error: r.error } : {}),
    trigger: r.trigger,
    parameters: r.parameters,
    ...(r.canceledBy ? { canceledBy: r.canceledBy } : {}),
    ...(typeof r.queuedAt === 'number' ? { queuedAt: r.queuedAt } : {}),
    ...(r.paused ? { paused: pausedView(r.paused) } : {}),
    ...(r.restart ? { restart: restartView(r.restart) } : {}),
  };
}

function pausedView(p: PausedDetails): NonNullable<ExecutionSummary['paused']> {
  const { windows: _w, ...shown } = p;
  return shown;
}

function restartView(r: RestartDetails): NonNullable<ExecutionSummary['restart']> {
  const { key: _k, pending: _p, ...shown } = r;
  return shown;
}

export function executionDetails(view: ExecutionView): ExecutionDetails {
  return {
    ...executionSummary(view),
    ...(view.stateMachineExecutionArn ? { stateMachineExecutionArn: view.stateMachineExecutionArn } : {}),
    stages: view.stages.map(stageDetails),
  };
}

/** What the console needs of a pipeline: its DAG, its parameter form, whether it can start. */
export interface PipelineSummary {
  readonly application: string;
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly disabled: boolean;
  readonly parameterConfig: Pipeline['parameterConfig'];
  readonly triggers: ReadonlyArray<{ readonly type: string; readonly enabled: boolean }>;
  readonly stages: ReadonlyArray<{ readonly refId: string; readonly name: string; readonly type: string; readonly requisiteStageRefIds: readonly string[] }>;
}

export function pipelineSummary(entry: PipelineEntry): PipelineSummary {
  const p = entry.pipeline;
  return {
    application: p.application,
    id: p.id,
    name: p.name,
    ...(p.description ? { description: p.description } : {}),
    disabled: entry.disabled,
    parameterConfig: p.parameterConfig,
    triggers: p.triggers.map((t) => ({ type: t.type, enabled: t.enabled !== false })),
    stages: p.stages.map((s) => ({ refId: s.refId, name: s.name, type: s.type, requisiteStageRefIds: s.requisiteStageRefIds })),
  };
}
