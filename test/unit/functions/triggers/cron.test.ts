import { describe, expect, it } from 'vitest';
import { quartzToScheduler } from '../../../../state-machines/triggers/cron-expression.js';
import { cronSchedules, scheduleName } from '../../../../functions/triggers/cron/schedules.js';
import { pipelineOf } from '../../../support/local.js';

describe('Quartz → EventBridge Scheduler', () => {
  it.each([
    ['0 0/30 * * * ?', 'cron(0/30 * * * ? *)'],
    ['0 */5 * * * ?', 'cron(0/5 * * * ? *)'],
    ['0 0 10 ? * MON-FRI *', 'cron(0 10 ? * MON-FRI *)'],
    ['0 0 10 ? * mon-fri', 'cron(0 10 ? * MON-FRI *)'],
    ['0 0 12 * * ?', 'cron(0 12 * * ? *)'],
    ['0 15 10 ? * 6L', 'cron(15 10 ? * 6L *)'],
    ['0 15 10 ? * 6#3', 'cron(15 10 ? * 6#3 *)'],
    ['0 15 10 ? * FRI#1', 'cron(15 10 ? * FRI#1 *)'],
    ['0 0 12 1/5 * ?', 'cron(0 12 1/5 * ? *)'],
    ['0 0 12 L * ?', 'cron(0 12 L * ? *)'],
    ['0 0 12 15W * ?', 'cron(0 12 15W * ? *)'],
    ['0 0 0 1 jan,jul ?', 'cron(0 0 1 JAN,JUL ? *)'],
    ['0 0 8 ? * MON 2030', 'cron(0 8 ? * MON 2030)'],
    ['0 0,30 8-17 ? * 2-6 2026-2030', 'cron(0,30 8-17 ? * 2-6 2026-2030)'],
    // Deck writes '*' for both day fields; Quartz would refuse it, Scheduler needs one '?'.
    ['0 0 8 * * *', 'cron(0 8 * * ? *)'],
    ['0 0 8 * * MON', 'cron(0 8 ? * MON *)'],
    ['0 0 8 1 * *', 'cron(0 8 1 * ? *)'],
  ])('%s → %s', (quartz, expected) => {
    const result = quartzToScheduler(quartz);
    expect(result).toEqual({ expression: expected, timezone: 'America/Los_Angeles', errors: [], warnings: [] });
  });

  it('keeps the time zone', () => {
    expect(quartzToScheduler('0 0 9 ? * MON-FRI', 'Europe/Paris')).toMatchObject({ expression: 'cron(0 9 ? * MON-FRI *)', timezone: 'Europe/Paris' });
  });

  it('drops a fixed second with a warning', () => {
    const result = quartzToScheduler('30 0 12 * * ?');
    expect(result.expression).toBe('cron(0 12 * * ? *)');
    expect(result.warnings).toEqual(['seconds: EventBridge Scheduler has minute precision; the schedule fires at second 0, not 30']);
  });

  it.each([
    ['* * * * * ?', /seconds: '\*' would fire more than once a minute/],
    ['0/10 * * * * ?', /seconds/],
    ['0 0 12 1 * MON', /both set/],
    ['0 0 12 ? * ?', /cannot both be '\?'/],
    ['0 0 25 * * ?', /hours: 25 is out of range 0-23/],
    ['0 60 * * * ?', /minutes: 60 is out of range/],
    ['0 0 12 L-3 * ?', /'L-3' has no EventBridge Scheduler equivalent/],
    ['0 0 12 LW * ?', /'LW' has no EventBridge Scheduler equivalent/],
    ['0 0 12 ? * MON/2', /day-of-week: increments/],
    ['0 0 12 ? * 8', /day-of-week: 8 is out of range 1-7/],
    ['0 0 12 ? * 6#6', /the week must be 1-5/],
    ['0 0 12 ? FOO *', /month: 'FOO' is not a value/],
    ['0 0 ? * * ?', /hours: '\?' is only allowed/],
    ['0 0 12 1,L * ?', /cannot be combined/],
    ['0 0 12 ? * MON 1900', /year: 1900 is out of range/],
    ['0 0 12 * *', /has 5 fields/],
    ['', /has 0 fields/],
  ])('refuses %s', (quartz, message) => {
    const result = quartzToScheduler(quartz);
    expect(result.expression).toBeUndefined();
    expect(result.errors.join('\n')).toMatch(message);
  });

  it('refuses a time zone that is not IANA', () => {
    expect(quartzToScheduler('0 0 12 * * ?', 'Mars/Olympus').errors).toEqual(["time zone 'Mars/Olympus' is not an IANA time zone (like Europe/Paris or UTC)"]);
  });
});

