/**
 * When the canary analyses and what it decides, as Kayenta's real-time analysis does: after the
 * warm-up, one judgement per interval over the lifetime; each judgement covers the data from the
 * start of the analysis (or the last `lookback` only) to the interval's end. Pure.
 */
import type { ScoreThresholds } from '../../core/canary-analysis/judge/index.js';

export interface CanarySchedule {
  readonly lifetimeMs: number;
  readonly intervalMs: number;
  readonly lookbackMs?: number;
  readonly metricsDelayMs: number;
}

export interface IntervalWindow {
  /** 1-based. */
  readonly index: number;
  readonly start: number;
  readonly end: number;
  /** When its metrics can be read. */
  readonly dueAt: number;
}

export function intervalCount(schedule: CanarySchedule): number {
  return Math.max(1, Math.ceil(schedule.lifetimeMs / schedule.intervalMs - 1e-9));
}

export function intervalWindow(schedule: CanarySchedule, analysisStart: number, index: number): IntervalWindow {
  const end = analysisStart + Math.min(index * schedule.intervalMs, schedule.lifetimeMs);
  const start = schedule.lookbackMs !== undefined ? Math.max(analysisStart, end - schedule.lookbackMs) : analysisStart;
  return { index, start, end, dueAt: end + schedule.metricsDelayMs };
}

export type CanaryDecision =
  | { readonly kind: 'continue'; readonly reason: string }
  | { readonly kind: 'pass'; readonly reason: string }
  | { readonly kind: 'fail'; readonly reason: string };

/**
 * An interval scoring at or below `marginal` ends the canary at once; the last interval's score
 * must reach `pass`; in between, the canary goes on.
 */
export function decide(score: number, index: number, count: number, thresholds: Required<ScoreThresholds>): CanaryDecision {
  if (score <= thresholds.marginal) {
    return { kind: 'fail', reason: `interval ${index} of ${count} scored ${score}, at or below the marginal threshold ${thresholds.marginal}` };
  }
  if (index < count) return { kind: 'continue', reason: `interval ${index} of ${count} scored ${score}` };
  return score >= thresholds.pass
    ? { kind: 'pass', reason: `final score ${score} reached the pass threshold ${thresholds.pass}` }
    : { kind: 'fail', reason: `final score ${score} is below the pass threshold ${thresholds.pass}` };
}
