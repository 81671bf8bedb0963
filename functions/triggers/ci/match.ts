/** Does a jenkins trigger (`{type: 'jenkins', master, job}`) match a finished build? Exact master and job, as in Echo. Pure. */
import type { TriggerConfig } from '../../../state-machines/model/schema.js';
import type { MatchResult } from '../dispatch.js';
import type { BuildEvent } from './normalize.js';

export function matchBuildTrigger(config: TriggerConfig, build: BuildEvent): MatchResult {
  const c = config as TriggerConfig & { master?: unknown; job?: unknown };
  if (c.master !== build.master) return { matched: false };
  if (c.job !== build.job) return { matched: false, reason: `job '${build.job}' is not '${String(c.job)}'` };
  return { matched: true };
}
