/**
 * Spinnaker's cron triggers use Quartz expressions (`sec min hour day-of-month month day-of-week
 * [year]`); EventBridge Scheduler takes `cron(min hour day-of-month month day-of-week year)` plus a
 * time zone. This translates one into the other, or says why it cannot. Pure; never throws.
 *
 * Differences handled:
 * - Scheduler has no seconds: `0` (or one fixed second, with a warning) is dropped; anything that
 *   would fire more than once a minute is refused.
 * - One of day-of-month / day-of-week must be `?`; a `*` in one of them becomes `?` (Deck writes
 *   such expressions and Quartz would refuse them), both set is refused.
 * - `*\/n` becomes `<first>/n`; `L-n`, `LW` and `/` in day-of-week have no Scheduler equivalent.
 * - Day-of-week numbers are the same in both (1 = SUN ... 7 = SAT); names are upper-cased.
 */
import { DEFAULT_TIME_ZONE, isTimeZone } from '../model/time-zone.js';

export interface CronTranslation {
  /** `cron(...)` for EventBridge Scheduler; absent when there are errors. */
  readonly expression?: string;
  /** IANA time zone for ScheduleExpressionTimezone. */
  readonly timezone: string;
  readonly errors: string[];
  readonly warnings: string[];
}

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** First name's number (MON = 2 when names start at SUN = 1). */
  readonly nameBase?: number;
  readonly question?: boolean;
  readonly step?: boolean;
  readonly last?: boolean;
  readonly weekday?: boolean;
  readonly nth?: boolean;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const FIELDS = {
  minutes: { name: 'minutes', min: 0, max: 59, step: true },
  hours: { name: 'hours', min: 0, max: 23, step: true },
  dayOfMonth: { name: 'day-of-month', min: 1, max: 31, step: true, question: true, last: true, weekday: true },
  month: { name: 'month', min: 1, max: 12, names: MONTHS, nameBase: 1, step: true },
  dayOfWeek: { name: 'day-of-week', min: 1, max: 7, names: DAYS, nameBase: 1, question: true, last: true, nth: true },
  year: { name: 'year', min: 1970, max: 2199, step: true },
} satisfies Record<string, FieldSpec>;

function value(spec: FieldSpec, raw: string, errors: string[]): string | undefined {
  const upper = raw.toUpperCase();
  if (/^\d+$/.test(upper)) {
    const n = Number(upper);
    if (n < spec.min || n > spec.max) {
      errors.push(`${spec.name}: ${raw} is out of range ${spec.min}-${spec.max}`);
      return undefined;
    }
    return String(n);
  }
  if (spec.names?.includes(upper)) return upper;
  errors.push(`${spec.name}: '${raw}' is not a value (${spec.min}-${spec.max}${spec.names ? ` or ${spec.names[0]}-${spec.names.at(-1)}` : ''})`);
  return undefined;
}

