/**
 * What each Task state sends to its Lambda. State data stays small ({executionId, caught, result});
 * stage configuration travels in the Task's own Parameters and everything else lives in DynamoDB.
 */
import type { Pipeline, Stage } from '../model/pipeline.js';
import { stageSkeleton } from '../model/skeleton.js';

export type EngineOp = 'start' | 'run' | 'fail' | 'await' | 'complete';

/** The skeleton the start task writes into the execution record. */
export function pipelineSkeleton(pipeline: Pipeline): Record<string, unknown> {
  return {
    application: pipeline.application,
    name: pipeline.name,
    id: pipeline.id,
    parameterConfig: pipeline.parameterConfig,
    notifications: pipeline.notifications,
    limitConcurrent: pipeline.limitConcurrent,
    maxConcurrentExecutions: pipeline.maxConcurrentExecutions,
    keepWaitingPipelines: pipeline.keepWaitingPipelines,
    stages: pipeline.stages.map(stageSkeleton),
  };
}

export function startPayload(pipeline: Pipeline): Record<string, unknown> {
  return { op: 'start', 'executionId.$': '$.executionId', 'input.$': '$', pipeline: pipelineSkeleton(pipeline) };
}

export function runPayload(stage: Stage, callback: boolean): Record<string, unknown> {
  return {
    op: 'run',
    'executionId.$': '$.executionId',
    stage: stagePayload(stage),
    ...(callback ? { 'taskToken.$': '$$.Task.Token' } : {}),
  };
}

export function failPayload(stage: Stage): Record<string, unknown> {
  const identity = { refId: stage.refId, name: stage.name, type: stage.type, failurePolicy: stage.failurePolicy };
  return { op: 'fail', 'executionId.$': '$.executionId', stage: { ...identity, ...(stage.sendNotifications ? { sendNotifications: true } : {}) }, 'error.$': '$.error' };
}

export function awaitPayload(refId: string, on: readonly string[]): Record<string, unknown> {
  return { op: 'await', 'executionId.$': '$.executionId', refId, on: [...on] };
}

export function completePayload(): Record<string, unknown> {
  return { op: 'complete', 'executionId.$': '$.executionId', 'caught.$': '$.caught' };
}

function stagePayload(stage: Stage): Record<string, unknown> {
  return {
    refId: stage.refId,
    name: stage.name,
    type: stage.type,
    failurePolicy: stage.failurePolicy,
    ...(stage.enabledExpression !== undefined ? { enabledExpression: stage.enabledExpression } : {}),
    ...(stage.executionWindow ? { executionWindow: stage.executionWindow } : {}),
    ...(stage.stageTimeoutMs !== undefined ? { stageTimeoutMs: stage.stageTimeoutMs } : {}),
    ...(stage.sendNotifications ? { sendNotifications: true } : {}),
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
