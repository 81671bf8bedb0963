/**
 * `checkPreconditions`, a stage of the flow family that the cloud family also runs (clusterSize
 * checks need its driver): every precondition must hold. Expressions arrive already evaluated (the
 * engine evaluates `${...}` before the stage runs), so an expression precondition is a boolean here.
 */
import { type StageImplementation, type StageRunContext, type TaskResult, stageFields } from './stage-api.js';
import { textOf } from '../../state-machines/model/problems.js';

interface PreconditionResult {
  readonly type: string;
  readonly passed: boolean;
  readonly message: string;
  readonly failPipeline: boolean;
}

/** What the stage keeps in its context: every precondition's outcome. */
const PRECONDITIONS = stageFields<{ readonly preconditionResults: readonly PreconditionResult[] }>();

/** Extra precondition types (e.g. clusterSize from the cloud driver) plug in here. */
export type PreconditionCheck = (context: Record<string, unknown>, ctx: StageRunContext) => Promise<{ passed: boolean; message: string }>;

const builtIn: Record<string, PreconditionCheck> = {
  async expression(context) {
    const value = context.expression;
    const passed = value === true || value === 'true';
    const message = passed ? 'expression is true' : textOf(context.failureMessage ?? `expression evaluated to ${JSON.stringify(value)}, not true`);
    return { passed, message };
  },
  async stageStatus(context, ctx) {
    const name = textOf(context.stageName ?? '');
    const expected = textOf(context.stageStatus ?? '');
    const stage = ctx.stages.find((s) => s.name === name);
    if (!stage) return { passed: false, message: `no stage named '${name}'` };
    const passed = stage.status === expected;
    return { passed, message: passed ? `stage '${name}' is ${expected}` : `stage '${name}' is ${stage.status}, expected ${expected}` };
  },
};

export function checkPreconditionsStage(extra: Record<string, PreconditionCheck> = {}): StageImplementation {
  const checks = { ...builtIn, ...extra };
  return {
    type: 'checkPreconditions',
    validate(config) {
      const list = config.preconditions ?? [];
      if (!Array.isArray(list)) return ['preconditions: must be a list'];
      return list.flatMap((p, i) => {
        const type = (p as { type?: unknown })?.type;
        return typeof type === 'string' && checks[type] ? [] : [`preconditions[${i}].type: '${String(type)}' is not one of ${Object.keys(checks).join(', ')}`];
      });
    },
    async run(ctx): Promise<TaskResult> {
      const list = (ctx.stage.config.preconditions ?? []) as Array<{ type: string; context?: Record<string, unknown>; failPipeline?: boolean }>;
      const results: PreconditionResult[] = [];
      for (const p of list) {
        const outcome = await checks[p.type]!(p.context ?? {}, ctx);
        results.push({ type: p.type, ...outcome, failPipeline: p.failPipeline !== false });
      }
      const failed = results.filter((r) => !r.passed);
      const context = PRECONDITIONS.save({ preconditionResults: results });
      if (failed.length === 0) return { status: 'SUCCEEDED', context };
      const error = failed.map((f) => `${f.type}: ${f.message}`).join('; ');
      // A precondition with failPipeline=false fails the stage but lets the pipeline continue.
      const fatal = failed.some((f) => f.failPipeline);
      return { status: 'FAILED', error, context, ...(fatal ? {} : { failurePolicy: 'ignore' as const }) };
    },
  };
}
