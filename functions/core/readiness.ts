/** Whether a stage may start, from the statuses of the stages it depends on. Pure. */
import type { StageStatus } from './stage-api.js';
import { PASSING_STATUSES } from './stage-api.js';

export type Readiness = 'ready' | 'waiting' | 'never';

/** Statuses that end a branch or the pipeline. */
export const HALTING_STATUSES: ReadonlySet<StageStatus> = new Set(['TERMINAL', 'STOPPED', 'CANCELED']);
const HALTING = HALTING_STATUSES;

export interface StageState {
  readonly refId: string;
  readonly requisiteStageRefIds: readonly string[];
  readonly status: StageStatus;
}

/** 'never' when a requisite halted or can itself never run; 'ready' when all passed. */
export function readinessOf(refIds: readonly string[], stages: readonly StageState[]): Readiness {
  const byRef = new Map(stages.map((s) => [s.refId, s]));
  const memo = new Map<string, boolean>();
  const canNeverPass = (refId: string, depth: number): boolean => {
    const cached = memo.get(refId);
    if (cached !== undefined) return cached;
    const stage = byRef.get(refId);
    let never = false;
    if (!stage || depth > 10_000) never = true;
    else if (HALTING.has(stage.status)) never = true;
    else if (stage.status === 'NOT_STARTED') never = stage.requisiteStageRefIds.some((r) => canNeverPass(r, depth + 1));
    memo.set(refId, never);
    return never;
  };
  if (refIds.some((r) => canNeverPass(r, 0))) return 'never';
  return refIds.every((r) => PASSING_STATUSES.has(byRef.get(r)!.status)) ? 'ready' : 'waiting';
}

/**
 * Readiness from the requisites' own statuses alone, as a stage call sees them (it reads its
 * requisites, not the whole record). The compiled state machine runs a stage only after the blocks
 * holding its requisites ended, except `awaits` (requisites in another branch of a mesh, which the
 * stage polls for): so a requisite that has not run never will, unless it is awaited. An awaited
 * one that has not run is `waiting`, or `unknown` once some stage of the run halted (`halts`):
 * then only its own upstream can tell (readinessOf over the whole record).
 */
export function requisiteReadiness(
  refIds: readonly string[],
  stages: readonly StageState[],
  options: { readonly awaits: readonly string[]; readonly halts?: number },
): Readiness | 'unknown' {
  const byRef = new Map(stages.map((s) => [s.refId, s]));
  const statuses = refIds.map((r) => ({ refId: r, status: byRef.get(r)?.status }));
  if (statuses.some((s) => s.status === undefined || HALTING.has(s.status))) return 'never';
  const pending = statuses.filter((s) => !PASSING_STATUSES.has(s.status!));
  if (pending.length === 0) return 'ready';
  const awaited = new Set(options.awaits);
  if (pending.some((s) => s.status === 'NOT_STARTED' && !awaited.has(s.refId))) return 'never';
  if (pending.some((s) => s.status === 'NOT_STARTED') && (options.halts ?? 0) > 0) return 'unknown';
  return 'waiting';
}
