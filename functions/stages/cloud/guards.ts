/**
 * Traffic guard checks for cloud stages: the configured guards plus the stage's own
 * `trafficGuards`, checked against the live cluster before a step removes capacity.
 */
import type { ClusterSummary, ServerGroupSummary } from '../../core/cloud/index.js';
import { StageConfigError, type StageRunContext } from '../../core/stage-api.js';
import { checkTrafficGuards, stageTrafficGuards, type GroupCapacity, type GroupChange, type GuardTarget } from '../../core/traffic-guards.js';
import type { CloudEnv } from './deps.js';

export function upCount(group: ServerGroupSummary): number {
  return group.upCount;
}

function capacities(view: ClusterSummary): GroupCapacity[] {
  return view.serverGroups.map((g) => ({ name: g.name, enabled: g.enabled, upCount: g.upCount }));
}

/** Throws TrafficGuardError when the changes would leave a guarded cluster with nothing up. */
export async function checkGuards(
  env: CloudEnv,
  ctx: StageRunContext,
  target: GuardTarget,
  view: ClusterSummary,
  changes: readonly GroupChange[],
  action: string,
): Promise<void> {
  if (changes.length === 0) return;
  const own = stageTrafficGuards(view.app, ctx.stage.config.trafficGuards);
  if (own.problems.length > 0) throw new StageConfigError(own.problems.join('; '));
  const guards = [...(await env.guards()), ...own.guards];
  checkTrafficGuards(guards, target, capacities(view), changes, action);
}
