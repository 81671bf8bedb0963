/**
 * The contract between the stage engine (functions/core/engine/) and stage implementations
 * (functions/stages/*). A stage implementation does one unit of work per call and returns a result;
 * it never sleeps: to wait it returns RUNNING with `waitSeconds` and the state machine calls again.
 * The engine loads the execution record, evaluates expressions, gates on upstream stages, applies
 * stageEnabled / execution windows / timeouts, and persists the result with conditional writes.
 */
import type { EvaluationContext, StageView } from '../../state-machines/expressions/index.js';
import type { FailurePolicy } from '../../state-machines/model/pipeline.js';

import { type StageStatus } from '../../state-machines/contract/engine.js';
import type { SecretFetcher, SecretScope } from './secrets/scope.js';

/** Orca's statuses, defined with the engine's contract. */
export { type StageStatus } from '../../state-machines/contract/engine.js';

/** Statuses after which downstream stages may run. */
export const PASSING_STATUSES: ReadonlySet<StageStatus> = new Set(['SUCCEEDED', 'FAILED_CONTINUE', 'SKIPPED']);
/** Statuses a stage never leaves. */
export const FINAL_STATUSES: ReadonlySet<StageStatus> = new Set(['SUCCEEDED', 'FAILED_CONTINUE', 'TERMINAL', 'CANCELED', 'STOPPED', 'SKIPPED']);

/** What one call of a stage implementation returns. */
export type TaskResult =
  | {
      readonly status: 'RUNNING';
      /** Seconds until the engine should call again. */
      readonly waitSeconds: number;
      /**
       * Wait on the task token instead, when the state machine gave one (a stage compiled as a
       * callback for this config, e.g. a progressive deploy waiting for a promote); without one the
       * engine calls again after waitSeconds.
       */
      readonly awaitCallback?: boolean;
      readonly context?: StatePatch;
      readonly outputs?: Record<string, unknown>;
    }
  | {
      readonly status: 'SUCCEEDED';
      readonly context?: StatePatch;
      readonly outputs?: Record<string, unknown>;
    }
  | {
      /**
       * What the stage waited on was canceled (a webhook's canceled status, an aborted Jenkins
       * build): the stage ends CANCELED, its branch stops, and the execution ends CANCELED unless
       * a stage failed it (Orca).
       */
      readonly status: 'CANCELED';
      readonly reason: string;
      readonly context?: StatePatch;
      readonly outputs?: Record<string, unknown>;
    }
  | {
      /** The stage failed; the engine maps this to TERMINAL / STOPPED / FAILED_CONTINUE by the stage's failure options. */
      readonly status: 'FAILED';
      readonly error: string;
      /** Overrides the stage's failure options (e.g. a precondition that must not fail the pipeline). */
      readonly failurePolicy?: FailurePolicy;
      readonly context?: StatePatch;
      readonly outputs?: Record<string, unknown>;
    };

export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

/** Everything a stage implementation may look at and do for one call. */
export interface StageRunContext {
  readonly executionId: string;
  readonly application: string;
  readonly pipelineName: string;
  /** The stage as configured, with every `${...}` already evaluated. */
  readonly stage: {
    readonly refId: string;
    readonly name: string;
    readonly type: string;
    readonly config: Record<string, unknown>;
  };
  /**
   * What earlier calls of this stage saved (RUNNING results' context, checkpoints); empty on the
   * first call. Read through the stage type's StageState / StageFields.
   */
  readonly state: SavedContext;
  /** Time the stage started (first call), from the injected clock. */
  readonly startTime: number;
  readonly clock: Clock;
  /** The execution as expressions see it (trigger, parameters, other stages). */
  readonly evaluation: EvaluationContext;
  readonly stages: readonly StageView[];
  /** Present for callback stages: the token whose SendTaskSuccess resumes the state machine. */
  readonly taskToken?: string;
  /**
   * 0, or how many times the stage was restarted (restart.ts): keys that find what the stage made
   * (deploy keys, child execution ids) include it through `stageRunKey`, so a restart starts afresh.
   */
  readonly attempt?: number;
  /**
   * Persists part of the stage's state now, before a side effect, so a call that crashes after the
   * side effect can find what it did (e.g. the server group name it chose). Conditional write.
   */
  checkpoint(patch: StatePatch): Promise<void>;
  /**
   * Resolves secret references in this call's config (functions/core/secrets); the engine scrubs
   * every value it resolved from the result, checkpoints and errors. Absent outside the engine.
   */
  readonly secrets?: SecretScope;
}

