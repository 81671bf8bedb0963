/**
 * What a rollback does, decided once from the cluster as it is and saved before anything changes.
 *   explicit  the restore group gets at least the rolled-back group's capacity, is enabled, comes
 *             up, then the rolled-back group is disabled
 *   image     the rolled-back group is cloned with the previous image, the clone comes up, then the
 *             rolled-back group is disabled (when the previous group is gone, e.g. after highlander)
 * Pure.
 */
import { TagKeys, type Capacity, type ServerGroupSummary } from '../../../core/cloud/index.js';
import { snapshotOf, type Snapshot } from '../deploy/state.js';
import { RollbackError } from '../errors.js';
import { newestFirst } from '../targets.js';

export type RollbackPlan =
  | { readonly mode: 'explicit'; readonly rollback: Snapshot; readonly restore: Snapshot; readonly capacity: Capacity }
  | { readonly mode: 'image'; readonly rollback: Snapshot; readonly imageId: string };

/** The restore group's capacity for an explicit rollback: never smaller than what it takes over from. */
export function restoreCapacity(restore: Capacity, rollback: Capacity): Capacity {
  return restore.desired >= rollback.desired ? restore : rollback;
}

export function explicitPlan(rollback: ServerGroupSummary, restore: ServerGroupSummary): RollbackPlan {
  return { mode: 'explicit', rollback: snapshotOf(rollback), restore: snapshotOf(restore), capacity: restoreCapacity(restore.capacity, rollback.capacity) };
}

/**
 * rollbackCluster: from the newest enabled group back to the group it replaced (its
 * gennaker:replaces tag), else the newest older group (one with another image first), else the
 * image it replaced (gennaker:previous-image-id).
 */
export function clusterRollbackPlan(groups: readonly ServerGroupSummary[], cluster: string, region: string): RollbackPlan {
  const live = newestFirst(groups.filter((g) => !g.status));
  const current = live.find((g) => g.enabled);
  if (!current) throw new RollbackError(`cluster ${cluster} in ${region} has no enabled server group to roll back`);
  const older = live.slice(live.indexOf(current) + 1);
  const replaced = older.find((g) => g.name === current.tags[TagKeys.replaces]);
  const restore = replaced ?? older.find((g) => g.imageId !== undefined && g.imageId !== current.imageId) ?? older[0];
  if (restore) return explicitPlan(current, restore);
  const previousImage = current.tags[TagKeys.previousImageId];
  if (previousImage) return { mode: 'image', rollback: snapshotOf(current), imageId: previousImage };
  throw new RollbackError(
    `cluster ${cluster} in ${region} has nothing to roll back to: ${current.name} is its only server group and no previous image is recorded`,
  );
}
