/** `enableServerGroup`: back into its target groups with its processes resumed, then wait until its instances are up. */
import { clearWait } from '../waiting.js';
import { healthyCount, waitForUp } from '../up.js';
import type { ServerGroupOperation } from './operation.js';

export const enableOperation: ServerGroupOperation = {
  type: 'enableServerGroup',
  done: 'enabled',
  act: (driver, state) => driver.enableServerGroup(state.serverGroup!),
  wait: (w, state) => waitForUp(w, state, state.serverGroup!, healthyCount(state.before?.desired ?? 0), (s) => ({ ...clearWait(s), status: 'succeeded' })),
};
