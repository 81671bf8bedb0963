/** A clock that runs `scale` times faster than real time, so waits in local mode can be sped up. */
import type { Clock } from '../functions/core/stage-api.js';

export class ScaledClock implements Clock {
  private readonly origin = Date.now();
  constructor(readonly scale = 1) {
    if (!(scale > 0)) throw new Error('time scale must be > 0');
  }
  now(): number {
    return Math.round(this.origin + (Date.now() - this.origin) * this.scale);
  }
  /** Real milliseconds for `ms` of scaled time. */
  real(ms: number): number {
    return ms / this.scale;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
