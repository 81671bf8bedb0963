/**
 * Pipeline-completed events (emitted by the lifecycle handler) → Spinnaker's pipeline trigger
 * object `{type: 'pipeline', parentExecution, parentPipelineId, parentPipelineName,
 * parentPipelineApplication, parentStatus}`. A pipeline trigger `{type: 'pipeline', application,
 * pipeline, status: ['successful', 'failed', 'canceled']}` matches when the finished pipeline is
 * the one it names (id or name) and its status is listed. Pure.
 */
import * as z from 'zod/mini';
import '../../../state-machines/zod-messages.js';
import type { TriggerConfig } from '../../../state-machines/model/schema.js';
import type { MatchResult } from '../dispatch.js';
import type { EventBridgeEvent } from '../events.js';
import { ignored, jsonSize, MAX_TRIGGER_PAYLOAD_BYTES, type Normalized, parseOrRefuse } from '../normalized.js';
import { COMPLETED_DETAIL_TYPE, COMPLETED_EVENT_SOURCE, type PipelineCompletedDetail } from '../lifecycle/completed-event.js';

const Detail = z.looseObject({
  executionId: z.string().check(z.minLength(1)),
  application: z.string().check(z.minLength(1)),
  pipelineId: z.string().check(z.minLength(1)),
  pipelineName: z.string().check(z.minLength(1)),
  status: z.enum(['SUCCEEDED', 'TERMINAL', 'CANCELED']),
  startTime: z.number(),
  endTime: z.optional(z.number()),
  error: z.optional(z.string()),
  trigger: z._default(z.record(z.string(), z.unknown()), {}),
  parameters: z._default(z.record(z.string(), z.unknown()), {}),
  stages: z._default(z.array(z.looseObject({ refId: z.string(), name: z.string(), type: z.string(), status: z.string() })), []),
});

/** Orca status → the word Spinnaker's pipeline trigger lists. */
const TRIGGER_STATUS: Readonly<Record<PipelineCompletedDetail['status'], string>> = {
  SUCCEEDED: 'successful',
  TERMINAL: 'failed',
  CANCELED: 'canceled',
};

export function normalizeCompleted(event: EventBridgeEvent): Normalized<PipelineCompletedDetail> {
  if (event.source !== COMPLETED_EVENT_SOURCE || event['detail-type'] !== COMPLETED_DETAIL_TYPE) {
    return ignored(`not a pipeline-completed event (${event.source} / ${event['detail-type']})`);
  }
  return { kind: 'event', event: parseOrRefuse(Detail, event.detail, 'pipeline-completed event') };
}

export function pipelineTrigger(parent: PipelineCompletedDetail): Record<string, unknown> {
  return {
    type: 'pipeline',
    user: typeof parent.trigger.user === 'string' ? parent.trigger.user : '[anonymous]',
    parentExecution: {
      id: parent.executionId,
      application: parent.application,
      name: parent.pipelineName,
      pipelineConfigId: parent.pipelineId,
      status: parent.status,
      startTime: parent.startTime,
      ...(parent.endTime !== undefined ? { endTime: parent.endTime } : {}),
      ...(parent.error ? { error: parent.error } : {}),
      trigger: parent.trigger,
      parameters: parent.parameters,
      // The child's state machine input is capped (256 KB): stage outputs only when they are small.
      stages: jsonSize(parent.stages) <= MAX_TRIGGER_PAYLOAD_BYTES ? parent.stages : parent.stages.map(({ outputs: _o, ...s }) => s),
    },
    parentPipelineId: parent.pipelineId,
    parentPipelineName: parent.pipelineName,
    parentPipelineApplication: parent.application,
    parentStatus: TRIGGER_STATUS[parent.status],
  };
}

export function matchPipelineTrigger(config: TriggerConfig, parent: PipelineCompletedDetail, self: { application: string; id: string }): MatchResult {
  const c = config as TriggerConfig & { application?: unknown; pipeline?: unknown; status?: unknown };
  if (c.application !== parent.application) return { matched: false };
  if (c.pipeline !== parent.pipelineId && c.pipeline !== parent.pipelineName) return { matched: false };
  if (self.application === parent.application && self.id === parent.pipelineId) {
    return { matched: false, reason: 'a pipeline does not trigger itself' };
  }
  const wanted = Array.isArray(c.status) && c.status.length > 0 ? c.status.map((s) => String(s).toLowerCase()) : ['successful'];
  const status = TRIGGER_STATUS[parent.status];
  if (!wanted.includes(status)) return { matched: false, reason: `parent ${status}, trigger wants ${wanted.join('/')}` };
  return { matched: true };
}