/**
 * The key of this run of the stage, `<executionId><sep><refId>` (plus `<sep>r<n>` after its n-th
 * restart): what its side effects are found by again after a crash, and not after a restart.
 */
export function stageRunKey(ctx: Pick<StageRunContext, 'executionId' | 'stage' | 'attempt'>, separator = ':'): string {
  const attempt = ctx.attempt ?? 0;
  return `${ctx.executionId}${separator}${ctx.stage.refId}${attempt > 0 ? `${separator}r${attempt}` : ''}`;
}

declare const SAVED: unique symbol;

/**
 * A change to a stage's record context, made only by a stage type's declared state (`save` of a
 * StageState or StageFields below): results and checkpoints accept nothing else, so a field a stage
 * writes is always one its type declares (test/unit/stage-state.test.ts checks a literal is refused).
 */
export type StatePatch = Readonly<Record<string, unknown>> & { readonly [SAVED]: true };

/**
 * A stage type's own state, kept in its record's context under one key. The type is declared once,
 * where the stage lives (`const JENKINS = stageState<JenkinsState>('jenkinsState')`), and every
 * reader (its run, its cancel, a callback, a cleanup) and writer goes through it instead of casting
 * or spelling the key at each use.
 */
export interface StageState<S> {
  readonly key: string;
  /** What earlier calls saved; undefined on the first call. */
  of(context: SavedContext): S | undefined;
  /** The context patch that saves `state` (for checkpoints and results). */
  save(state: S): StatePatch;
}

/**
 * What a stage's record context holds, as readers get it: opaque on purpose (`ctx.state.x` does not
 * type-check), read through the stage type's StageState / StageFields.
 */
export type SavedContext = object;

export function stageState<S>(key: string): StageState<S> {
  // The one cast: what this stage type wrote under its key is what it reads back.
  return { key, of: (context) => (context as Record<string, S | undefined>)[key], save: (state) => ({ [key]: state }) as unknown as StatePatch };
}

/**
 * A stage type's fields at the top of its record's context, where Spinnaker keeps them and users
 * and the console read them (`childExecutionId`, `heldLocks`, `invokeResultsList`): declared once as
 * one interface where the stage lives (`const PIPELINE = stageFields<PipelineFields>()`), read and
 * written only through it. `null` in a field clears it (the record keeps the key).
 */
export interface StageFields<F extends object> {
  /** What earlier calls saved; every field is absent on the first call. */
  of(context: SavedContext): Partial<F>;
  /** The context patch that saves these fields (for checkpoints and results). */
  save(fields: Partial<F>): StatePatch;
}

export function stageFields<F extends object>(): StageFields<F> {
  // What this stage type wrote under its field names is what it reads back (every field optional);
  // the one cast marks its patches as typed.
  return { of: (context) => context, save: (fields) => fields as unknown as StatePatch };
}

/** A stage type's implementation. */
export interface StageImplementation {
  readonly type: string;
  /** Optional zod-free validation of the evaluated config; return problems as "field: reason". */
  validate?(config: Record<string, unknown>): string[];
  run(ctx: StageRunContext): Promise<TaskResult>;
  /**
   * Stops or undoes what the stage started (a build, a task, server groups) when it times out or
   * its execution is canceled. Best effort; returns a line for the record.
   */
  cancel?(ctx: StageRunContext): Promise<string | undefined>;
  /** Where this type's secret references are read from; types without it refuse references. */
  readonly secrets?: SecretFetcher;
}

export { StageConfigError, TransientStageError } from './stage-errors.js';
