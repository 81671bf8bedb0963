/**
 * Does a git trigger (`{type: 'git', source, project, slug, branch}`) match a push? Echo's rules:
 * same source, project and slug (case-insensitive), and the branch equal to the trigger's branch or
 * matching it as a whole-string regular expression; no branch matches every push. Pure.
 */
import type { TriggerConfig } from '../../../state-machines/model/schema.js';
import type { MatchResult } from '../dispatch.js';
import { equalsIgnoreCase } from '../normalized.js';
import { matchesWhole } from '../regex.js';
import type { GitPush } from './normalize.js';

export function matchGitTrigger(config: TriggerConfig, push: GitPush): MatchResult {
  const c = config as TriggerConfig & { source?: unknown; project?: unknown; slug?: unknown; branch?: unknown };
  if (!equalsIgnoreCase(c.source, push.source)) return { matched: false };
  if (!push.projects.some((p) => equalsIgnoreCase(c.project, p))) return { matched: false };
  if (!push.slugs.some((s) => equalsIgnoreCase(c.slug, s))) return { matched: false };
  const branch = typeof c.branch === 'string' ? c.branch.trim() : '';
  if (branch !== '' && branch !== push.branch && !matchesWhole(branch, push.branch)) {
    return { matched: false, reason: `branch '${push.branch}' does not match '${branch}'` };
  }
  return { matched: true };
}
