import { describe, expect, it } from 'vitest';
import { nextAllowedTime, windowJitterMs } from '../../../../functions/core/execution-window.js';

const at = (iso: string) => Date.parse(iso);

describe('execution windows', () => {
  const nineToFive = { whitelist: [{ startHour: 9, startMin: 0, endHour: 17, endMin: 0 }] };

  it('allows now when inside the window', () => {
    expect(nextAllowedTime(nineToFive, at('2026-11-18T10:30:00Z'))).toBe(at('2026-11-18T10:30:00Z'));
  });
  it("waits for the start of today's window", () => {
    expect(nextAllowedTime(nineToFive, at('2026-11-18T07:00:00Z'))).toBe(at('2026-11-18T09:00:00Z'));
  });
  it('waits until tomorrow after the window closed', () => {
    expect(nextAllowedTime(nineToFive, at('2026-11-18T17:00:00Z'))).toBe(at('2026-11-19T09:00:00Z'));
  });
  it('honours days, 1 = Sunday (2026-11-21 is a Saturday)', () => {
    const weekdays = { ...nineToFive, days: [2, 3, 4, 5, 6] };
    expect(nextAllowedTime(weekdays, at('2026-11-21T10:00:00Z'))).toBe(at('2026-11-23T09:00:00Z'));
  });
  it('handles a window that crosses midnight', () => {
    const night = { whitelist: [{ startHour: 22, startMin: 0, endHour: 2, endMin: 0 }] };
    expect(nextAllowedTime(night, at('2026-11-18T01:00:00Z'))).toBe(at('2026-11-18T01:00:00Z'));
    expect(nextAllowedTime(night, at('2026-11-18T03:00:00Z'))).toBe(at('2026-11-18T22:00:00Z'));
  });
  it('reads the whitelist in a time zone', () => {
    const ny = { ...nineToFive, timeZone: 'America/New_York' };
    // 09:00 in New York in November is 14:00 UTC.
    expect(nextAllowedTime(ny, at('2026-11-18T12:00:00Z'))).toBe(at('2026-11-18T14:00:00Z'));
  });
  it('adds jitter between minDelay and maxDelay seconds', () => {
    const jitter = { jitter: { enabled: true, minDelay: 10, maxDelay: 20 } };
    expect(windowJitterMs(jitter, 0)).toBe(10_000);
    expect(windowJitterMs(jitter, 0.5)).toBe(15_000);
    expect(windowJitterMs({}, 0.5)).toBe(0);
  });
});
