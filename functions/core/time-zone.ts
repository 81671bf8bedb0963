/**
 * The platform time zone a process runs with: GENNAKER_TIME_ZONE, else Spinnaker's default
 * (state-machines/model/time-zone.ts). Local runs and the CLI read it; deployed pipelines have it
 * compiled into their definitions and schedules by the CDK app (the platform's timeZone).
 */
import { DEFAULT_TIME_ZONE, isTimeZone } from '../../state-machines/model/time-zone.js';

export const TIME_ZONE_ENV = 'GENNAKER_TIME_ZONE';

export function platformTimeZone(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const zone = env[TIME_ZONE_ENV]?.trim() || DEFAULT_TIME_ZONE;
  if (!isTimeZone(zone)) throw new Error(`${TIME_ZONE_ENV} '${zone}' is not an IANA time zone (like Europe/Paris or UTC)`);
  return zone;
}
