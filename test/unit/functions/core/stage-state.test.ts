/**
 * Stage state is typed per stage type (stage-api.ts): a stage reads what earlier calls saved and
 * writes its context only through its type's StageState / StageFields. The `@ts-expect-error` lines
 * are the check that keeps it so: `tsc --noEmit` (in `npm test` and landing) fails if any of them
 * compiles, i.e. if a stage could again read `ctx.state.x` or return a literal context.
 */
import { describe, expect, it } from 'vitest';
import { type StageRunContext, type TaskResult, stageFields, stageState } from '../../../../functions/core/stage-api.js';

interface PollFields {
  readonly polls: number;
  readonly lastError: string | null;
}
const POLL = stageFields<PollFields>();
const PLAN = stageState<{ readonly groups: readonly string[] }>('plan');

describe('stage state', () => {
  it('reads back what its type saved, fields at the top of the context and a state under its key', () => {
    const context = { ...POLL.save({ polls: 2, lastError: null }), ...PLAN.save({ groups: ['app-v001'] }) };
    expect(context).toEqual({ polls: 2, lastError: null, plan: { groups: ['app-v001'] } });
    expect(POLL.of(context).polls).toBe(2);
    expect(PLAN.of(context)?.groups).toEqual(['app-v001']);
    expect(PLAN.of({})).toBeUndefined();
    expect(POLL.of({})).toEqual({});
  });

  it('refuses untyped reads and writes at compile time', () => {
    const checks = (ctx: StageRunContext): TaskResult[] => {
      // @ts-expect-error the saved state is opaque: read it through the stage type's StageFields
      void ctx.state.polls;
      // @ts-expect-error a misspelt field does not type-check
      POLL.save({ pols: 1 });
      // @ts-expect-error a field of the wrong type does not type-check
      POLL.save({ polls: 'two' });
      // @ts-expect-error a checkpoint takes only what a StageState / StageFields saved
      void ctx.checkpoint({ polls: 1 });
      return [
        // @ts-expect-error a result's context too
        { status: 'RUNNING', waitSeconds: 1, context: { polls: 1 } },
        { status: 'RUNNING', waitSeconds: 1, context: { ...POLL.save({ polls: 1 }), ...PLAN.save({ groups: [] }) } },
      ];
    };
    expect(checks).toBeTypeOf('function');
  });
});
