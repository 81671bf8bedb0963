/** How often a hold reads its rollback alarms, and how long a hold waits between calls. */
import { describe, expect, it } from 'vitest';
import { gatePollSeconds, holdWaitSeconds } from '../../../../../functions/core/gates/alarms.js';

const MINUTE = 60_000;

describe('gatePollSeconds', () => {
  it('checks every 30 s for the first 10 minutes of a hold, every minute to the hour, then every 5 minutes', () => {
    expect([0, 9 * MINUTE, 10 * MINUTE, 59 * MINUTE, 60 * MINUTE, 3 * 24 * 60 * MINUTE].map(gatePollSeconds)).toEqual([30, 30, 60, 60, 300, 300]);
  });

  it('keeps a step held three days for a promote under 25,000 history events (about 10 per poll)', () => {
    let polls = 0;
    for (let held = 0; held < 3 * 24 * 60 * MINUTE; held += gatePollSeconds(held) * 1000) polls++;
    expect(polls * 10).toBeLessThan(25_000);
  });
});

describe('holdWaitSeconds', () => {
  it('waits for the next alarm check while watching alarms, never past the end of the hold', () => {
    expect(holdWaitSeconds(300_000, 0, true)).toBe(30);
    expect(holdWaitSeconds(300_000, 20 * MINUTE, true)).toBe(60);
    expect(holdWaitSeconds(12_500, 0, true)).toBe(13);
  });

  it('waits out the whole hold in one Wait when there are no alarms to read', () => {
    expect(holdWaitSeconds(3_600_000, 0, false)).toBe(3600);
    expect(holdWaitSeconds(200, 0, false)).toBe(1);
  });
});
