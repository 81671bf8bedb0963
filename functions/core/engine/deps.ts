/** What the engine needs from the outside world, injected so tests and local mode choose. */
import type { ExecutionStore } from '../execution-store.js';
import type { ExecutionView } from '../execution-model.js';
import type { Notifier } from '../notifications.js';
import type { Clock, StageImplementation } from '../stage-api.js';

/**
 * The time a stage's own logic sees (its waits, polls and timeouts) where that differs from the
 * wall clock that stamps records: a local run at --time-scale N. `fromWall` maps a recorded
 * (wall-clock) time onto it, so a stage compares like with like.
 */
/** Imports a stage type's implementation (once): a function's cold start then compiles none of it. */
export type StageLoader = () => Promise<StageImplementation | undefined>;

/** The implementation of `type` in this function, loading it on first use. */
export async function implementationOf(deps: Pick<EngineDeps, 'implementations'>, type: string): Promise<StageImplementation | undefined> {
  const entry = deps.implementations.get(type);
  return typeof entry === 'function' ? entry() : entry;
}

export interface StageTime extends Clock {
  fromWall(ms: number): number;
}

/** Everything the end of an execution needs (execution-end.ts): the one deps type of every caller that ends one. */
export interface ExecutionEndDeps {
  readonly store: ExecutionStore;
  /** Wall-clock time: every timestamp in a record, whoever writes it (one clock). */
  readonly clock: Clock;
  readonly notifier: Notifier;
  /** Stage implementations here, by type: their cancel() runs here. @default none */
  readonly implementations?: ReadonlyMap<string, StageImplementation | StageLoader>;
  /**
   * Asks the function of a stage's family to stop what the stage started (the `cancelStage`
   * operation), for stages whose implementation this function does not carry. Absent where every
   * implementation is loaded (local mode, tests).
   */
  readonly cancelElsewhere?: (request: { readonly executionId: string; readonly refId: string; readonly type: string }) => Promise<void>;
  /** How the end frees the execution's locks here. @default releaseLocksHeldBy on the shared client */
  readonly releaseLocks?: LockRelease;
  /** What follows the end here: next waiting run, completed event. Absent: another function does it (the engine Lambda: the lifecycle handler). */
  readonly successors?: ExecutionSuccessors;
}

/** The engine's deps: the end's (its complete step ends executions), and what running stages needs. */
export interface EngineDeps extends ExecutionEndDeps {
  /** What stages see instead of `clock` when time is scaled (local mode); absent: `clock`. */
  readonly stageTime?: StageTime;
  /** A number in [0, 1), for jitter. */
  readonly random: () => number;
  /** By stage type; a loader imports its stage's code on the first call that needs it (lazy-stages.ts). */
  readonly implementations: ReadonlyMap<string, StageImplementation | StageLoader>;
  /** Seconds between checks while a stage waits for a stage of another branch. */
  readonly awaitPollSeconds: number;
  /**
   * While the execution is paused: seconds between checks of a stage that loops (default 30), and
   * how long a stage call that cannot loop holds before raising EXECUTION_PAUSED for its Task's
   * Retry (default 20 s; local mode holds until resumed).
   */
  readonly pause?: { readonly pollSeconds?: number; readonly holdMs?: number; readonly checkMs?: number };
}

/** Frees what an execution holds in the locks table; the keys it freed. */
type LockRelease = (executionId: string) => Promise<readonly string[]>;

/** What follows an end where the platform's queue and events are reachable (triggers/lifecycle builds it). */
export interface ExecutionSuccessors {
  /** Starts the pipeline's next waiting runs; their ids. */
  startNext(execution: ExecutionView): Promise<readonly string[]>;
  /** Emits the pipeline-completed event that pipeline triggers match. */
  emitCompleted(execution: ExecutionView): Promise<void>;
}
