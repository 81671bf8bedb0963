/** The view of an execution that `${...}` expressions evaluate against. */
import type { EvaluationContext, StageView } from '../../../state-machines/expressions/index.js';
import type { ExecutionView } from '../execution-model.js';

export function stageViews(execution: ExecutionView): StageView[] {
  return execution.stages.map((s) => ({
    refId: s.refId,
    name: s.name,
    type: s.type,
    status: s.status,
    context: s.context,
    outputs: s.outputs,
    requisiteStageRefIds: [...s.requisiteStageRefIds],
    ...(s.startTime !== undefined ? { startTime: s.startTime } : {}),
    ...(s.endTime !== undefined ? { endTime: s.endTime } : {}),
  }));
}

export function evaluationContext(execution: ExecutionView, currentStageRefId?: string): EvaluationContext {
  return {
    execution: {
      id: execution.id,
      application: execution.application,
      name: execution.pipelineName,
      status: execution.status,
      startTime: execution.startTime,
      trigger: execution.trigger,
      parameters: execution.parameters,
      stages: stageViews(execution),
    },
    ...(currentStageRefId !== undefined ? { currentStageRefId } : {}),
  };
}
