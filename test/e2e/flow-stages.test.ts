/**
 * Flow-control stages end to end: manual judgment (continue, stop, timeout, roles, answered from
 * "another shell"), nested pipelines, stageEnabled, execution windows, stage timeouts, expressions
 * across stages, and a failed run's record saying which stage failed and why.
 */
import { describe, expect, it } from 'vitest';
import { JudgmentError } from '../../functions/core/errors.js';
import { submitJudgment } from '../../functions/core/judgment.js';
import { TransientStageError, type StageImplementation } from '../../functions/core/stage-api.js';
import { LocalRuntime } from '../../local/runtime.js';
import { sleep } from '../../local/clock.js';
import { statesOfType } from '../../local/asl-walk.js';
import { registerStageType } from '../../state-machines/stage-types/index.js';
import { pipelineOf, runPipeline, statusOf, useLocalAws } from '../support/local.js';

useLocalAws();

const judgment = (extra: Record<string, unknown> = {}) => ({
  refId: 'J',
  name: 'Approve',
  type: 'manualJudgment',
  instructions: 'Ship it?',
  judgmentInputs: [{ value: 'yes' }, { value: 'no' }],
  ...extra,
});
const after = { refId: 'N', name: 'Next', type: 'wait', waitTime: 0, requisiteStageRefIds: ['J'] };

describe('manual judgment', () => {
  it('continue → SUCCEEDED, recording judge and input', async () => {
    const result = await runPipeline({ stages: [judgment(), after] }, { judge: { kind: 'auto', judgment: 'continue', input: 'yes' }, user: 'alice' });
    expect(result.status).toBe('SUCCEEDED');
    const stage = result.execution.stages.find((s) => s.name === 'Approve')!;
    expect(stage.status).toBe('SUCCEEDED');
    expect(stage.context).toMatchObject({ judgmentStatus: 'continue', judgmentInput: 'yes', lastModifiedBy: 'alice' });
    expect(stage).not.toHaveProperty('callbackToken', expect.anything());
  });

  it('stop → TERMINAL and the pipeline fails', async () => {
    const result = await runPipeline({ stages: [judgment(), after] }, { judge: { kind: 'auto', judgment: 'stop' } });
    expect(statusOf(result)).toMatchObject({ Approve: 'TERMINAL', Next: 'NOT_STARTED' });
    expect(result.status).toBe('TERMINAL');
    expect(result.execution.stages[0]!.error).toContain('judgment: stop');
  });

  it('times out after stageTimeoutMs → TERMINAL', async () => {
    const result = await runPipeline({ stages: [judgment({ stageTimeoutMs: 30_000 }), after] }, { judge: { kind: 'external' } });
    expect(statusOf(result).Approve).toBe('TERMINAL');
    expect(result.execution.stages[0]!.error).toContain('timed out');
    expect(result.status).toBe('TERMINAL');
  });

  it('is answered from outside the run, and enforces requiredJudgmentRoles', async () => {
    const runtime = new LocalRuntime({ timeScale: 1, judge: { kind: 'external' } });
    const run = runtime.start(pipelineOf({ stages: [judgment({ requiredJudgmentRoles: ['release-managers'] }), after] }));
    const deps = { store: runtime.store, clock: runtime.clock, resume: async () => undefined };
    for (let i = 0; i < 100; i++) {
      const record = await runtime.store.load(run.executionId).catch(() => undefined);
      if (record?.stages[0]?.context.judgmentStatus === 'waiting') break;
      await sleep(50);
    }
    await expect(
      submitJudgment({ executionId: run.executionId, stage: 'Approve', judgment: 'continue', user: 'mallory', roles: ['dev'] }, deps),
    ).rejects.toThrow(JudgmentError);
    await expect(
      submitJudgment({ executionId: run.executionId, stage: 'Approve', judgment: 'continue', input: 'maybe', user: 'bob', roles: ['release-managers'] }, deps),
    ).rejects.toThrow(/not one of the judgment inputs/);
    await submitJudgment(
      { executionId: run.executionId, stage: 'Approve', judgment: 'continue', input: 'yes', user: 'bob', roles: ['release-managers'] },
      deps,
    );
    const result = await run.result;
    expect(result.status).toBe('SUCCEEDED');
    expect(result.execution.stages[0]!.context.lastModifiedBy).toBe('bob');
    // A second answer is refused: the stage no longer waits.
    await expect(
      submitJudgment({ executionId: run.executionId, stage: 'Approve', judgment: 'stop', user: 'bob', roles: ['release-managers'] }, deps),
    ).rejects.toThrow(/not waiting/);
  });

  it('feeds #judgment() to later stages', async () => {
    const check = {
      refId: 'C',
      name: 'Check',
      type: 'checkPreconditions',
      requisiteStageRefIds: ['J'],
      preconditions: [{ type: 'expression', context: { expression: "${#judgment('Approve') == 'no'}" } }],
    };
    const result = await runPipeline({ stages: [judgment(), check] }, { judge: { kind: 'auto', judgment: 'continue', input: 'no' } });
    expect(statusOf(result).Check).toBe('SUCCEEDED');
  });
});

