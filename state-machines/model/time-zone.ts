/**
 * The platform time zone: what execution windows and cron triggers mean when they name no zone.
 * Spinnaker's default is America/Los_Angeles (Orca's tasks.execution-window.timezone, Echo's
 * scheduler.cron.timezone), so exports keep their meaning; a platform may set another
 * (GENNAKER_TIME_ZONE, or the CDK app's gennaker:timeZone). Pure.
 */
import type { Pipeline } from './pipeline.js';

export const DEFAULT_TIME_ZONE = 'America/Los_Angeles';

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The pipeline with the platform zone written into every execution window that names none. */
export function withPlatformTimeZone(pipeline: Pipeline, zone: string): Pipeline {
  if (!pipeline.stages.some((s) => s.executionWindow && !s.executionWindow.timeZone)) return pipeline;
  return {
    ...pipeline,
    stages: pipeline.stages.map((s) =>
      s.executionWindow && !s.executionWindow.timeZone ? { ...s, executionWindow: { ...s.executionWindow, timeZone: zone } } : s,
    ),
  };
}

/** Whether times in the pipeline depend on the platform zone (a window or an enabled cron trigger without its own). */
export function usesPlatformTimeZone(pipeline: Pipeline): boolean {
  const cron = pipeline.triggers.some((t) => {
    const c = t as { type: string; enabled?: boolean; timeZone?: unknown; cronTimeZone?: unknown };
    return c.type === 'cron' && c.enabled !== false && typeof c.timeZone !== 'string' && typeof c.cronTimeZone !== 'string';
  });
  return cron || pipeline.stages.some((s) => s.executionWindow && !s.executionWindow.timeZone);
}
