import { fail } from './errors.js';
import type { EvaluationContext, StageView } from './types.js';
import type { PlainMap } from './values.js';
import { isMap, readOwn } from './values.js';

/** Statuses after which a stage's outputs are visible to later stages. */
const COMPLETED_STATUSES: ReadonlySet<string> = new Set(['SUCCEEDED', 'FAILED_CONTINUE']);

/**
 * Resolves top-level names, in Spinnaker's order: `execution`, `trigger`, `parameters`, then the
 * current stage's context, then the outputs of completed stages (the latest to end wins).
 * Built once per evaluation pass; the merged views are computed on first use.
 */
export class Scope {
  private parameters: PlainMap | undefined;
  private outputs: Map<string, PlainMap> | undefined;

  constructor(private readonly context: EvaluationContext) {}

  resolve(name: string): unknown {
    switch (name) {
      case 'execution':
        return this.context.execution;
      case 'trigger':
        return this.context.execution.trigger;
      case 'parameters':
        return (this.parameters ??= this.mergeParameters());
    }
    const stageContext = this.currentStage()?.context;
    if (isMap(stageContext) && Object.hasOwn(stageContext, name)) return readOwn(stageContext, name);
    const owner = (this.outputs ??= this.indexOutputs()).get(name);
    if (owner !== undefined) return readOwn(owner, name);
    return fail(`unknown variable '${name}'`);
  }

  /** Execution parameters over the trigger's, as Spinnaker merges them. */
  private mergeParameters(): PlainMap {
    const { trigger, parameters } = this.context.execution;
    return { ...ownMap(isMap(trigger) ? trigger.parameters : undefined), ...ownMap(parameters) };
  }

  /** For every output key, the outputs object of the latest completed stage that has it. */
  private indexOutputs(): Map<string, PlainMap> {
    const owners = new Map<string, PlainMap>();
    const completed = this.stages()
      .filter((stage) => COMPLETED_STATUSES.has(stage.status) && isMap(stage.outputs))
      .sort((a, b) => endTimeOf(a) - endTimeOf(b));
    for (const stage of completed) {
      for (const key of Object.keys(stage.outputs)) owners.set(key, stage.outputs);
    }
    return owners;
  }

  private currentStage(): StageView | undefined {
    const refId = this.context.currentStageRefId;
    return refId === undefined ? undefined : this.stages().find((stage) => stage.refId === refId);
  }

  private stages(): readonly StageView[] {
    const stages: unknown = this.context.execution.stages;
    return Array.isArray(stages) ? stages.filter(isMap).map((stage) => stage as unknown as StageView) : [];
  }
}

/** Stages without an end time count as the earliest. */
function endTimeOf(stage: StageView): number {
  return typeof stage.endTime === 'number' && Number.isFinite(stage.endTime) ? stage.endTime : Number.MIN_SAFE_INTEGER;
}

function ownMap(value: unknown): PlainMap {
  return isMap(value) ? value : {};
}
