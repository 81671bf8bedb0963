/** `destroyServerGroup`: deletes the Auto Scaling group (terminating its instances) and its launch template, then waits until it is gone. */
import { poll, clearWait } from '../waiting.js';
import { CloudStageError } from '../errors.js';
import type { ServerGroupOperation } from './operation.js';

export const destroyOperation: ServerGroupOperation = {
  type: 'destroyServerGroup',
  done: 'destroyed',
  change: (state) => ({ kind: 'destroy', serverGroup: state.serverGroup! }),
  act: (driver, state) => driver.destroyServerGroup(state.serverGroup!),
  async wait(w, state) {
    const still = await w.driver.describeServerGroup(state.serverGroup!, { launchTemplates: false, targetHealth: false });
    if (!still) return { state: { ...clearWait(state), status: 'succeeded' } };
    const next = poll(state, w.now, w.timeoutSeconds);
    if (next.timedOut)
      throw new CloudStageError(
        `server group ${state.serverGroup} in ${w.driver.region} is still there after ${next.waitedSeconds} s (${still.status ?? 'not deleting'})`,
      );
    return { state: next.state, waitSeconds: next.waitSeconds };
  },
};
