/** The flow-control family: stages that touch only executions. */
import type { Notifier } from '../../core/notifications.js';
import type { PipelineLauncher } from '../../core/pipeline-launcher.js';
import type { StageImplementation } from '../../core/stage-api.js';
import { checkPreconditionsStage, type PreconditionCheck } from '../../core/check-preconditions.js';
import { evaluateVariablesStage } from './evaluate-variables.js';
import { manualJudgmentStage } from './manual-judgment.js';
import { pipelineStage } from './pipeline.js';
import { waitStage } from './wait.js';

export interface FlowDeps {
  readonly notifier: Notifier;
  readonly launcher: PipelineLauncher;
  readonly preconditions?: Record<string, PreconditionCheck>;
}

export function flowStages(deps: FlowDeps): StageImplementation[] {
  return [waitStage, checkPreconditionsStage(deps.preconditions), manualJudgmentStage(deps.notifier), evaluateVariablesStage, pipelineStage(deps.launcher)];
}
