/** `wait`: pause for waitTime seconds. Returns RUNNING with the remaining time; never sleeps. */
import { StageConfigError, type StageImplementation, stageFields } from '../../core/stage-api.js';

/** What the stage keeps in its context (Deck's names). */
interface WaitStageFields {
  readonly waitTime: number;
  /** When the wait began (stage time), so later calls wait only for the rest. */
  readonly waitStartedAt: number;
  /** Deck's label for its "skip wait" button, copied from the config as given. */
  readonly skipWaitText: unknown;
  /** Deck's "skip wait" button sets it: the stage ends at its next call. */
  readonly skipRemainingWait: boolean;
}
const WAIT = stageFields<WaitStageFields>();

function waitSeconds(config: Record<string, unknown>): number {
  const raw = config.waitTime ?? 30;
  const seconds = typeof raw === 'string' ? Number(raw.trim()) : raw;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    throw new StageConfigError(`waitTime: must be a number of seconds >= 0 (got ${JSON.stringify(raw)})`);
  }
  return seconds;
}

export const waitStage: StageImplementation = {
  type: 'wait',
  async run(ctx) {
    const seconds = waitSeconds(ctx.stage.config);
    const now = ctx.clock.now();
    const saved = WAIT.of(ctx.state);
    const startedAt = saved.waitStartedAt ?? now;
    const context = WAIT.save({
      waitTime: seconds,
      waitStartedAt: startedAt,
      ...(ctx.stage.config.skipWaitText ? { skipWaitText: ctx.stage.config.skipWaitText } : {}),
    });
    if (saved.skipRemainingWait === true) return { status: 'SUCCEEDED', context };
    const remainingMs = startedAt + seconds * 1000 - now;
    if (remainingMs <= 0) return { status: 'SUCCEEDED', context };
    return { status: 'RUNNING', waitSeconds: Math.ceil(remainingMs / 1000), context };
  },
};
