/**
 * Wait states of a time-scaled local run. Every compiled Wait waits the seconds its stage's last
 * call asked for (`$.result.waitSeconds`) and goes back to that stage's Task (compiler/render.ts),
 * so here it lasts those seconds on the scaled clock: a stage is called exactly as often as in AWS
 * (a 30 s gate poll at --time-scale 20 is one call every 1.5 s, not one every engine tick), which
 * keeps the emulator's load and the benchmarks' transition counts true.
 *
 * aws-local-stepfunctions reads a Wait's override (in ms) by state name each time the Wait runs,
 * so the table is filled in as the stages answer.
 */
import type { AslLike } from './asl-walk.js';
import { statesOfType } from './asl-walk.js';

export class ScaledWaits {
  /** Override in real ms, by Wait state name (what the engine reads). */
  readonly overrides: Record<string, number> = {};
  /** The Wait that goes back to each Task. */
  private readonly waitOf = new Map<string, string>();

  constructor(
    definition: AslLike,
    /** Real ms per scaled ms. */
    private readonly realMs: (scaledMs: number) => number,
    /** The least a Wait takes (real ms). */
    private readonly minMs: number,
  ) {
    for (const { name, state } of statesOfType(definition, 'Wait')) {
      if (typeof state.Next === 'string') this.waitOf.set(state.Next, name);
      this.overrides[name] = minMs;
    }
  }

  /** Notes what a Task answered: the Wait after it lasts the seconds it asked for, scaled. */
  answered(taskName: string, output: unknown): void {
    const wait = this.waitOf.get(taskName);
    const seconds = (output as { waitSeconds?: unknown } | null)?.waitSeconds;
    if (wait === undefined || typeof seconds !== 'number' || !Number.isFinite(seconds)) return;
    this.overrides[wait] = Math.max(this.minMs, Math.round(this.realMs(seconds * 1000)));
  }
}
