/**
 * What the signed-in user may do in an application, as the API says (GET /applications lists the
 * applications the caller may READ, each with the caller's permissions). The page shows action
 * buttons only with EXECUTE; the API still decides (a forced action answers 403).
 */
import type { ApplicationSummary } from '../../functions/api/operations.js';
import { usePoll } from './poll.js';

export interface Access {
  /** false until the answer is in (no buttons flash before it). */
  readonly known: boolean;
  readonly execute: boolean;
}

export function useAccess(application: string | undefined): Access {
  const { data } = usePoll<{ applications: ApplicationSummary[] }>(application === undefined ? null : '/applications', 60_000);
  if (!data || application === undefined) return { known: false, execute: false };
  const permissions = data.applications.find((a) => a.name === application)?.permissions ?? [];
  return { known: true, execute: permissions.includes('EXECUTE') || permissions.includes('WRITE') };
}
