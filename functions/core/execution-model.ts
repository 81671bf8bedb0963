/**
 * The execution record, after Orca's execution JSON: a header, the skeleton (the stages the run
 * started with) and one item per stage that has been written. Stages not yet written are
 * NOT_STARTED in the view.
 */
import { type StageSkeleton, stageSkeleton } from '../../state-machines/model/skeleton.js';
import type { StageStatus } from './stage-api.js';

export type { StageSkeleton } from '../../state-machines/model/skeleton.js';

/** What starting a run needs (pipeline-launcher.ts starts it; a waiting run keeps it in its record). */
export interface LaunchRequest {
  readonly application: string;
  /** Pipeline id or name. */
  readonly pipeline: string;
  /** Deterministic: launching the same id twice starts one execution. */
  readonly executionId: string;
  readonly trigger: Record<string, unknown>;
  readonly parameters: Record<string, unknown>;
  /**
   * A run of an execution that exists (a restart, restart.ts): the state machine run's own name
   * (default: the execution id). Its stages that finished keep their status and are not run again.
   */
  readonly runName?: string;
  /** With runName: which restart it runs (RestartDetails.attempt). A run ends its execution only while the record is still that attempt's. */
  readonly attempt?: number;
}

export type ExecutionStatus = 'NOT_STARTED' | 'RUNNING' | 'SUCCEEDED' | 'TERMINAL' | 'CANCELED' | 'PAUSED';

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
  readonly notifications?: readonly Record<string, unknown>[];
  /** Set while the execution runs: who may cancel it, where its state machine run is. */
  readonly stateMachineExecutionArn?: string;
  readonly canceledBy?: string;
  /**
   * A waiting run claimed for starting keeps its launch request here until its state machine run
   * is started, so a start cut short (the claiming function died) can be made later (concurrency.ts).
   */
  readonly pendingLaunch?: LaunchRequest;
  /** How many stages halted their branch or the pipeline (execution-store.ts noteHalt). */
  readonly halts?: number;
  /** Set while the execution is paused, and kept after (Orca's `paused`): pause.ts. */
  readonly paused?: PausedDetails;
  /** The last restart of one of its stages (restart.ts); `pending` until its run has started. */
  readonly restart?: RestartDetails;
  /** The pipeline-completed event of this end: claimed while one caller emits it, then sent (engine/completed-event-once.ts); a restart clears it. */
  readonly completedEvent?: CompletedEventMark;
  readonly version: number;
}

interface CompletedEventMark {
  readonly state: 'sending' | 'sent';
  /** The caller that claimed it (one per call). */
  readonly by: string;
  /** When it was claimed (record clock). */
  readonly at: number;
}

/** Orca's PausedDetails, plus every pause window so stage time can leave paused time out. */
export interface PausedDetails {
  readonly pausedBy: string;
  readonly pauseTime: number;
  readonly resumedBy?: string;
  readonly resumeTime?: number;
  /** Paused time of the windows that have ended, in ms. */
  readonly pausedMs: number;
  /** Ended pause windows [from, to] (wall-clock ms), newest last, at most MAX_PAUSE_WINDOWS. */
  readonly windows: ReadonlyArray<readonly [number, number]>;
}

export interface RestartDetails {
  /** Which restart of this execution (1, 2, ...): names its state machine run. */
  readonly attempt: number;
  readonly stage: string;
  readonly restartedBy: string;
  readonly restartTime: number;
  /** The caller's key: the same key again is the same restart (a retried request). */
  readonly key?: string;
  /** The stages it set back to NOT_STARTED (the stage and every stage after it). */
  readonly stages: readonly string[];
  /** true until the continuation run is started. */
  readonly pending: boolean;
}

/** Orca's restartDetails on a restarted stage. */
interface StageRestartDetails {
  /** How many times this stage was restarted: part of the keys its side effects are found by. */
  readonly attempt: number;
  readonly restartedBy: string;
  readonly restartTime: number;
  readonly previousStatus: string;
  readonly previousError?: string;
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
  /** Present once the stage was restarted (restart.ts). */
  readonly restartDetails?: StageRestartDetails;
  readonly version: number;
}

/** The whole execution: header, skeleton and every stage in pipeline order. */
export interface ExecutionView extends ExecutionRecord {
  readonly skeleton: readonly StageSkeleton[];
  readonly stages: readonly StageRecord[];
}

/** A record to create: the header and the skeleton it starts with (execution-store.ts keeps them apart). */
export type NewExecutionRecord = Omit<ExecutionRecord, 'version'> & { readonly skeleton: readonly StageSkeleton[] };

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

/** The pipeline fields an execution record is made from: a Pipeline, or the start step's skeleton. */
export interface ExecutionSource {
  readonly application: string;
  readonly name: string;
  readonly id: string;
  readonly notifications: readonly Record<string, unknown>[];
  readonly stages: ReadonlyArray<Parameters<typeof stageSkeleton>[0]>;
}

/**
 * A new execution record: the one skeleton, whether the run starts now (the start step) or waits
 * for a slot (concurrency.ts). The trigger object carries the resolved parameters, as Orca's does.
 */
export function newExecutionRecord(
  pipeline: ExecutionSource,
  run: {
    readonly id: string;
    readonly status: 'RUNNING' | 'NOT_STARTED';
    readonly trigger: Readonly<Record<string, unknown>>;
    readonly parameters: Record<string, unknown>;
    readonly startTime: number;
    readonly stateMachineExecutionArn?: string | undefined;
  },
): NewExecutionRecord {
  return {
    id: run.id,
    application: pipeline.application,
    pipelineName: pipeline.name,
    pipelineId: pipeline.id,
    status: run.status,
    trigger: { type: 'manual', ...run.trigger, parameters: run.parameters },
    parameters: run.parameters,
    startTime: run.startTime,
    skeleton: pipeline.stages.map(stageSkeleton),
    notifications: pipeline.notifications,
    ...(run.stateMachineExecutionArn ? { stateMachineExecutionArn: run.stateMachineExecutionArn } : {}),
  };
}
