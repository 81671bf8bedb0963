/** The compiler: whole rendered ASL for a small pipeline, determinism, names, and shapes. */
import { describe, expect, it } from 'vitest';
import { TRANSIENT_ERRORS } from '../../../../state-machines/compiler/asl.js';
import { compilePipeline, definitionProblems, renderDefinition } from '../../../../state-machines/compiler/compile.js';
import { statesOfType } from '../../../../local/asl-walk.js';
import { expectValidAsl, pipelineOf } from '../../../support/local.js';

const RETRY = [{ ErrorEquals: TRANSIENT_ERRORS, IntervalSeconds: 2, MaxAttempts: 4, BackoffRate: 2, MaxDelaySeconds: 60, JitterStrategy: 'FULL' }];
const ENGINE = 'arn:aws:lambda:us-east-1:123456789012:function:gennaker-engine';
const FLOW = 'arn:aws:lambda:us-east-1:123456789012:function:gennaker-flow';

describe('compilePipeline', () => {
  it('renders a one-stage pipeline as start → stage → complete', () => {
    // GIVEN
    const pipeline = pipelineOf({ application: 'app', name: 'one', stages: [{ refId: '1', type: 'checkPreconditions', name: 'Check', preconditions: [] }] });
    const identity = { refId: '1', name: 'Check', type: 'checkPreconditions', failurePolicy: 'haltPipeline' };
    // WHEN
    const asl = compilePipeline(pipeline);
    // THEN
    expect(asl).toEqual({
      Comment: "Gennaker pipeline 'one' of application 'app'",
      StartAt: 'Start pipeline',
      States: {
        'Start pipeline': {
          Type: 'Task',
          Comment: 'Creates the execution record',
          Resource: ENGINE,
          Parameters: {
            op: 'start',
            'executionId.$': '$.executionId',
            'input.$': '$',
            pipeline: {
              application: 'app',
              name: 'one',
              id: 'app-one',
              parameterConfig: [],
              notifications: [],
              limitConcurrent: true,
              maxConcurrentExecutions: 0,
              keepWaitingPipelines: false,
              stages: [{ refId: '1', name: 'Check', type: 'checkPreconditions', requisiteStageRefIds: [], failurePolicy: 'haltPipeline' }],
            },
          },
          ResultSelector: { 'executionId.$': '$.executionId', 'caught.$': '$.caught' },
          TimeoutSeconds: 60,
          Retry: RETRY,
          Next: 'Check',
        },
        // The only stage: every outcome goes on to 'Complete pipeline', so no Choice is needed.
        Check: {
          Type: 'Task',
          Resource: FLOW,
          Parameters: { op: 'run', 'executionId.$': '$.executionId', stage: { ...identity, config: { preconditions: [] } } },
          TimeoutSeconds: 900,
          ResultPath: '$.result',
          Retry: RETRY,
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Check (error)' }],
          Next: 'Complete pipeline',
        },
        'Check (error)': {
          Type: 'Task',
          Resource: FLOW,
          Parameters: { op: 'fail', 'executionId.$': '$.executionId', stage: identity, 'error.$': '$.error' },
          ResultPath: '$.result',
          TimeoutSeconds: 60,
          Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 }],
          Next: 'Complete pipeline',
        },
        'Complete pipeline': {
          Type: 'Task',
          Comment: 'Finalises the execution record and decides the pipeline status',
          Resource: ENGINE,
          Parameters: { op: 'complete', 'executionId.$': '$.executionId', 'caught.$': '$.caught' },
          ResultPath: '$.result',
          TimeoutSeconds: 60,
          Retry: RETRY,
          Next: 'Pipeline status',
        },
        'Pipeline status': {
          Type: 'Choice',
          Choices: [{ Variable: '$.result.status', StringEquals: 'SUCCEEDED', Next: 'Pipeline succeeded' }],
          Default: 'Pipeline failed',
        },
        'Pipeline succeeded': { Type: 'Succeed' },
        'Pipeline failed': { Type: 'Fail', Error: 'PipelineFailed', Cause: 'A stage failed the pipeline: see the execution record' },
      },
    });
    expectValidAsl(asl);
  });

  const diamond = () =>
    pipelineOf({
      stages: [
        { refId: '1', type: 'wait', name: 'Bake', waitTime: 1 },
        { refId: '2', type: 'wait', name: 'Deploy east', requisiteStageRefIds: ['1'] },
        { refId: '3', type: 'wait', name: 'Deploy west', requisiteStageRefIds: ['1'], failPipeline: false },
        { refId: '4', type: 'manualJudgment', name: 'Judge', requisiteStageRefIds: ['2', '3'] },
      ],
    });

  it('is deterministic: the same pipeline gives the same bytes', () => {
    expect(renderDefinition(compilePipeline(diamond()))).toBe(renderDefinition(compilePipeline(diamond())));
  });

  it('names states after stages and runs independent stages in a Parallel', () => {
    const asl = compilePipeline(diamond());
    expectValidAsl(asl);
    const parallel = statesOfType(asl as never, 'Parallel');
    expect(parallel.map((p) => p.name)).toEqual(['Parallel: Deploy east, Deploy west']);
    expect(parallel[0]!.state.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.caught', Next: 'Complete pipeline' }]);
    const tasks = statesOfType(asl as never, 'Task').map((t) => t.name);
    expect(tasks).toEqual(expect.arrayContaining(['Bake', 'Deploy east', 'Deploy west', 'Judge']));
    // A branch's TERMINAL goes to the branch's Fail state, which fails the Parallel.
    const branch = (parallel[0]!.state.Branches as Array<{ States: Record<string, Record<string, unknown>> }>)[0]!;
    expect(branch.States['Deploy east (branch failed)']).toMatchObject({ Type: 'Fail', Error: 'StageTerminal' });
  });

  it('waits for a manual judgment on a task token, three days by default', () => {
    const asl = compilePipeline(diamond());
    const judge = statesOfType(asl as never, 'Task').find((t) => t.name === 'Judge')!.state;
    expect(judge.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    expect(judge.TimeoutSeconds).toBe(3 * 24 * 3600);
    expect((judge.Parameters as { Payload: Record<string, unknown> }).Payload['taskToken.$']).toBe('$$.Task.Token');
  });

  it('adds a poll loop only to stages that wait', () => {
    const asl = compilePipeline(diamond());
    expect(statesOfType(asl as never, 'Wait').map((w) => w.name).sort()).toEqual(['Bake (poll)', 'Deploy east (poll)', 'Deploy west (poll)']);
  });

  it('makes state names unique and cuts them to 80 characters', () => {
    const long = 'x'.repeat(200);
    const asl = compilePipeline(
      pipelineOf({
        stages: [
          { refId: '1', type: 'wait', name: 'Wait' },
          { refId: '2', type: 'wait', name: 'Wait', requisiteStageRefIds: ['1'] },
          { refId: '3', type: 'wait', name: long, requisiteStageRefIds: ['2'] },
          { refId: '4', type: 'wait', name: 'Start pipeline', requisiteStageRefIds: ['3'] },
        ],
      }),
    );
    expectValidAsl(asl);
    const names = Object.keys(asl.States);
    expect(names).toContain('Wait');
    expect(names).toContain('Wait #2');
    expect(names).toContain('Start pipeline #2');
    expect(names.every((n) => [...n].length <= 80)).toBe(true);
  });

  it('renders a non-series-parallel DAG with await loops only for cross-branch requisites', () => {
    const asl = compilePipeline(
      pipelineOf({
        stages: [
          { refId: 'A', type: 'wait', name: 'A' },
          { refId: 'B', type: 'wait', name: 'B' },
          { refId: 'C', type: 'wait', name: 'C', requisiteStageRefIds: ['A'] },
          { refId: 'D', type: 'wait', name: 'D', requisiteStageRefIds: ['A', 'B'] },
        ],
      }),
    );
    expectValidAsl(asl);
    const awaits = statesOfType(asl as never, 'Task').filter((t) => t.name.endsWith('(await)'));
    expect(awaits.map((a) => [a.name, (a.state.Parameters as { on: string[] }).on])).toEqual([['D (await)', ['A']]]);
  });

  it('routes each stage on the engine\'s route: next, poll, terminal, else halt', () => {
    const asl = compilePipeline(diamond());
    const branch = (statesOfType(asl as never, 'Parallel')[0]!.state.Branches as Array<{ States: Record<string, unknown> }>)[0]!;
    expect(branch.States['Deploy east?']).toEqual({
      Type: 'Choice',
      Choices: [
        { Variable: '$.result.route', StringEquals: 'poll', Next: 'Deploy east (poll)' },
        { Variable: '$.result.route', StringEquals: 'terminal', Next: 'Deploy east (branch failed)' },
      ],
      Default: 'Deploy east (branch done)',
    });
  });

  it('reports a definition over the 1 MB limit', () => {
    const stages = Array.from({ length: 1200 }, (_, i) => ({ refId: String(i), type: 'wait', name: `Stage ${i}`, requisiteStageRefIds: i ? [String(i - 1)] : [] }));
    expect(definitionProblems(compilePipeline(pipelineOf({ stages })))[0]!.message).toMatch(/over Step Functions' 1 MB limit/);
    expect(definitionProblems(compilePipeline(diamond()))).toEqual([]);
  });

  it('runs checkPreconditions in the cloud family when it checks a cluster size, in flow otherwise', () => {
    const arn = (family: string) => `arn:aws:lambda:eu-west-1:111111111111:function:${family}`;
    const taskResource = (preconditions: unknown[]) => {
      const asl = compilePipeline(pipelineOf({ stages: [{ refId: '1', type: 'checkPreconditions', name: 'Check', preconditions }] }), { functionArn: arn });
      return (asl.States.Check as { Resource?: string }).Resource;
    };
    expect(taskResource([{ type: 'expression', context: { expression: true } }])).toBe(arn('flow'));
    expect(taskResource([{ type: 'expression', context: { expression: true } }, { type: 'clusterSize', context: { cluster: 'app-prod', expected: 1 } }])).toBe(arn('cloud'));
    // A type still to be evaluated might be clusterSize.
    expect(taskResource([{ type: '${trigger.check}' }])).toBe(arn('cloud'));
  });

  it('uses the function ARNs it is given', () => {
    const asl = compilePipeline(diamond(), { functionArn: (family) => `arn:aws:lambda:eu-west-1:111111111111:function:${family}` });
    expect(JSON.stringify(asl)).not.toContain('123456789012');
  });
});
