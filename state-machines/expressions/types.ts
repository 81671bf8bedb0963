/** What an expression sees of one stage of the running execution. */
export interface StageView {
  refId: string;
  name: string;
  type: string;
  status: string;
  context: Record<string, unknown>;
  outputs: Record<string, unknown>;
  startTime?: number;
  endTime?: number;
  requisiteStageRefIds?: string[];
}

/** Everything an expression can read. */
export interface EvaluationContext {
  execution: {
    id: string;
    application: string;
    name: string;
    status?: string;
    startTime?: number;
    trigger: Record<string, unknown>;
    parameters?: Record<string, unknown>;
    stages: StageView[];
  };
  /** refId of the stage whose fields are being evaluated */
  currentStageRefId?: string;
}

/** A `${...}` expression that cannot be parsed, and where it was found. */
export interface ExpressionProblem {
  path: string;
  message: string;
}
