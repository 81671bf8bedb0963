/**
 * What each Task state sends to its Lambda, typed by the engine's own schema
 * (state-machines/contract/engine.ts). State data stays small ({executionId, caught}); stage
 * configuration travels in the Task's own Parameters and everything else lives in DynamoDB.
 */
import type {
  CompletePayloadSchema,
  PayloadTemplate,
  PipelineSkeleton,
  RecordPayloadSchema,
  RunPayloadSchema,
  StageIdentity,
  StagePayload,
  StartPayloadSchema,
} from '../contract/engine.js';
import type { Pipeline, Stage } from '../model/pipeline.js';
import { stageSkeleton } from '../model/skeleton.js';

/** The skeleton the start task writes into the execution record. */
export function pipelineSkeleton(pipeline: Pipeline): PipelineSkeleton {
  return {
    application: pipeline.application,
    name: pipeline.name,
    id: pipeline.id,
    parameterConfig: pipeline.parameterConfig.map((p) => ({ ...p })),
    notifications: pipeline.notifications.map((n) => ({ ...n })),
    limitConcurrent: pipeline.limitConcurrent,
    maxConcurrentExecutions: pipeline.maxConcurrentExecutions,
    keepWaitingPipelines: pipeline.keepWaitingPipelines,
    stages: pipeline.stages.map((s) => {
      const { requisiteStageRefIds, notifications, ...rest } = stageSkeleton(s);
      return { ...rest, requisiteStageRefIds: [...requisiteStageRefIds], ...(notifications ? { notifications: notifications.map((n) => ({ ...n })) } : {}) };
    }),
  };
}

export function startPayload(pipeline: Pipeline): PayloadTemplate<typeof StartPayloadSchema, 'executionId' | 'input'> {
  return { op: 'start', 'executionId.$': '$.executionId', 'input.$': '$', pipeline: pipelineSkeleton(pipeline) };
}

/** What a stage call reads besides itself and its requisites, and which requisites it polls for. */
export interface StageAccess {
  readonly reads: StagePayload['reads'];
  readonly awaits?: readonly string[];
}

/** The Task's token (state-machines/compiler/asl.ts answeredInvoke): the function answers it with the outcome. */
const TASK_TOKEN = { 'taskToken.$': '$$.Task.Token' } as const;

export function runPayload(stage: Stage, access: StageAccess): PayloadTemplate<typeof RunPayloadSchema, 'executionId' | 'taskToken'> {
  return { op: 'run', 'executionId.$': '$.executionId', stage: stagePayload(stage, access), ...TASK_TOKEN };
}

/** The shared error recorder of a branch, given the branch's stages in the order they run. */
export function recordPayload(stages: readonly Stage[]): PayloadTemplate<typeof RecordPayloadSchema, 'executionId' | 'error' | 'taskToken'> {
  return { op: 'record', 'executionId.$': '$.executionId', stages: stages.map(identityOf), 'error.$': '$.error', ...TASK_TOKEN };
}

export function completePayload(): PayloadTemplate<typeof CompletePayloadSchema, 'executionId' | 'caught' | 'taskToken'> {
  return { op: 'complete', 'executionId.$': '$.executionId', 'caught.$': '$.caught', ...TASK_TOKEN };
}

function identityOf(stage: Stage): StageIdentity {
  return {
    refId: stage.refId,
    name: stage.name,
    type: stage.type,
    failurePolicy: stage.failurePolicy,
    ...(stage.sendNotifications ? { sendNotifications: true } : {}),
  } as StageIdentity;
}

function stagePayload(stage: Stage, access: StageAccess) {
  return {
    ...identityOf(stage),
    ...(stage.requisiteStageRefIds.length > 0 ? { requisiteStageRefIds: [...stage.requisiteStageRefIds] } : {}),
    ...(access.reads === 'all' ? { reads: 'all' as const } : access.reads.length > 0 ? { reads: [...access.reads] } : {}),
    ...(access.awaits && access.awaits.length > 0 ? { awaits: [...access.awaits] } : {}),
    ...(stage.enabledExpression !== undefined ? { enabledExpression: stage.enabledExpression } : {}),
    ...(stage.executionWindow ? { executionWindow: stage.executionWindow } : {}),
    ...(stage.stageTimeoutMs !== undefined ? { stageTimeoutMs: stage.stageTimeoutMs } : {}),
    config: settingsOf(stage.config),
  };
}

/** Fields every stage has live beside `config` already; the rest is the type's own settings. */
const COMMON_FIELDS = new Set([
  'refId',
  'requisiteStageRefIds',
  'type',
  'name',
  'failPipeline',
  'continuePipeline',
  'completeOtherBranchesThenFail',
  'stageEnabled',
  'restrictExecutionDuringTimeWindow',
  'restrictedExecutionWindow',
  'stageTimeoutMs',
  'sendNotifications',
]);

function settingsOf(config: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([key]) => !COMMON_FIELDS.has(key)));
}
