/**
 * Does a git trigger (`{type: 'git', source, project, slug, branch}`) match a push? Echo's rules:
 * same source, project and slug (case-insensitive), and the branch equal to the trigger's branch or
 * matching it as a whole-string regular expression; no branch matches every push; a trigger that
 * lists `events` matches only deliveries whose action is one of them. Pure.
 */
import type { TriggerConfig } from '../../../state-machines/model/schema.js';
import type { MatchResult } from '../dispatch.js';
import { equalsIgnoreCase } from '../normalized.js';
import { matchesWhole } from '../regex.js';
import type { GitPush } from './normalize.js';

/** Same source, project and slug (case-insensitive): plain comparisons, no pattern runs. */
export function sameRepository(config: TriggerConfig, push: GitPush): boolean {
  const c = config as TriggerConfig & { source?: unknown; project?: unknown; slug?: unknown };
  return (
    equalsIgnoreCase(c.source, push.source) && push.projects.some((p) => equalsIgnoreCase(c.project, p)) && push.slugs.some((s) => equalsIgnoreCase(c.slug, s))
  );
}

export function matchGitTrigger(config: TriggerConfig, push: GitPush): MatchResult {
  if (!sameRepository(config, push)) return { matched: false };
  const c = config as TriggerConfig & { branch?: unknown };
  const branch = typeof c.branch === 'string' ? c.branch.trim() : '';
  if (branch !== '' && branch !== push.branch && !matchesWhole(branch, push.branch)) {
    return { matched: false, reason: `branch '${push.branch}' does not match '${branch}'` };
  }
  // Echo's `events` filter: when the trigger lists events, the delivery's action must be one of them.
  const events = (config as { events?: unknown }).events;
  if (Array.isArray(events) && events.length > 0 && !events.some((e) => equalsIgnoreCase(e, push.action))) {
    return { matched: false, reason: `event '${push.action}' is not one of ${events.map(String).join(', ')}` };
  }
  return { matched: true };
}
