/** `evaluateVariables`: expressions evaluated into pipeline-scoped outputs other stages can read. */
import { StageConfigError, type StageImplementation, stageFields } from '../../core/stage-api.js';

/** The stage keeps the variables as configured (Deck shows them). */
const VARIABLES = stageFields<{ readonly variables: readonly unknown[] }>();

export const evaluateVariablesStage: StageImplementation = {
  type: 'evaluateVariables',
  async run(ctx) {
    const variables = ctx.stage.config.variables ?? [];
    if (!Array.isArray(variables)) throw new StageConfigError('variables: must be a list of {key, value}');
    const outputs: Record<string, unknown> = {};
    variables.forEach((v, i) => {
      const key = (v as { key?: unknown })?.key;
      if (typeof key !== 'string' || key.length === 0) throw new StageConfigError(`variables[${i}].key: required`);
      if (['__proto__', 'constructor', 'prototype'].includes(key)) throw new StageConfigError(`variables[${i}].key: '${key}' is reserved`);
      outputs[key] = (v as { value?: unknown }).value ?? null;
    });
    return { status: 'SUCCEEDED', outputs, context: VARIABLES.save({ variables }) };
  },
};