/** Translates one field; returns undefined after pushing errors. */
function field(spec: FieldSpec, text: string, errors: string[]): string | undefined {
  const before = errors.length;
  if (text === '?') {
    if (!spec.question) errors.push(`${spec.name}: '?' is only allowed in day-of-month and day-of-week`);
    return errors.length === before ? '?' : undefined;
  }
  const items = text.split(',');
  const special = (item: string) => (spec.last || spec.weekday || spec.nth) === true && /^(L|LW|L-\d+|\d+W|[^#]+#\d+|[0-9A-Z]+L)$/i.test(item);
  if (items.length > 1 && items.some(special)) {
    errors.push(`${spec.name}: L, W and # cannot be combined with other values ('${text}')`);
    return undefined;
  }
  const out: string[] = [];
  for (const raw of items) {
    const item = raw.toUpperCase();
    if (item === '') {
      errors.push(`${spec.name}: empty value in '${text}'`);
      continue;
    }
    if (item === '*') {
      out.push('*');
      continue;
    }
    if (spec.last && item === 'L') {
      out.push('L');
      continue;
    }
    if (item === 'LW' || /^L-\d+$/.test(item)) {
      errors.push(`${spec.name}: '${raw}' has no EventBridge Scheduler equivalent`);
      continue;
    }
    if (spec.weekday && /^\d+W$/.test(item)) {
      const v = value(spec, item.slice(0, -1), errors);
      if (v) out.push(`${v}W`);
      continue;
    }
    if (spec.nth && /^[^#]+#\d+$/.test(item)) {
      const [day, nth] = item.split('#') as [string, string];
      const v = value(spec, day, errors);
      if (Number(nth) < 1 || Number(nth) > 5) errors.push(`${spec.name}: '${raw}': the week must be 1-5`);
      else if (v) out.push(`${v}#${nth}`);
      continue;
    }
    if (spec.last && spec.nth && /^[^L]+L$/.test(item)) {
      const v = value(spec, item.slice(0, -1), errors);
      if (v) out.push(`${v}L`);
      continue;
    }
    const [range, step, extra] = item.split('/');
    if (extra !== undefined || range === undefined) {
      errors.push(`${spec.name}: '${raw}' is not a value, range or increment`);
      continue;
    }
    if (step !== undefined) {
      if (!spec.step) {
        errors.push(`${spec.name}: increments ('/') are not supported by EventBridge Scheduler`);
        continue;
      }
      if (!/^\d+$/.test(step) || Number(step) < 1) {
        errors.push(`${spec.name}: '${raw}': the increment must be a positive number`);
        continue;
      }
    }
    let start: string | undefined;
    if (range === '*') start = step !== undefined ? String(spec.min) : '*';
    else if (range.includes('-')) {
      const [a, b, more] = range.split('-');
      if (more !== undefined || a === undefined || b === undefined) {
        errors.push(`${spec.name}: '${raw}' is not a range`);
        continue;
      }
      const va = value(spec, a, errors);
      const vb = value(spec, b, errors);
      if (!va || !vb) continue;
      start = `${va}-${vb}`;
    } else start = value(spec, range, errors);
    if (start === undefined) continue;
    out.push(step !== undefined ? `${start}/${Number(step)}` : start);
  }
  return errors.length === before ? out.join(',') : undefined;
}

/** Why Scheduler cannot take a trigger's time zone, or undefined when it can (blank means the default). */
export function timeZoneProblem(timeZone: string): string | undefined {
  return isTimeZone(timeZone.trim() || DEFAULT_TIME_ZONE) ? undefined : `time zone '${timeZone}' is not an IANA time zone (like Europe/Paris or UTC)`;
}

export function quartzToScheduler(quartz: string, timeZone = DEFAULT_TIME_ZONE): CronTranslation {
  const errors: string[] = [];
  const warnings: string[] = [];
  const timezone = timeZone.trim() || DEFAULT_TIME_ZONE;
  const zoneProblem = timeZoneProblem(timeZone);
  if (zoneProblem) errors.push(zoneProblem);
  const parts = quartz.trim().split(/\s+/);
  if (parts.length < 6 || parts.length > 7) {
    errors.push(
      `'${quartz}' has ${parts.length === 1 && parts[0] === '' ? 0 : parts.length} fields; a Quartz expression has 6 or 7 (sec min hour day-of-month month day-of-week [year])`,
    );
    return { timezone, errors, warnings };
  }
  const [seconds, minutes, hours, dom, month, dow, year = '*'] = parts as [string, string, string, string, string, string, string?];
  if (/^\d+$/.test(seconds)) {
    const s = Number(seconds);
    if (s > 59) errors.push(`seconds: ${seconds} is out of range 0-59`);
    else if (s !== 0) warnings.push(`seconds: EventBridge Scheduler has minute precision; the schedule fires at second 0, not ${s}`);
  } else {
    errors.push(`seconds: '${seconds}' would fire more than once a minute; EventBridge Scheduler has minute precision (use 0)`);
  }
  let dayOfMonth = dom;
  let dayOfWeek = dow;
  if (dayOfMonth === '?' && dayOfWeek === '?') errors.push("day-of-month and day-of-week cannot both be '?'");
  else if (dayOfMonth !== '?' && dayOfWeek !== '?') {
    if (dayOfWeek === '*') dayOfWeek = '?';
    else if (dayOfMonth === '*') dayOfMonth = '?';
    else errors.push(`day-of-month (${dom}) and day-of-week (${dow}) are both set; one of them must be '?'`);
  }
  const fields = [
    field(FIELDS.minutes, minutes, errors),
    field(FIELDS.hours, hours, errors),
    field(FIELDS.dayOfMonth, dayOfMonth, errors),
    field(FIELDS.month, month, errors),
    field(FIELDS.dayOfWeek, dayOfWeek, errors),
    field(FIELDS.year, year, errors),
  ];
  if (errors.length > 0 || fields.some((f) => f === undefined)) return { timezone, errors, warnings };
  return { expression: `cron(${fields.join(' ')})`, timezone, errors, warnings };
}
