/**
 * The one trigger-type table: validate reports from it, the platform catalog wires handlers from
 * it and each trigger handler matches the types it lists.
 */
import { describe, expect, it } from 'vitest';
import { MANUAL_TRIGGER_TYPES, TRIGGER_HANDLERS } from '../../../../infra/platform/catalog.js';
import { validatePipeline } from '../../../../state-machines/model/validate.js';
import { supportedTriggerTypes, triggerHandlerFor, triggerProblems, triggerTypesFiredBy } from '../../../../state-machines/triggers/trigger-types.js';

const WAIT = [{ refId: '1', type: 'wait', name: 'Wait', waitTime: 1 }];
const check = (...triggers: unknown[]) => validatePipeline({ application: 'a', name: 'p', triggers, stages: WAIT });

describe('trigger types: one table', () => {
  it('is what the platform catalog says each handler fires, and every type has a handler', () => {
    const fired = Object.values(TRIGGER_HANDLERS).flatMap((h) => [...h.fires]);
    expect([...fired, ...MANUAL_TRIGGER_TYPES].sort()).toEqual([...supportedTriggerTypes()].sort());
    for (const [kind, spec] of Object.entries(TRIGGER_HANDLERS)) {
      for (const type of spec.fires) expect(triggerHandlerFor(type)).toBe(kind);
    }
    expect(triggerTypesFiredBy('docker')).toEqual(['docker', 'ecr']);
  });

  it('warns, with its path, about a trigger type no handler fires', () => {
    const result = check({ type: 'travis', master: 'm', job: 'j' });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([
      {
        path: '$.triggers[0].type',
        message: expect.stringMatching(
          /^no handler on this platform fires 'travis' triggers \(supported: .*jenkins.*\); this trigger will never start the pipeline$/,
        ),
      },
    ]);
  });

  it("names a git trigger secret that looks like Echo's shared secret itself (Gennaker reads a Secrets Manager name), never echoing it", () => {
    const git = (secret: string) => triggerProblems({ type: 'git', source: 'github', project: 'a', slug: 'b', secret }, '$.triggers[0]');
    const literal = git('s3cr3t value!');
    expect(literal.errors).toEqual([]);
    expect(literal.warnings).toEqual([
      {
        path: '$.triggers[0].secret',
        message: expect.stringMatching(/^read as the name of a Secrets Manager secret, and this value cannot be one; .*never starts/),
      },
    ]);
    expect(JSON.stringify(literal)).not.toContain('s3cr3t');
    expect(git('a1b2c3d4e5').warnings).toEqual([{ path: '$.triggers[0].secret', message: expect.stringMatching(/no prefix looks like Echo's shared secret/) }]);
    expect(git('gennaker/shop/github-hook').warnings).toEqual([]);
    expect(git('arn:aws:secretsmanager:us-east-1:123456789012:secret:gennaker/hook-AbCdEf').warnings).toEqual([]);
  });

  it('warns about options no handler fires (a Google Pub/Sub subscription, a git provider without a handler)', () => {
    const result = check(
      { type: 'pubsub', pubsubSystem: 'google', subscriptionName: 'builds' },
      { type: 'git', source: 'gitea', project: 'a', slug: 'b' },
      { type: 'jenkins', master: 'ci' },
    );
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((w) => w.path)).toEqual(['$.triggers[0].pubsubSystem', '$.triggers[1].source', '$.triggers[2].job']);
    expect(result.warnings[0]!.message).toMatch(/pubsubSystem 'google' is not 'amazon'/);
  });

  it("refuses a cron expression with the scheduler's own parser, naming the field", () => {
    const result = check({ type: 'cron', cronExpression: '0 0 25 * * ?' }, { type: 'cron', cronExpression: '0 0 12 * * ?', cronTimeZone: 'Mars/Olympus' });
    expect(result.pipeline).toBeUndefined();
    expect(result.errors).toEqual([
      { path: '$.triggers[0].cronExpression', message: 'hours: 25 is out of range 0-23' },
      { path: '$.triggers[1].cronTimeZone', message: "time zone 'Mars/Olympus' is not an IANA time zone (like Europe/Paris or UTC)" },
    ]);
  });

  it("reports a disabled trigger's bad settings as warnings (it cannot fire)", () => {
    const result = check({ type: 'cron', cronExpression: 'every day', enabled: false });
    expect(result.errors).toEqual([]);
    expect(result.warnings[0]).toMatchObject({ path: '$.triggers[0].cronExpression' });
  });

  it("checks every pattern a trigger carries with the runtime's pattern check", () => {
    const result = check(
      { type: 'git', source: 'github', project: 'a', slug: 'b', branch: 'v{2,1}' },
      { type: 'docker', repository: 'org/app', tag: '[unclosed' },
      {
        type: 'pubsub',
        subscriptionName: 'arn:aws:sns:us-east-1:111111111111:t',
        payloadConstraints: { env: 'prod', ref: '(x|y' },
        attributeConstraints: { team: '\\1' },
      },
      { type: 'git', source: 'github', project: 'a', slug: 'b', branch: 'release/.*' },
    );
    expect(result.errors.map((e) => e.path)).toEqual([
      '$.triggers[0].branch',
      '$.triggers[1].tag',
      '$.triggers[2].payloadConstraints.ref',
      '$.triggers[2].attributeConstraints.team',
    ]);
  });
});
