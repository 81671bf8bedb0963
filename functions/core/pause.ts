/**
 * Pausing a running execution, Orca's way: the header says PAUSED, and every stage call checks it
 * first (engine/run-stage.ts), so running stages stop progressing at their next call or poll and
 * no stage starts until the execution is resumed. Cancel still works on a paused execution.
 *
 * Paused time is kept (`paused.windows`), so stage time leaves it out: a wait stage's remaining
 * time and a stage's timeout resume where they were, as Orca's pausedDurationRelativeTo does.
 */
import { ExecutionStateError } from './concurrency.js';
import type { ExecutionRecord, PausedDetails } from './execution-model.js';
import type { ExecutionStore } from './execution-store.js';
import type { Clock } from './stage-api.js';

/** Pause windows kept on the header (older ones are merged into `pausedMs` only). */
const MAX_PAUSE_WINDOWS = 50;

export interface PauseResult {
  readonly execution: ExecutionRecord;
  /** false when it already was in the asked state (a retried request). */
  readonly changed: boolean;
}

/** RUNNING → PAUSED; a paused execution stays as it is. */
export async function pauseRunning(store: ExecutionStore, clock: Clock, executionId: string, user: string): Promise<PauseResult> {
  let changed = false;
  const execution = await store.update(executionId, (current) => {
    changed = false;
    if (current.status === 'PAUSED') return undefined;
    if (current.status !== 'RUNNING') {
      throw new ExecutionStateError(`execution ${executionId} is ${current.status}: only a RUNNING execution can be paused`);
    }
    const { version: _v, ...rest } = current;
    const before = current.paused;
    changed = true;
    const paused: PausedDetails = { pausedBy: user, pauseTime: clock.now(), pausedMs: before?.pausedMs ?? 0, windows: before?.windows ?? [] };
    return { ...rest, status: 'PAUSED', paused };
  });
  return { execution, changed };
}

/** PAUSED → RUNNING, the pause window recorded; a running execution stays as it is. */
export async function resumeRunning(store: ExecutionStore, clock: Clock, executionId: string, user: string): Promise<PauseResult> {
  let changed = false;
  const execution = await store.update(executionId, (current) => {
    changed = false;
    if (current.status === 'RUNNING') return undefined;
    if (current.status !== 'PAUSED' || !current.paused) {
      throw new ExecutionStateError(`execution ${executionId} is ${current.status}: only a PAUSED execution can be resumed`);
    }
    const { version: _v, ...rest } = current;
    const now = clock.now();
    const before = current.paused;
    changed = true;
    const paused: PausedDetails = {
      ...before,
      resumedBy: user,
      resumeTime: now,
      pausedMs: before.pausedMs + Math.max(0, now - before.pauseTime),
      windows: [...before.windows, [before.pauseTime, now] as const].slice(-MAX_PAUSE_WINDOWS),
    };
    return { ...rest, status: 'RUNNING', paused };
  });
  return { execution, changed };
}

/** Milliseconds of [from, to] the execution spent paused (an ongoing pause counts up to `to`). */
export function pausedBetween(paused: PausedDetails | undefined, from: number, to: number): number {
  if (!paused || to <= from) return 0;
  const windows: Array<readonly [number, number]> = [...paused.windows];
  if (paused.resumeTime === undefined) windows.push([paused.pauseTime, to]);
  let total = 0;
  for (const [start, end] of windows) total += Math.max(0, Math.min(end, to) - Math.max(start, from));
  return total;
}

/** Total paused time of an execution, an ongoing pause included up to `now`. */
export function pausedMsOf(paused: PausedDetails | undefined, now: number): number {
  if (!paused) return 0;
  return paused.pausedMs + (paused.resumeTime === undefined ? Math.max(0, now - paused.pauseTime) : 0);
}
