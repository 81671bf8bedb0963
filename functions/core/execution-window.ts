/**
 * Deployment windows (Orca's restrictExecutionDuringTimeWindow): the next instant at or after `now`
 * that falls inside one of the whitelisted time ranges on an allowed day. Pure; time is passed in.
 */
import type { ExecutionWindow } from '../../state-machines/model/schema.js';
import { stageFields } from './stage-api.js';

/**
 * What the engine records on a stage that waits for its window: when it opens (on the stage's
 * timeline) and the window's zone, so progress and the console can say when, in its own time.
 */
export const WINDOW = stageFields<{ readonly windowOpensAt: number; readonly windowTimeZone: string }>();

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Offset of `timeZone` from UTC at `instant`, in ms (UTC when no zone). */
function zoneOffset(instant: number, timeZone: string | undefined): number {
  if (!timeZone || timeZone === 'UTC') return 0;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(instant / 1000) * 1000;
}

/** Returns `now` when inside the window, else the start of the next allowed range. */
export function nextAllowedTime(window: ExecutionWindow, now: number): number {
  const ranges = window.whitelist && window.whitelist.length > 0 ? window.whitelist : [{ startHour: 0, startMin: 0, endHour: 23, endMin: 59 }];
  const days = new Set(window.days && window.days.length > 0 ? window.days : [1, 2, 3, 4, 5, 6, 7]);
  const offset = zoneOffset(now, window.timeZone);
  const localNow = now + offset;
  const localMidnight = Math.floor(localNow / DAY) * DAY;
  let best = Number.POSITIVE_INFINITY;
  // A range may start the day before and cross midnight, so look one day back and a week ahead.
  for (let d = -1; d <= 8; d++) {
    const midnight = localMidnight + d * DAY;
    const weekday = new Date(midnight).getUTCDay() + 1; // 1 = Sunday
    if (!days.has(weekday)) continue;
    for (const r of ranges) {
      const start = midnight + (r.startHour * 60 + r.startMin) * MINUTE;
      let end = midnight + (r.endHour * 60 + r.endMin) * MINUTE;
      if (end <= start) end += DAY;
      if (localNow >= start && localNow < end) return now;
      if (start > localNow) best = Math.min(best, start);
    }
  }
  if (!Number.isFinite(best)) throw new Error('the execution window allows no time at all');
  return best - offset;
}

/** Jitter in ms within [minDelay, maxDelay] seconds, from a random number in [0, 1). */
export function windowJitterMs(window: ExecutionWindow, random: number): number {
  const jitter = window.jitter;
  if (!jitter?.enabled) return 0;
  const min = jitter.minDelay ?? 0;
  const max = Math.max(min, jitter.maxDelay ?? min);
  return Math.round((min + random * (max - min)) * 1000);
}
