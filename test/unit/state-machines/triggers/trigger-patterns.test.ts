import { describe, expect, it } from 'vitest';
import { validatePipeline } from '../../../../state-machines/model/validate.js';

const STAGES = [{ refId: '1', type: 'wait', name: 'Wait', waitTime: 1 }];

function problems(pipeline: Record<string, unknown>): string[] {
  return validatePipeline({ application: 'app', name: 'p', stages: STAGES, ...pipeline }).errors.map((e) => `${e.path}: ${e.message}`);
}

describe('user patterns in validate', () => {
  it('GIVEN trigger patterns the linear-time engine cannot run WHEN validated THEN each is refused at its path', () => {
    const errors = problems({
      triggers: [
        { type: 'git', source: 'github', project: 'o', slug: 'r', branch: '(a)\\1' },
        { type: 'docker', repository: 'r', tag: '(?=v)v.*' },
        { type: 'codebuild', project: 'a++' },
        { type: 'pubsub', pubsubSystem: 'amazon', subscriptionName: 't', payloadConstraints: { ok: 'x', bad: '(' }, attributeConstraints: { a: '(?!x)' } },
      ],
    });
    expect(errors).toEqual([
      expect.stringMatching(/^\$\.triggers\[0\]\.branch: invalid pattern '\(a\)\\1' for the linear-time engine/),
      expect.stringMatching(/^\$\.triggers\[1\]\.tag: invalid pattern/),
      expect.stringMatching(/^\$\.triggers\[2\]\.project: invalid pattern/),
      expect.stringMatching(/^\$\.triggers\[3\]\.payloadConstraints\.bad: invalid pattern/),
      expect.stringMatching(/^\$\.triggers\[3\]\.attributeConstraints\.a: invalid pattern/),
    ]);
  });

  it('GIVEN patterns a backtracking engine would choke on WHEN validated THEN they are accepted (they run in linear time)', () => {
    expect(problems({ triggers: [{ type: 'git', source: 'github', project: 'o', slug: 'r', branch: '(\\w|\\d)+' }] })).toEqual([]);
  });

  it('GIVEN literal patterns in matches, split, replaceAll and replaceFirst WHEN validated THEN unrunnable ones are refused', () => {
    const errors = problems({
      stages: [
        {
          refId: '1',
          type: 'wait',
          name: 'Wait',
          waitTime: 1,
          a: "${trigger.user matches '(x)\\1'}",
          b: "${trigger.user.split('(?<=,)')}",
          c: "${trigger.user.replaceAll('a++', 'b')}",
          d: "${trigger.user.replaceFirst('[a-z]+', 'ok')}",
          e: '${trigger.user.matches(trigger.branch)}',
        },
      ],
    });
    expect(errors).toHaveLength(3);
    expect(errors.every((e) => e.startsWith('$.stages[0]: invalid pattern'))).toBe(true);
  });
});
