/** `disableCluster`, `scaleDownCluster` and `shrinkCluster` with Deck's fields. */
import { flag, wholeNumber } from '../fields.js';
import type { ClusterOperation } from './operation.js';
import { selectToDisable, selectToScaleDown, selectToShrink } from './selection.js';

export const disableClusterOperation: ClusterOperation = {
  type: 'disableCluster',
  verb: 'disable',
  select: (groups, config) => selectToDisable(groups, wholeNumber(config, 'remainingEnabledServerGroups') ?? 1, flag(config, 'preferLargerOverNewer', false)),
  change: (serverGroup) => ({ kind: 'disable', serverGroup }),
  act: (driver, serverGroup) => driver.disableServerGroup(serverGroup),
};

export const scaleDownClusterOperation: ClusterOperation = {
  type: 'scaleDownCluster',
  verb: 'scale down',
  select: (groups, config) =>
    selectToScaleDown(
      groups,
      wholeNumber(config, 'remainingFullSizeServerGroups') ?? 1,
      flag(config, 'preferLargerOverNewer', false),
      flag(config, 'allowScaleDownActive', false),
    ),
  change: (serverGroup) => ({ kind: 'resize', serverGroup, desired: 0 }),
  act: (driver, serverGroup) => driver.resizeServerGroup(serverGroup, { min: 0, max: 0, desired: 0 }),
};

export const shrinkClusterOperation: ClusterOperation = {
  type: 'shrinkCluster',
  verb: 'destroy',
  select: (groups, config) =>
    selectToShrink(groups, wholeNumber(config, 'shrinkToSize') ?? 1, flag(config, 'retainLargerOverNewer', false), flag(config, 'allowDeleteActive', false)),
  change: (serverGroup) => ({ kind: 'destroy', serverGroup }),
  act: (driver, serverGroup) => driver.destroyServerGroup(serverGroup),
};
