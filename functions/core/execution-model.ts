/**
 * The execution record, after Orca's execution JSON: one execution item plus one item per stage
 * that has started. Stages not yet started are NOT_STARTED in the skeleton.
 */
import type { FailurePolicy } from '../../state-machines/model/pipeline.js';
import type { LaunchRequest } from './pipeline-launcher.js';
import type { StageStatus } from './stage-api.js';

export type ExecutionStatus = 'NOT_STARTED' | 'RUNNING' | 'SUCCEEDED' | 'TERMINAL' | 'CANCELED' | 'PAUSED';

export interface StageSkeleton {
  readonly refId: string;
  readonly name: string;
  readonly type: string;
  readonly requisiteStageRefIds: readonly string[];
  readonly failurePolicy: FailurePolicy;
  /** The stage's own notification settings (Spinnaker's `notifications` on a stage). */
  readonly notifications?: readonly Record<string, unknown>[];
}

export interface ExecutionRecord {
  readonly id: string;
  readonly application: string;
  readonly pipelineName: string;
  readonly pipelineId: string;
  readonly status: ExecutionStatus;
  readonly trigger: Record<string, unknown>;
  readonly parameters: Record<string, unknown>;
  readonly startTime: number;
  readonly endTime?: number;
  readonly error?: string;
  readonly skeleton: readonly StageSkeleton[];
  readonly notifications?: readonly Record<string, unknown>[];
  /** Set while the execution runs: who may cancel it, where its state machine run is. */
  readonly stateMachineExecutionArn?: string;
  readonly canceledBy?: string;
  /**
   * A waiting run claimed for starting keeps its launch request here until its state machine run
   * is started, so a start cut short (the claiming function died) can be made later (concurrency.ts).
   */
  readonly pendingLaunch?: LaunchRequest;
  readonly version: number;
}

export interface StageRecord {
  readonly refId: string;
  readonly name: string;
  readonly type: string;
  readonly requisiteStageRefIds: readonly string[];
  readonly status: StageStatus;
  readonly context: Record<string, unknown>;
  readonly outputs: Record<string, unknown>;
  readonly startTime?: number;
  readonly endTime?: number;
  readonly error?: string;
  /** Task token of a callback stage that waits; never shown outside the engine. */
  readonly callbackToken?: string;
  readonly version: number;
}

export interface ExecutionView extends ExecutionRecord {
  readonly stages: readonly StageRecord[];
}

export function notStartedStage(skeleton: StageSkeleton): StageRecord {
  return {
    refId: skeleton.refId,
    name: skeleton.name,
    type: skeleton.type,
    requisiteStageRefIds: skeleton.requisiteStageRefIds,
    status: 'NOT_STARTED',
    context: {},
    outputs: {},
    version: 0,
  };
}

export const FINAL_EXECUTION_STATUSES: ReadonlySet<ExecutionStatus> = new Set(['SUCCEEDED', 'TERMINAL', 'CANCELED']);
