/**
 * The pipeline-completed event the lifecycle handler emits on EventBridge (source `gennaker`,
 * detail-type `Pipeline Execution Completed`, bus GENNAKER_EVENT_BUS or `default`), which
 * pipeline triggers listen to. The detail stays well under EventBridge's 256 KB entry limit:
 * stage outputs are left out when they would make it large.
 */
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { ExecutionView } from '../../core/execution-model.js';
import { triggerClients } from '../clients.js';
import { TriggerError } from '../errors.js';
import { jsonSize } from '../normalized.js';

export const COMPLETED_EVENT_SOURCE = 'gennaker';
export const COMPLETED_DETAIL_TYPE = 'Pipeline Execution Completed';
export const EVENT_BUS_ENV = 'GENNAKER_EVENT_BUS';

const MAX_DETAIL_BYTES = 200 * 1024;

interface CompletedStage {
  readonly refId: string;
  readonly name: string;
  readonly type: string;
  readonly status: string;
  readonly outputs?: Readonly<Record<string, unknown>>;
}

/** The final statuses an execution ends with. */
type CompletedStatus = 'SUCCEEDED' | 'TERMINAL' | 'CANCELED';

export interface PipelineCompletedDetail {
  readonly executionId: string;
  readonly application: string;
  readonly pipelineId: string;
  readonly pipelineName: string;
  readonly status: CompletedStatus;
  readonly startTime: number;
  readonly endTime?: number;
  readonly error?: string;
  readonly trigger: Readonly<Record<string, unknown>>;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly stages: readonly CompletedStage[];
}

/** Pure: the event detail for a finished execution. */
export function completedDetail(execution: ExecutionView): PipelineCompletedDetail {
  const trigger = execution.trigger;
  const summary = {
    type: trigger.type,
    user: trigger.user,
    ...(trigger.parentExecution ? { parentExecutionId: (trigger.parentExecution as { id?: unknown }).id } : {}),
  };
  const base = {
    executionId: execution.id,
    application: execution.application,
    pipelineId: execution.pipelineId,
    pipelineName: execution.pipelineName,
    status: execution.status as CompletedStatus,
    startTime: execution.startTime,
    ...(execution.endTime !== undefined ? { endTime: execution.endTime } : {}),
    ...(execution.error ? { error: execution.error.slice(0, 4000) } : {}),
    trigger: summary,
    parameters: execution.parameters,
  };
  const withOutputs: PipelineCompletedDetail = {
    ...base,
    stages: execution.stages.map((s) => ({ refId: s.refId, name: s.name, type: s.type, status: s.status, outputs: s.outputs })),
  };
  if (jsonSize(withOutputs) <= MAX_DETAIL_BYTES) return withOutputs;
  return { ...base, stages: execution.stages.map((s) => ({ refId: s.refId, name: s.name, type: s.type, status: s.status })) };
}

export interface CompletedEventPublisher {
  publish(detail: PipelineCompletedDetail): Promise<void>;
}

class EventPublishError extends TriggerError {}

export class EventBridgePublisher implements CompletedEventPublisher {
  constructor(
    private readonly client: EventBridgeClient = triggerClients.eventBridge(),
    private readonly busName: string = process.env[EVENT_BUS_ENV] ?? 'default',
  ) {}

  async publish(detail: PipelineCompletedDetail): Promise<void> {
    const out = await this.client.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: COMPLETED_EVENT_SOURCE,
            DetailType: COMPLETED_DETAIL_TYPE,
            Detail: JSON.stringify(detail),
            EventBusName: this.busName,
            Resources: [],
          },
        ],
      }),
    );
    if ((out.FailedEntryCount ?? 0) > 0) {
      const entry = out.Entries?.[0];
      throw new EventPublishError(
        `EventBridge refused the completed event of ${detail.executionId}: ${entry?.ErrorCode ?? ''} ${entry?.ErrorMessage ?? ''}`.trim(),
      );
    }
  }
}

/** The EventBridge event a rule would deliver for a detail (for in-process delivery in local mode). */
export function completedEvent(detail: PipelineCompletedDetail, id = `local-${detail.executionId}`): Record<string, unknown> {
  return {
    version: '0',
    id,
    'detail-type': COMPLETED_DETAIL_TYPE,
    source: COMPLETED_EVENT_SOURCE,
    time: new Date(detail.endTime ?? Date.now()).toISOString(),
    resources: [],
    detail,
  };
}

/** Delivers completed events straight to a handler (local mode has no EventBridge rules). */
export function inProcessPublisher(deliver: (event: Record<string, unknown>) => Promise<unknown>): CompletedEventPublisher {
  return { publish: async (detail) => void (await deliver(completedEvent(detail))) };
}
