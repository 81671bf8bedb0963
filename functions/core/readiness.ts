/** Whether a stage may start, from the statuses of the stages it depends on. Pure. */
import type { StageStatus } from './stage-api.js';
import { PASSING_STATUSES } from './stage-api.js';

export type Readiness = 'ready' | 'waiting' | 'never';

const HALTING: ReadonlySet<StageStatus> = new Set(['TERMINAL', 'STOPPED', 'CANCELED']);

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
