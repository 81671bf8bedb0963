/**
 * Which server groups the cluster stages act on. Pure: from the cluster as read, newest first.
 *   disableCluster    keeps the `remaining` newest (or largest) enabled groups, disables the others
 *   scaleDownCluster  keeps the `remaining` newest (or largest) groups at full size, scales the others
 *                     to 0 (only disabled ones unless allowScaleDownActive)
 *   shrinkCluster     keeps the `shrinkToSize` newest (or largest) groups, destroys the others (only
 *                     disabled ones unless allowDeleteActive)
 */
import type { ServerGroupSummary } from '../../../core/cloud/index.js';
import { newestFirst } from '../targets.js';

function ranked(groups: readonly ServerGroupSummary[], preferLarger: boolean): ServerGroupSummary[] {
  const newest = newestFirst(groups.filter((g) => !g.status));
  // A stable sort keeps newer first among groups of equal size.
  return preferLarger ? [...newest].sort((a, b) => b.capacity.desired - a.capacity.desired) : newest;
}

export function selectToDisable(groups: readonly ServerGroupSummary[], remaining: number, preferLarger: boolean): string[] {
  return ranked(
    groups.filter((g) => g.enabled),
    preferLarger,
  )
    .slice(remaining)
    .map((g) => g.name);
}

export function selectToScaleDown(groups: readonly ServerGroupSummary[], remaining: number, preferLarger: boolean, allowActive: boolean): string[] {
  return ranked(groups, preferLarger)
    .slice(remaining)
    .filter((g) => (allowActive || !g.enabled) && (g.capacity.desired > 0 || g.capacity.min > 0))
    .map((g) => g.name);
}

export function selectToShrink(groups: readonly ServerGroupSummary[], keep: number, preferLarger: boolean, allowActive: boolean): string[] {
  return ranked(groups, preferLarger)
    .slice(keep)
    .filter((g) => allowActive || !g.enabled)
    .map((g) => g.name);
}