describe('nested pipelines', () => {
  const child = pipelineOf({
    application: 'test',
    name: 'child',
    parameterConfig: [{ name: 'color', required: true }],
    stages: [
      {
        refId: '1',
        name: 'Child check',
        type: 'checkPreconditions',
        preconditions: [{ type: 'expression', context: { expression: "${parameters.color == 'blue'}" } }],
      },
    ],
  });
  const parent = (color: string, wait = true) => ({
    name: 'parent',
    stages: [
      { refId: '1', name: 'Run child', type: 'pipeline', application: 'test', pipeline: 'child', waitForCompletion: wait, pipelineParameters: { color } },
    ],
  });

  it('runs the child with parameters and takes its status', async () => {
    const result = await runPipeline(parent('blue'), { pipelines: [child] });
    expect(result.status).toBe('SUCCEEDED');
    const stage = result.execution.stages[0]!;
    const childRecord = await result.runtime.store.load(String(stage.outputs.childExecutionId));
    expect(childRecord.status).toBe('SUCCEEDED');
    expect(childRecord.trigger).toMatchObject({ type: 'pipeline', parentExecution: { id: result.executionId } });
  });

  it('fails when the child fails', async () => {
    const result = await runPipeline(parent('red'), { pipelines: [child] });
    expect(statusOf(result)['Run child']).toBe('TERMINAL');
    expect(result.execution.stages[0]!.error).toMatch(/child pipeline test\/child .* ended TERMINAL/);
  });

  it('does not wait when waitForCompletion is false', async () => {
    const result = await runPipeline(parent('red', false), { pipelines: [child] });
    expect(result.status).toBe('SUCCEEDED');
  });

  it('fails clearly when the child pipeline is unknown', async () => {
    const result = await runPipeline(parent('blue'), { pipelines: [] });
    expect(result.status).toBe('TERMINAL');
    expect(result.execution.stages[0]!.error).toContain("no pipeline 'test/child'");
  });
});

