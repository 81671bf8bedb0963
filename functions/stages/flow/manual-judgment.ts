/**
 * `manualJudgment`: records that it waits (instructions, inputs, who may judge), notifies, and
 * returns RUNNING; the state machine then waits on the task token until a judge answers through
 * submitJudgment (functions/core/judgment.ts). The default timeout is three days.
 */
import { JUDGMENT } from '../../core/judgment.js';
import type { Notifier } from '../../core/notifications.js';
import type { StageImplementation } from '../../core/stage-api.js';
import { textOf } from '../../../state-machines/model/problems.js';

function judgmentRoles(config: Record<string, unknown>): string[] {
  const roles = config.requiredJudgmentRoles ?? config.selectedStageRoles ?? [];
  return Array.isArray(roles) ? roles.map(String) : [];
}

export function manualJudgmentStage(notifier: Notifier): StageImplementation {
  return {
    type: 'manualJudgment',
    async run(ctx) {
      const config = ctx.stage.config;
      const inputs: unknown[] = Array.isArray(config.judgmentInputs) ? config.judgmentInputs : [];
      const context = JUDGMENT.save({
        judgmentStatus: 'waiting',
        instructions: config.instructions ?? '',
        judgmentInputs: inputs,
        requiredJudgmentRoles: judgmentRoles(config),
      });
      if (JUDGMENT.of(ctx.state).judgmentStatus !== 'waiting') {
        await notifier.publish({
          event: 'manualJudgment',
          application: ctx.application,
          pipeline: ctx.pipelineName,
          executionId: ctx.executionId,
          stage: { refId: ctx.stage.refId, name: ctx.stage.name, type: ctx.stage.type },
          summary: `Stage '${ctx.stage.name}' of ${ctx.application}/${ctx.pipelineName} awaits a judgment${config.instructions ? `: ${textOf(config.instructions)}` : ''}`,
          details: { judgmentInputs: inputs.map((i) => (i as { value?: unknown }).value ?? i) },
        });
      }
      return { status: 'RUNNING', waitSeconds: 60, context };
    },
  };
}
