/** Waiting for a server group's instances to come up, as a step: never sleeps, fails after a timeout. */
import type { CloudDriver, ServerGroupProvider } from '../../core/cloud/index.js';
import { NotUpError } from './errors.js';
import type { StepResult } from './units.js';
import { poll, type WaitFields } from './waiting.js';

export interface UpWait<D extends Pick<ServerGroupProvider, 'checkUp' | 'region'> = CloudDriver> {
  readonly driver: D;
  readonly now: number;
  readonly timeoutSeconds: number;
}

/** `onUp(state)` once `expected` instances of the group are up; otherwise wait (backoff) or fail. */
export async function waitForUp<S extends WaitFields>(
  w: UpWait<Pick<ServerGroupProvider, 'checkUp' | 'region'>>,
  state: S,
  serverGroup: string,
  expected: number,
  onUp: (state: S) => S,
): Promise<StepResult<S>> {
  if (expected === 0) return { state: onUp(state) };
  const check = await w.driver.checkUp(serverGroup, expected);
  if (check.up) return { state: onUp(state) };
  const next = poll(state, w.now, w.timeoutSeconds);
  if (next.timedOut) {
    const reasons = check.unhealthy
      .slice(0, 5)
      .map((i) => `${i.instanceId}: ${i.reason}`)
      .join('; ');
    throw new NotUpError(
      `server group ${serverGroup} in ${w.driver.region}: ${check.upCount} of ${expected} instances up after ${next.waitedSeconds} s` +
        (reasons ? ` (${reasons})` : ''),
    );
  }
  return { state: next.state, waitSeconds: next.waitSeconds };
}

/** Instances that must be up: `percent` of `desired`, rounded up. */
export function healthyCount(desired: number, percent = 100): number {
  return Math.ceil((desired * percent) / 100);
}
