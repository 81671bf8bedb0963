/**
 * Spinnaker's dynamic server group targets, resolved against a cluster. Pure.
 *   current_asg_dynamic   the newest server group
 *   ancestor_asg_dynamic  the one before it (second newest)
 *   oldest_asg_dynamic    the oldest
 *   largest_asg_dynamic   the one with the most desired instances (the newest of equals)
 * The static forms (current_asg, ...) are read the same way: a stage resolves its target once and
 * saves it before it changes anything, so a re-run acts on the same group.
 */
import type { ServerGroupSummary } from '../../core/cloud/index.js';
import { StageConfigError } from '../../core/stage-api.js';

export type TargetKind = 'current' | 'ancestor' | 'oldest' | 'largest';

export function targetKind(target: unknown): TargetKind {
  const match = typeof target === 'string' ? /^(current|ancestor|oldest|largest)_asg(_dynamic)?$/.exec(target) : null;
  if (!match) {
    throw new StageConfigError(`target: '${String(target)}' is not one of current_asg_dynamic, ancestor_asg_dynamic, oldest_asg_dynamic, largest_asg_dynamic`);
  }
  return match[1] as TargetKind;
}

function created(group: ServerGroupSummary): number {
  return group.createdTime ? Date.parse(group.createdTime) : 0;
}

/** Newest first (by creation, then by sequence). */
export function newestFirst<G extends ServerGroupSummary>(groups: readonly G[]): G[] {
  return [...groups].sort((a, b) => created(b) - created(a) || b.sequence - a.sequence);
}

export function pickTarget<G extends ServerGroupSummary>(groups: readonly G[], kind: TargetKind): G | undefined {
  // Groups being deleted are gone as far as targets go.
  const live = newestFirst(groups.filter((g) => !g.status));
  switch (kind) {
    case 'current':
      return live[0];
    case 'ancestor':
      return live[1];
    case 'oldest':
      return live[live.length - 1];
    case 'largest':
      return [...live].sort((a, b) => b.capacity.desired - a.capacity.desired)[0];
  }
}
