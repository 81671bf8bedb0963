/**
 * What the API shows of executions: the record without its internal fields (queue bookkeeping)
 * and without any stage's callbackToken (whoever holds it can resume the state machine).
 */
import type { ExecutionRecord, ExecutionView, StageRecord } from '../core/execution-model.js';

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
}

export interface ExecutionDetails extends ExecutionSummary {
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
  };
}

export function executionDetails(view: ExecutionView): ExecutionDetails {
  return { ...executionSummary(view), stages: view.stages.map(stageDetails) };
}
