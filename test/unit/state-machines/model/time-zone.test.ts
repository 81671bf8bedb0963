/** Time zones as Spinnaker's (fidelity item 3): the platform zone, America/Los_Angeles by default. */
import { describe, expect, it } from 'vitest';
import { platformTimeZone } from '../../../../functions/core/time-zone.js';
import { waitingNote } from '../../../../local/progress.js';
import { compilePipeline } from '../../../../state-machines/compiler/compile.js';
import { DEFAULT_TIME_ZONE, usesPlatformTimeZone } from '../../../../state-machines/model/time-zone.js';
import { validatePipeline } from '../../../../state-machines/model/validate.js';
import type { StageRecord } from '../../../../functions/core/execution-model.js';

const windowed = validatePipeline({
  application: 'shop',
  name: 'windowed',
  stages: [
    {
      refId: '1',
      type: 'wait',
      name: 'Office hours',
      waitTime: 1,
      restrictExecutionDuringTimeWindow: true,
      restrictedExecutionWindow: { whitelist: [{ startHour: 9, startMin: 0, endHour: 17, endMin: 0 }] },
    },
    {
      refId: '2',
      type: 'wait',
      name: 'Tokyo',
      waitTime: 1,
      requisiteStageRefIds: ['1'],
      restrictExecutionDuringTimeWindow: true,
      restrictedExecutionWindow: { timeZone: 'Asia/Tokyo' },
    },
  ],
}).pipeline!;

function windowZones(definition: object): unknown[] {
  const zones: unknown[] = [];
  JSON.stringify(definition, (key, value: unknown) => {
    if (key === 'executionWindow') zones.push((value as { timeZone?: unknown }).timeZone);
    return value;
  });
  return zones;
}

describe('the platform time zone', () => {
  it("is Spinnaker's default, America/Los_Angeles (Orca's execution windows, Echo's crons)", () => {
    expect(DEFAULT_TIME_ZONE).toBe('America/Los_Angeles');
    expect(platformTimeZone({})).toBe('America/Los_Angeles');
    expect(platformTimeZone({ GENNAKER_TIME_ZONE: 'Europe/Paris' })).toBe('Europe/Paris');
    expect(() => platformTimeZone({ GENNAKER_TIME_ZONE: 'Mars/Olympus' })).toThrow(/not an IANA time zone/);
  });

  it('is compiled into execution windows that name no zone; a window with its own keeps it', () => {
    expect(windowZones(compilePipeline(windowed)).sort()).toEqual(['America/Los_Angeles', 'Asia/Tokyo']);
    expect(windowZones(compilePipeline(windowed, { timeZone: 'Europe/Paris' })).sort()).toEqual(['Asia/Tokyo', 'Europe/Paris']);
  });

  it('is said to matter only for pipelines with windows or crons that name no zone', () => {
    expect(usesPlatformTimeZone(windowed)).toBe(true);
    const plain = validatePipeline({
      application: 'a',
      name: 'b',
      triggers: [{ type: 'cron', cronExpression: '0 0 1 * * ?', cronTimeZone: 'UTC' }],
      stages: [{ refId: '1', type: 'wait', waitTime: 1 }],
    }).pipeline!;
    expect(usesPlatformTimeZone(plain)).toBe(false);
    const cron = validatePipeline({
      application: 'a',
      name: 'b',
      triggers: [{ type: 'cron', cronExpression: '0 0 1 * * ?' }],
      stages: [{ refId: '1', type: 'wait', waitTime: 1 }],
    }).pipeline!;
    expect(usesPlatformTimeZone(cron)).toBe(true);
  });
});

describe('progress while a window is closed', () => {
  const stage = (context: Record<string, unknown>): StageRecord => ({
    refId: '1',
    name: 'Deploy',
    type: 'wait',
    requisiteStageRefIds: [],
    status: 'RUNNING',
    context,
    outputs: {},
    version: 1,
  });
  const opensAt = Date.UTC(2026, 11, 7, 17, 0); // Mon 7 Dec 2026 09:00 in Los Angeles

  it('says when the window opens, in its zone, instead of a bare RUNNING', () => {
    expect(waitingNote(stage({ windowOpensAt: opensAt, windowTimeZone: 'America/Los_Angeles' }), opensAt - 3_600_000)).toBe(
      'waiting for its execution window: opens Mon, Dec 7, 09:00 America/Los_Angeles',
    );
  });

  it('says nothing once it has opened, and still reports judgments', () => {
    expect(waitingNote(stage({ windowOpensAt: opensAt, windowTimeZone: 'America/Los_Angeles' }), opensAt + 1)).toBe('');
    expect(waitingNote(stage({ judgmentStatus: 'waiting' }), 0)).toBe('awaiting judgment');
  });
});