describe('schedules for a pipeline', () => {
  it('makes one schedule per enabled cron trigger, and lists problems', () => {
    const valid = pipelineOf({
      application: 'nightly',
      name: 'rebuild',
      triggers: [
        { type: 'cron', id: 'a1', cronExpression: '0 0 2 * * ?', timeZone: 'America/New_York' },
        { type: 'cron', cronExpression: '0 30 3 ? * SUN' },
        { type: 'cron', id: 'off', cronExpression: '0 0 4 * * ?', enabled: false },
        { type: 'git', source: 'github', project: 'a', slug: 'b' },
      ],
      stages: [{ refId: '1', type: 'wait', name: 'Wait', waitTime: 1 }],
    });
    // validate refuses a bad expression; schedules still list it for a pipeline that skipped validation.
    const pipeline = { ...valid, triggers: [...valid.triggers.slice(0, 3), { type: 'cron', id: 'bad', cronExpression: '*/5 * * * * ?' }, valid.triggers[3]!] };
    const { schedules, problems } = cronSchedules(pipeline);
    expect(schedules.map((s) => [s.name, s.expression, s.timezone, s.input.triggerId])).toEqual([
      ['gennaker-nightly-nightly-rebuild-a1', 'cron(0 2 * * ? *)', 'America/New_York', 'a1'],
      ['gennaker-nightly-nightly-rebuild-cron-1', 'cron(30 3 ? * SUN *)', 'America/Los_Angeles', 'cron-1'],
    ]);
    expect(schedules[0]!.input).toEqual({
      application: 'nightly',
      pipelineId: 'nightly-rebuild',
      triggerId: 'a1',
      scheduledTime: '<aws.scheduler.scheduled-time>',
    });
    expect(problems).toEqual([expect.stringContaining('nightly/rebuild triggers[3]: seconds')]);
  });

  it("uses the platform's time zone for cron triggers that name none (Spinnaker's America/Los_Angeles by default)", () => {
    const pipeline = pipelineOf({
      application: 'nightly',
      name: 'tz',
      triggers: [
        { type: 'cron', id: 'a', cronExpression: '0 0 2 * * ?' },
        { type: 'cron', id: 'b', cronExpression: '0 0 2 * * ?', cronTimeZone: 'Asia/Tokyo' },
      ],
      stages: [{ refId: '1', type: 'wait', name: 'Wait', waitTime: 1 }],
    });
    expect(cronSchedules(pipeline).schedules.map((s) => s.timezone)).toEqual(['America/Los_Angeles', 'Asia/Tokyo']);
    expect(cronSchedules(pipeline, 'Europe/Paris').schedules.map((s) => s.timezone)).toEqual(['Europe/Paris', 'Asia/Tokyo']);
  });

  it('keeps schedule names within 64 valid characters', () => {
    const name = scheduleName('app', 'x'.repeat(100), '8f2c0a6e-1b7e-4c2e-9a54-5e4a3c0d9b11');
    expect(name.length).toBeLessThanOrEqual(64);
    expect(name).toMatch(/^[0-9A-Za-z_.-]+$/);
    expect(scheduleName('app', 'x'.repeat(100), 'other')).not.toBe(name);
  });
});
