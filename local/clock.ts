/**
 * Time in local mode. Records always hold wall-clock time (so another shell, the API and this
 * process agree, and durations are real); `--time-scale N` only makes stages' own waits, polls and
 * timeouts pass N times faster, through the stage time below.
 */
import type { StageTime } from '../functions/core/engine/deps.js';

export class ScaledClock implements StageTime {
  private readonly origin = Date.now();
  constructor(readonly scale = 1) {
    if (!(scale > 0)) throw new Error('time scale must be > 0');
  }
  now(): number {
    return this.fromWall(Date.now());
  }
  /** A wall-clock time on this clock's timeline. */
  fromWall(ms: number): number {
    return Math.round(this.origin + (ms - this.origin) * this.scale);
  }
  /** Real milliseconds for `ms` of scaled time. */
  real(ms: number): number {
    return ms / this.scale;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
