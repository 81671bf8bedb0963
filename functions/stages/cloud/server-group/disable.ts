/** `disableServerGroup`: out of its target groups, Launch / Terminate / AddToLoadBalancer suspended. */
import type { ServerGroupOperation } from './operation.js';

export const disableOperation: ServerGroupOperation = {
  type: 'disableServerGroup',
  done: 'disabled',
  change: (state) => ({ kind: 'disable', serverGroup: state.serverGroup! }),
  act: (driver, state) => driver.disableServerGroup(state.serverGroup!),
};
