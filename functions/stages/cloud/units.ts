/**
 * How a cloud stage does its work across calls. The work is split into units (one cluster in one
 * region, one bake in one region), each a small state machine that advances one step at a time.
 * After every step the unit's state is checkpointed (ctx.checkpoint), so a re-run after a crash
 * starts again at the step that was interrupted. Steps are written to be idempotent: the driver
 * calls converge, and a step that must act on a fixed set of things (the groups to disable, the
 * capacity to set) first computes that set in a step of its own that changes nothing, so the set is
 * saved before anything is changed.
 *
 * A step that must wait returns `waitSeconds`: the stage then returns RUNNING and the state machine
 * calls again later. A step that fails (bad input, a refused operation) moves its unit to whatever
 * `onFailure` says (a rollback, or failed); a crash is rethrown for Step Functions to retry.
 */
import { type StageRunContext, type StageState, stageState } from '../../core/stage-api.js';
import { errorMessage, rethrowUnlessFailed } from './errors.js';

type UnitStatus = 'running' | 'succeeded' | 'failed';

export interface UnitState {
  readonly status: UnitStatus;
  readonly error?: string;
}

export interface StepResult<S> {
  readonly state: S;
  /** Come back after this many seconds (the unit waits). */
  readonly waitSeconds?: number;
}

export interface Unit<S extends UnitState> {
  /** Stable across calls: where the unit's state is saved. */
  readonly key: string;
  initial(): S;
  step(state: S): Promise<StepResult<S>>;
  /** Where a unit goes when a step fails. @default failed, with the error */
  onFailure?(state: S, error: string): S;
}

/** Every unit's state by its key, kept under `units` in the stage's context. */
export type UnitStates<S> = Readonly<Record<string, S>>;

/**
 * Where a stage type keeps its units' states, declared once where the stage lives with its own
 * unit state type (`const DEPLOY_UNITS = unitStates<DeployUnitState>()`).
 */
export function unitStates<S extends UnitState>(): StageState<UnitStates<S>> {
  return stageState<UnitStates<S>>('units');
}

export interface UnitsOutcome<S> {
  readonly states: Readonly<Record<string, S>>;
  /** Set while some unit waits: the shortest wait. */
  readonly waitSeconds?: number;
}

/** A safety net against a step that never waits and never finishes. */
const MAX_STEPS_PER_CALL = 40;

export async function runUnits<S extends UnitState>(
  ctx: StageRunContext,
  units: readonly Unit<S>[],
  saved: StageState<UnitStates<S>>,
): Promise<UnitsOutcome<S>> {
  const states: Record<string, S> = { ...saved.of(ctx.state) };
  const waits: number[] = [];
  for (const unit of units) {
    let state = states[unit.key] ?? unit.initial();
    for (let steps = 0; state.status === 'running'; steps += 1) {
      if (steps >= MAX_STEPS_PER_CALL) {
        waits.push(1);
        break;
      }
      let result: StepResult<S>;
      try {
        result = await unit.step(state);
      } catch (error) {
        rethrowUnlessFailed(error);
        const message = errorMessage(error);
        result = { state: unit.onFailure ? unit.onFailure(state, message) : { ...state, status: 'failed', error: message } };
      }
      state = result.state;
      states[unit.key] = state;
      await ctx.checkpoint(saved.save(states));
      if (result.waitSeconds !== undefined) {
        waits.push(result.waitSeconds);
        break;
      }
    }
  }
  return { states, ...(waits.length > 0 ? { waitSeconds: Math.max(1, Math.min(...waits)) } : {}) };
}

/** The errors of failed units, one per unit, prefixed by its key. */
export function unitErrors<S extends UnitState>(states: Readonly<Record<string, S>>): string[] {
  return Object.entries(states)
    .filter(([, s]) => s.status === 'failed')
    .map(([key, s]) => `${key}: ${s.error ?? 'failed'}`);
}
