/** The normalised pipeline every later step (compiler, engine, triggers) works on. */
import type { ExpectedArtifact } from './expected-artifacts.js';
import type { ExecutionWindow, NotificationConfig, ParameterConfig, TriggerConfig } from './schema.js';

/** Deck's four "if stage fails" options, named for what they do. */
export type FailurePolicy =
  /** failPipeline (default): the stage ends TERMINAL and so does the pipeline. */
  | 'haltPipeline'
  /** failPipeline=false, continuePipeline=false: STOPPED, only this branch halts. */
  | 'haltBranch'
  /** completeOtherBranchesThenFail: STOPPED, other branches finish, then the pipeline is TERMINAL. */
  | 'haltBranchThenFail'
  /** continuePipeline: FAILED_CONTINUE, downstream runs as if it had succeeded. */
  | 'ignore';

export interface Stage {
  readonly refId: string;
  readonly requisiteStageRefIds: readonly string[];
  readonly type: string;
  readonly name: string;
  readonly failurePolicy: FailurePolicy;
  /** The stageEnabled expression, when the stage is conditional. */
  readonly enabledExpression?: string;
  readonly executionWindow?: ExecutionWindow;
  readonly stageTimeoutMs?: number;
  readonly sendNotifications: boolean;
  readonly notifications: readonly NotificationConfig[];
  /** Every field of the stage as written (type-specific settings live here). */
  readonly config: Readonly<Record<string, unknown>>;
}

export interface Pipeline {
  readonly application: string;
  readonly name: string;
  readonly id: string;
  readonly description?: string;
  readonly triggers: readonly TriggerConfig[];
  readonly parameterConfig: readonly ParameterConfig[];
  /** Artifacts a run binds from its trigger, defaults or the prior run (expected-artifacts.ts). */
  readonly expectedArtifacts?: readonly ExpectedArtifact[];
  readonly notifications: readonly NotificationConfig[];
  /** Spinnaker's default is one run at a time. */
  readonly limitConcurrent: boolean;
  /** 0 means no limit beyond limitConcurrent. */
  readonly maxConcurrentExecutions: number;
  readonly keepWaitingPipelines: boolean;
  readonly stages: readonly Stage[];
}

export function failurePolicyOf(stage: {
  failPipeline?: boolean | undefined;
  continuePipeline?: boolean | undefined;
  completeOtherBranchesThenFail?: boolean | undefined;
}): FailurePolicy {
  if (stage.continuePipeline === true) return 'ignore';
  if (stage.failPipeline === false) return stage.completeOtherBranchesThenFail === true ? 'haltBranchThenFail' : 'haltBranch';
  return 'haltPipeline';
}
