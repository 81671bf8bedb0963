/**
 * Preconfigured webhook stages (state-machines/stage-types/preconfigured-webhooks.ts) run as
 * webhook stages: for each call the definition's request fields are evaluated with the stage's
 * `parameterValues` (Orca's `${parameterValues.name}`), laid over the stage's own fields, and given
 * to the webhook implementation, which resolves the definition's secret references in this call's
 * scope. The definitions come from the settings file the platform bundles beside the function
 * (functions/core/preconfigured-webhook-types.ts).
 */
import { evaluateAll, type EvaluationContext } from '../../../../state-machines/expressions/index.js';
import { loadPatternEngineFor } from '../../../../state-machines/expressions/regex.js';
import { fixedFields, parametersOf, type PreconfiguredWebhook } from '../../../../state-machines/stage-types/preconfigured-webhooks.js';
import { StageConfigError, type StageImplementation, type StageRunContext } from '../../../core/stage-api.js';

/** The stage's config as the webhook implementation sees it for this call. */
function preconfiguredConfig(webhook: PreconfiguredWebhook, ctx: StageRunContext): Record<string, unknown> {
  const parameterValues = parametersOf(webhook, ctx.stage.config.parameterValues);
  const template = Object.fromEntries(fixedFields(webhook).map((f) => [f, (webhook as Record<string, unknown>)[f]]));
  const evaluated = evaluateAll(template, withStageContext(ctx.evaluation, ctx.stage.refId, { parameterValues }));
  if (evaluated.errors.length > 0) {
    throw new StageConfigError(`preconfigured webhook '${webhook.type}': ${evaluated.errors.map((e) => `${e.expression}: ${e.message}`).join('; ')}`);
  }
  return { ...ctx.stage.config, ...(evaluated.value as Record<string, unknown>), parameterValues };
}

/** Expressions in a definition see the stage's parameterValues as Orca's do: as a name of the stage's context. */
function withStageContext(evaluation: EvaluationContext, refId: string, extra: Record<string, unknown>): EvaluationContext {
  const stages = evaluation.execution.stages.some((s) => s.refId === refId)
    ? evaluation.execution.stages.map((s) => (s.refId === refId ? { ...s, context: { ...s.context, ...extra } } : s))
    : [...evaluation.execution.stages, { refId, name: refId, type: 'webhook', status: 'RUNNING', context: extra, outputs: {} }];
  return { ...evaluation, execution: { ...evaluation.execution, stages }, currentStageRefId: refId };
}

/** One stage type per definition, each running the given webhook implementation on its merged config. */
export function preconfiguredWebhookStages(webhooks: readonly PreconfiguredWebhook[], webhookStage: StageImplementation): StageImplementation[] {
  return webhooks.map((webhook) => {
    const merged = async (ctx: StageRunContext): Promise<StageRunContext> => {
      // The definition's references are the operator's: any application's stage of this type may send them where the definition does.
      ctx.secrets?.grant(webhook);
      await loadPatternEngineFor(webhook);
      return { ...ctx, stage: { ...ctx.stage, config: preconfiguredConfig(webhook, ctx) } };
    };
    return {
      type: webhook.type,
      ...(webhookStage.secrets ? { secrets: webhookStage.secrets } : {}),
      run: async (ctx) => webhookStage.run(await merged(ctx)),
      ...(webhookStage.cancel ? { cancel: async (ctx: StageRunContext) => webhookStage.cancel!(await merged(ctx)) } : {}),
    };
  });
}
