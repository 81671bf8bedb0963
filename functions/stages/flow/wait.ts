/** `wait`: pause for waitTime seconds. Returns RUNNING with the remaining time; never sleeps. */
import { StageConfigError, type StageImplementation } from '../../core/stage-api.js';

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
    const startedAt = typeof ctx.state.waitStartedAt === 'number' ? ctx.state.waitStartedAt : now;
    const context = { waitTime: seconds, waitStartedAt: startedAt, ...(ctx.stage.config.skipWaitText ? { skipWaitText: ctx.stage.config.skipWaitText } : {}) };
    // Deck's "skip wait" button sets skipRemainingWait on the stage.
    if (ctx.state.skipRemainingWait === true) return { status: 'SUCCEEDED', context };
    const remainingMs = startedAt + seconds * 1000 - now;
    if (remainingMs <= 0) return { status: 'SUCCEEDED', context };
    return { status: 'RUNNING', waitSeconds: Math.ceil(remainingMs / 1000), context };
  },
};