describe('stage options', () => {
  it('skips a stage whose stageEnabled expression is false, and downstream still runs', async () => {
    const result = await runPipeline({
      parameterConfig: [{ name: 'deploy', default: 'false' }],
      stages: [
        { refId: '1', name: 'Maybe', type: 'wait', waitTime: 0, stageEnabled: { type: 'expression', expression: "parameters.deploy == 'true'" } },
        { refId: '2', name: 'Then', type: 'wait', waitTime: 0, requisiteStageRefIds: ['1'] },
      ],
    });
    expect(statusOf(result)).toEqual({ Maybe: 'SKIPPED', Then: 'SUCCEEDED' });
  });

  it("runs a stage whose stageEnabled expression cannot decide, as Orca does, and says why; 'FALSE' as text skips", async () => {
    const result = await runPipeline({
      parameterConfig: [{ name: 'flag', default: 'FALSE' }],
      stages: [
        { refId: '1', name: 'Broken', type: 'wait', waitTime: 0, stageEnabled: { type: 'expression', expression: "trigger.nothing.deeper == 'x'" } },
        { refId: '2', name: 'NotBoolean', type: 'wait', waitTime: 0, stageEnabled: { type: 'expression', expression: '1 + 1' } },
        { refId: '3', name: 'TextFalse', type: 'wait', waitTime: 0, stageEnabled: { type: 'expression', expression: 'parameters.flag' } },
      ],
    });
    expect(statusOf(result)).toEqual({ Broken: 'SUCCEEDED', NotBoolean: 'SUCCEEDED', TextFalse: 'SKIPPED' });
    const context = (name: string) => result.execution.stages.find((s) => s.name === name)!.context;
    expect(context('Broken').stageEnabledWarning).toMatch(/could not be evaluated, so the stage ran/);
    expect(context('NotBoolean').stageEnabledWarning).toMatch(/gave 2, not true or false/);
    expect(context('TextFalse').stageEnabledWarning).toBeUndefined();
  });

  it('waits for the execution window to open', async () => {
    // A window opening ten minutes from now (UTC), at 600x: about 1 s of real time (two minutes
    // left too little room for a slow start on a loaded machine).
    const opens = new Date(Date.now() + 10 * 60_000);
    const closes = new Date(opens.getTime() + 30 * 60_000);
    const result = await runPipeline(
      {
        stages: [
          {
            refId: '1',
            name: 'Windowed',
            type: 'wait',
            waitTime: 0,
            restrictExecutionDuringTimeWindow: true,
            restrictedExecutionWindow: {
              whitelist: [{ startHour: opens.getUTCHours(), startMin: opens.getUTCMinutes(), endHour: closes.getUTCHours(), endMin: closes.getUTCMinutes() }],
            },
          },
        ],
      },
      { timeScale: 600 },
    );
    expect(result.status).toBe('SUCCEEDED');
    const stage = result.execution.stages[0]!;
    expect(stage.context.windowOpensAt).toBeGreaterThan(stage.startTime!);
    // The record keeps wall-clock time: two scaled minutes took well under a real minute.
    expect(stage.endTime! - stage.startTime!).toBeGreaterThanOrEqual(0);
    expect(stage.endTime! - stage.startTime!).toBeLessThan(60_000);
  });

  it('fails a stage that runs longer than stageTimeoutMs', async () => {
    const result = await runPipeline({ stages: [{ refId: '1', name: 'Long', type: 'wait', waitTime: 600, stageTimeoutMs: 20_000 }] });
    expect(statusOf(result).Long).toBe('TERMINAL');
    expect(result.execution.stages[0]!.error).toContain('timed out after 20 s');
  });

  it('evaluates expressions against trigger, parameters and earlier stage outputs', async () => {
    const result = await runPipeline(
      {
        parameterConfig: [{ name: 'version', default: '1.2.3' }],
        stages: [
          { refId: '1', name: 'Vars', type: 'evaluateVariables', variables: [{ key: 'tag', value: 'v${parameters.version}-${trigger.user}' }] },
          {
            refId: '2',
            name: 'Check',
            type: 'checkPreconditions',
            requisiteStageRefIds: ['1'],
            preconditions: [{ type: 'expression', context: { expression: "${#stage('Vars').outputs.tag == 'v1.2.3-carol' && tag == 'v1.2.3-carol'}" } }],
          },
        ],
      },
      { user: 'carol' },
    );
    expect(statusOf(result)).toEqual({ Vars: 'SUCCEEDED', Check: 'SUCCEEDED' });
  });

  it('records which stage failed and why when an expression cannot be evaluated', async () => {
    const result = await runPipeline({
      stages: [{ refId: '1', name: 'Broken', type: 'wait', waitTime: '${trigger.nothing.deeper}' }],
    });
    expect(result.status).toBe('TERMINAL');
    const stage = result.execution.stages[0]!;
    expect(stage.status).toBe('TERMINAL');
    expect(stage.error).toContain('expression evaluation failed');
    expect(result.execution.error).toContain("stage 'Broken' TERMINAL");
  });

  it('retries transient errors with backoff and then succeeds', async () => {
    let calls = 0;
    registerStageType({ type: 'flaky', family: 'flow', execution: 'task', description: 'test stage that fails twice', fields: [] });
    const flaky: StageImplementation = {
      type: 'flaky',
      async run() {
        calls++;
        if (calls < 3) throw new TransientStageError('throttled');
        return { status: 'SUCCEEDED', outputs: { calls } };
      },
    };
    const result = await runPipeline({ stages: [{ refId: '1', name: 'Flaky', type: 'flaky' }] }, { families: [() => [flaky]] });
    expect(result.status).toBe('SUCCEEDED');
    expect(calls).toBe(3);
    expect(result.events.filter((e) => e.type === 'StateRetried' && e.state?.name === 'Flaky')).toHaveLength(2);
    // "Not yet" answers the Task's token: retried, yet no function error.
    expect(result.functionErrors).toEqual([]);
  });

  it("records a stage whose function fails for good through its branch's one recorder, by its failure options", async () => {
    registerStageType({ type: 'broken', family: 'flow', execution: 'task', description: 'test stage whose function always fails', fields: [] });
    const broken: StageImplementation = {
      type: 'broken',
      async run() {
        throw new Error('disk on fire');
      },
    };
    const wait = (refId: string, name: string, requisites: string[]) => ({ refId, name, type: 'wait', waitTime: 0, requisiteStageRefIds: requisites });
    const result = await runPipeline(
      {
        stages: [
          wait('A', 'First', []),
          { refId: 'B', name: 'Ignored', type: 'broken', requisiteStageRefIds: ['A'], failPipeline: false, continuePipeline: true },
          wait('C', 'After ignored', ['B']),
          wait('S', 'Side', ['A']),
          { refId: 'H', name: 'Halting', type: 'broken', requisiteStageRefIds: ['S'], failPipeline: false },
          wait('D', 'Dropped', ['H']),
        ],
      },
      { families: [() => [broken]] },
    );
    expect(statusOf(result)).toEqual({
      First: 'SUCCEEDED',
      Ignored: 'FAILED_CONTINUE',
      'After ignored': 'SUCCEEDED',
      Side: 'SUCCEEDED',
      Halting: 'STOPPED',
      Dropped: 'NOT_STARTED',
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.execution.stages.find((s) => s.name === 'Ignored')!.error).toContain('disk on fire');
    // A crash is the one outcome that is a function error (Lambda `Errors`, the alarm).
    expect(result.functionErrors).toEqual(['Error: disk on fire', 'Error: disk on fire']);
    // One recorder per branch (and one for the top level), none per stage.
    const recorders = statesOfType(result.definition as never, 'Task').filter(
      (t) => (t.state.Parameters as { Payload?: { op?: string } }).Payload?.op === 'record',
    );
    expect(recorders.map((r) => r.name).sort()).toEqual(['Ignored · stage failed', 'Side · stage failed', 'Stage failed']);
  });
});
