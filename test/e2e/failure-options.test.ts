/**
 * The four "if stage fails" options, with a failing stage at the start, in the middle of a parallel
 * branch, and at a join: the failed stage's status, what runs after it, and the pipeline's status.
 */
import { describe, expect, it } from 'vitest';
import { runPipeline, statusOf, useLocalAws } from '../support/local.js';

useLocalAws();

const policies = {
  haltPipeline: { failPipeline: true },
  haltBranch: { failPipeline: false, continuePipeline: false },
  haltBranchThenFail: { failPipeline: false, continuePipeline: false, completeOtherBranchesThenFail: true },
  ignore: { failPipeline: false, continuePipeline: true },
} as const;
type Policy = keyof typeof policies;

const failing = (refId: string, requisites: string[], policy: Policy) => ({
  refId,
  name: 'Fail',
  type: 'checkPreconditions',
  requisiteStageRefIds: requisites,
  preconditions: [{ type: 'expression', context: { expression: '${1 == 2}', failureMessage: 'one is not two' } }],
  ...policies[policy],
});
const wait = (refId: string, name: string, requisites: string[] = [], seconds = 0) => ({
  refId,
  name,
  type: 'wait',
  waitTime: seconds,
  requisiteStageRefIds: requisites,
});

/** Each layout: a failing stage F, its downstream D, an independent sibling S, and the join J when there is one. */
const layouts = {
  start: (p: Policy) => [failing('F', [], p), wait('D', 'Downstream', ['F']), wait('S', 'Sibling', [], 20), wait('J', 'Join', ['D', 'S'])],
  middle: (p: Policy) => [
    wait('A', 'Before'),
    failing('F', ['A'], p),
    wait('D', 'Downstream', ['F']),
    wait('S', 'Sibling', ['A'], 20),
    wait('J', 'Join', ['D', 'S']),
  ],
  join: (p: Policy) => [wait('A', 'Before'), wait('S', 'Sibling', [], 5), failing('F', ['A', 'S'], p), wait('D', 'Downstream', ['F'])],
};

const expected: Record<Policy, { fail: string; downstream: string; pipeline: string }> = {
  haltPipeline: { fail: 'TERMINAL', downstream: 'NOT_STARTED', pipeline: 'TERMINAL' },
  haltBranch: { fail: 'STOPPED', downstream: 'NOT_STARTED', pipeline: 'SUCCEEDED' },
  haltBranchThenFail: { fail: 'STOPPED', downstream: 'NOT_STARTED', pipeline: 'TERMINAL' },
  ignore: { fail: 'FAILED_CONTINUE', downstream: 'SUCCEEDED', pipeline: 'SUCCEEDED' },
};

const cases = (Object.keys(layouts) as Array<keyof typeof layouts>).flatMap((position) =>
  (Object.keys(policies) as Policy[]).map((policy) => ({ position, policy })),
);

describe('failure options', () => {
  it.each(cases)('$policy at $position', async ({ position, policy }) => {
    const result = await runPipeline({ stages: layouts[position](policy) });
    const statuses = statusOf(result);
    const want = expected[policy];
    expect(statuses.Fail).toBe(want.fail);
    expect(statuses.Downstream).toBe(want.downstream);
    expect(result.status).toBe(want.pipeline);
    const failed = result.execution.stages.find((s) => s.name === 'Fail')!;
    expect(failed.error).toContain('one is not two');
    if (policy === 'haltPipeline') {
      // The run stops: an independent sibling is either done already or canceled, never left RUNNING.
      expect(['SUCCEEDED', 'CANCELED']).toContain(statuses.Sibling);
      expect(result.execution.error).toContain("stage 'Fail' TERMINAL");
    } else {
      // Other branches run to completion.
      expect(statuses.Sibling).toBe('SUCCEEDED');
    }
    if (statuses.Join !== undefined) expect(statuses.Join).toBe(policy === 'ignore' ? 'SUCCEEDED' : 'NOT_STARTED');
    expect(result.execution.stages.some((s) => s.status === 'RUNNING')).toBe(false);
    expect(result.execution.endTime).toBeDefined();
    // Failing, halting and routing answer the Tasks' tokens: no call was a function error (Lambda `Errors`).
    expect(result.functionErrors).toEqual([]);
  });
});
