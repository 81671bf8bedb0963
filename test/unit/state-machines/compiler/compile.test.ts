/** The compiler: whole rendered ASL for a small pipeline, determinism, names, and shapes. */
import { describe, expect, it } from 'vitest';
import { TRANSIENT_ERRORS } from '../../../../state-machines/compiler/asl.js';
import { EnginePayloadSchema, SIGNAL_NAMES } from '../../../../state-machines/contract/engine.js';
import { compilePipeline, definitionProblems, renderDefinition } from '../../../../state-machines/compiler/compile.js';
import { statesOfType } from '../../../../local/asl-walk.js';
import { expectValidAsl, pipelineOf } from '../../../support/local.js';

const RETRY = [
  { ErrorEquals: TRANSIENT_ERRORS, IntervalSeconds: 2, MaxAttempts: 4, BackoffRate: 2, MaxDelaySeconds: 60, JitterStrategy: 'FULL' },
  { ErrorEquals: ['Gennaker.Paused'], IntervalSeconds: 20, MaxAttempts: 3000, BackoffRate: 1 },
];
const ENGINE = 'arn:aws:lambda:us-east-1:123456789012:function:gennaker-engine';
const FLOW = 'arn:aws:lambda:us-east-1:123456789012:function:gennaker-flow';
/** Every Task that can route waits on its token, which the function answers (SendTaskSuccess / SendTaskFailure). */
const ANSWERED = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const TOKEN = { 'taskToken.$': '$$.Task.Token' };

describe('compilePipeline', () => {
  it('renders a one-stage pipeline as start → stage → complete, with one shared error recorder', () => {
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
        // One Task: success goes straight on; the engine's signals (answered through the token, not
        // function errors) leave through the Catch; a failure of the function itself goes to the
        // shared recorder.
        Check: {
          Type: 'Task',
          Resource: ANSWERED,
          Parameters: {
            FunctionName: FLOW,
            Payload: { op: 'run', 'executionId.$': '$.executionId', stage: { ...identity, config: { preconditions: [] } }, ...TOKEN },
          },
          TimeoutSeconds: 900,
          ResultPath: null,
          Retry: RETRY,
          Catch: [
            { ErrorEquals: SIGNAL_NAMES, ResultPath: null, Next: 'Complete pipeline' },
            { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Stage failed' },
          ],
          Next: 'Complete pipeline',
        },
        'Stage failed': {
          Type: 'Task',
          Comment: 'Records which stage of this branch failed, by its failure options',
          Resource: ANSWERED,
          Parameters: { FunctionName: ENGINE, Payload: { op: 'record', 'executionId.$': '$.executionId', stages: [identity], 'error.$': '$.error', ...TOKEN } },
          ResultPath: '$.result',
          TimeoutSeconds: 60,
          Retry: [
            { ErrorEquals: SIGNAL_NAMES, MaxAttempts: 0 },
            { ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 },
          ],
          Catch: [{ ErrorEquals: SIGNAL_NAMES, ResultPath: null, Next: 'Complete pipeline' }],
          Next: 'Complete pipeline',
        },
        'Complete pipeline': {
          Type: 'Task',
          Comment: 'Finalises the execution record; a pipeline that did not succeed ends here with Gennaker.PipelineFailed',
          Resource: ANSWERED,
          Parameters: { FunctionName: ENGINE, Payload: { op: 'complete', 'executionId.$': '$.executionId', 'caught.$': '$.caught', ...TOKEN } },
          ResultPath: '$.result',
          TimeoutSeconds: 60,
          Retry: RETRY,
          End: true,
        },
      },
    });
    expectValidAsl(asl);
  });

  it("renders payloads the engine's own schema accepts", () => {
    // GIVEN every kind of Task the compiler emits (start, run, callback run, record, complete)
    const asl = compilePipeline(diamond());
    const fromState: Record<string, unknown> = {
      '$.executionId': 'exec-1',
      $: { executionId: 'exec-1' },
      '$.error': { Error: 'x' },
      '$.caught': false,
      '$$.Task.Token': 'token',
    };
    const substitute = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(substitute);
      if (value === null || typeof value !== 'object') return value;
      return Object.fromEntries(Object.entries(value).map(([k, v]) => (k.endsWith('.$') ? [k.slice(0, -2), fromState[v as string]] : [k, substitute(v)])));
    };
    // WHEN / THEN
    const tasks = statesOfType(asl as never, 'Task');
    expect(
      new Set(tasks.map((t) => ((t.state.Parameters as { Payload?: { op: string }; op?: string }).Payload ?? (t.state.Parameters as { op: string })).op)),
    ).toEqual(new Set(['start', 'run', 'record', 'complete']));
    for (const { name, state } of tasks) {
      const parameters = state.Parameters as Record<string, unknown>;
      const payload = substitute('Payload' in parameters ? parameters.Payload : parameters);
      expect(EnginePayloadSchema.safeParse(payload).success, name).toBe(true);
    }
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
    // A halted pipeline propagates out of a branch (no Catch for it there), failing the Parallel.
    const branch = (parallel[0]!.state.Branches as Array<{ States: Record<string, Record<string, unknown>> }>)[0]!;
    expect(branch.States['Deploy east']!.Catch).toEqual([
      { ErrorEquals: ['Gennaker.HaltBranch', 'Gennaker.CompleteThenFail'], ResultPath: null, Next: 'Deploy east · branch ends' },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Deploy east · stage failed' },
    ]);
    expect(branch.States['Deploy east · branch ends']).toEqual({ Type: 'Succeed' });
  });

  it('waits for a manual judgment on a task token, three days by default', () => {
    const asl = compilePipeline(diamond());
    const judge = statesOfType(asl as never, 'Task').find((t) => t.name === 'Judge')!.state;
    expect(judge.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    expect(judge.TimeoutSeconds).toBe(3 * 24 * 3600);
    expect((judge.Parameters as { Payload: Record<string, unknown> }).Payload['taskToken.$']).toBe('$$.Task.Token');
  });

  it('adds one Choice and one Wait, named as prose, only to stages that wait', () => {
    const asl = compilePipeline(diamond());
    expect(
      statesOfType(asl as never, 'Wait')
        .map((w) => w.name)
        .sort(),
    ).toEqual(['Bake · next check', 'Deploy east · next check', 'Deploy west · next check']);
    expect(
      statesOfType(asl as never, 'Choice')
        .map((c) => c.name)
        .sort(),
    ).toEqual(['Bake · waiting', 'Deploy east · waiting', 'Deploy west · waiting']);
    expect(asl.States['Bake · waiting']).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.result.waitSeconds', IsPresent: true, Next: 'Bake · next check' }],
      Default: 'Parallel: Deploy east, Deploy west',
    });
    expect(asl.States['Bake · next check']).toEqual({ Type: 'Wait', SecondsPath: '$.result.waitSeconds', Next: 'Bake' });
  });

  it('keeps a plain chain at one state per stage', () => {
    const stages = Array.from({ length: 20 }, (_, i) => ({
      refId: String(i),
      type: 'evaluateVariables',
      name: `Step ${i}`,
      variables: [],
      requisiteStageRefIds: i ? [String(i - 1)] : [],
    }));
    const asl = compilePipeline(pipelineOf({ stages }));
    // 20 stages + start, complete and the shared recorder.
    expect(Object.keys(asl.States)).toHaveLength(23);
  });

  it('does not confuse helper states with stages named like them', () => {
    const asl = compilePipeline(
      pipelineOf({
        stages: [
          { refId: '1', type: 'wait', name: 'Approved?' },
          { refId: '2', type: 'wait', name: 'Approved? · waiting', requisiteStageRefIds: ['1'] },
          { refId: '3', type: 'wait', name: 'Stage failed', requisiteStageRefIds: ['2'] },
        ],
      }),
    );
    expectValidAsl(asl);
    const tasks = statesOfType(asl as never, 'Task').map((t) => t.name);
    expect(tasks).toEqual(expect.arrayContaining(['Approved?', 'Approved? · waiting', 'Stage failed', 'Stage failed #2']));
    expect(asl.States['Approved? · waiting #2']).toMatchObject({ Type: 'Choice' });
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

  it('renders a non-series-parallel DAG with a wait only where a stage has requisites in another branch', () => {
    const asl = compilePipeline(
      pipelineOf({
        stages: [
          { refId: 'A', type: 'checkPreconditions', name: 'A', preconditions: [] },
          { refId: 'B', type: 'checkPreconditions', name: 'B', preconditions: [] },
          { refId: 'C', type: 'checkPreconditions', name: 'C', requisiteStageRefIds: ['A'], preconditions: [] },
          { refId: 'D', type: 'checkPreconditions', name: 'D', requisiteStageRefIds: ['A', 'B'], preconditions: [] },
        ],
      }),
    );
    expectValidAsl(asl);
    const d = statesOfType(asl as never, 'Task').find((t) => t.name === 'D')!.state;
    expect((d.Parameters as { Payload: { stage: { awaits: string[] } } }).Payload.stage.awaits).toEqual(['A']);
    expect(statesOfType(asl as never, 'Choice').map((c) => c.name)).toEqual(['D · waiting']);
  });

  it('lists the stages a call reads: requisites, named stages, upstream for image users, all for free variables', () => {
    const asl = compilePipeline(
      pipelineOf({
        stages: [
          { refId: '1', type: 'evaluateVariables', name: 'Vars', variables: [] },
          { refId: '2', type: 'evaluateVariables', name: 'Other', variables: [] },
          { refId: '3', type: 'wait', name: 'Named', requisiteStageRefIds: ['2'], waitTime: "${#stage('Vars').outputs.x}" },
          { refId: '4', type: 'wait', name: 'Free', requisiteStageRefIds: ['3'], waitTime: '${someOutput}' },
          { refId: '5', type: 'wait', name: 'Header only', requisiteStageRefIds: ['4'], waitTime: '${trigger.user}' },
          { refId: '6', type: 'tagImage', name: 'Tag', requisiteStageRefIds: ['5'], tags: { release: 'yes' } },
        ],
      }),
    );
    const reads = (name: string) =>
      (statesOfType(asl as never, 'Task').find((t) => t.name === name)!.state.Parameters as { Payload: { stage: { reads?: unknown } } }).Payload.stage.reads;
    expect(reads('Named')).toEqual(['1']);
    expect(reads('Free')).toBe('all');
    expect(reads('Header only')).toBeUndefined();
    // Every stage upstream of it (its requisite '5' is read anyway), not 'Vars', which is not upstream.
    expect(reads('Tag')).toEqual(['2', '3', '4']);
  });

  it('has a deploy read upstream stages only for an EC2 cluster that names no image of its own', () => {
    // GIVEN a chain of plain stages, then deploys of each kind
    const capacity = { min: 1, max: 1, desired: 1 };
    const ec2 = { account: 'default', application: 'app', stack: 'prod', region: 'us-east-1', capacity };
    const ecs = { ...ec2, cloudProvider: 'ecs', ecsClusterName: 'main', imageDescription: { registry: 'r', repository: 'app', tag: '1' } };
    const deploys: Record<string, Record<string, unknown>> = {
      'From upstream': { clusters: [ec2] },
      'Given AMI': { clusters: [{ ...ec2, amiName: 'app-1.0' }] },
      'AMI by region': { clusters: [{ ...ec2, imageId: { 'us-east-1': 'ami-1' } }] },
      'AMI by expression': { clusters: [{ ...ec2, amiName: '${trigger.user}' }] },
      'On ECS': { clusters: [ecs] },
      'ECS by stage provider': { cloudProvider: 'ecs', clusters: [{ ...ecs, cloudProvider: undefined }] },
      'ECS and EC2': { clusters: [ecs, ec2] },
      'Clusters by expression': { clusters: '${trigger.clusters}' },
    };
    const plain = ['1', '2', '3'].map((refId, i) => ({ refId, type: 'wait', name: `Wait ${refId}`, waitTime: 1, requisiteStageRefIds: i ? [String(i)] : [] }));
    const asl = compilePipeline(
      pipelineOf({
        stages: [
          ...plain,
          ...Object.entries(deploys).map(([name, config], i) => ({ refId: `d${i}`, type: 'deploy', name, requisiteStageRefIds: ['3'], ...config })),
        ],
      }),
    );
    // WHEN
    const reads = (name: string) =>
      (statesOfType(asl as never, 'Task').find((t) => t.name === name)!.state.Parameters as { Payload: { stage: { reads?: unknown } } }).Payload.stage.reads;
    // THEN the image may come from the bake or findImage upstream: every stage upstream (its requisite is read anyway)
    for (const name of ['From upstream', 'AMI by region', 'AMI by expression', 'ECS and EC2', 'Clusters by expression'])
      expect(reads(name), name).toEqual(['1', '2']);
    // nothing but its requisite: the same cost at the end of any pipeline
    for (const name of ['Given AMI', 'On ECS', 'ECS by stage provider']) expect(reads(name), name).toBeUndefined();
  });

  it('reports a definition over the 1 MB limit', () => {
    const stages = Array.from({ length: 1200 }, (_, i) => ({
      refId: String(i),
      type: 'wait',
      name: `Stage ${i}`,
      requisiteStageRefIds: i ? [String(i - 1)] : [],
    }));
    expect(definitionProblems(compilePipeline(pipelineOf({ stages })))[0]!.message).toMatch(/over Step Functions' 1 MB limit/);
    expect(definitionProblems(compilePipeline(diamond()))).toEqual([]);
  });

  it('runs checkPreconditions in the cloud family when it checks a cluster size, in flow otherwise', () => {
    const arn = (family: string) => `arn:aws:lambda:eu-west-1:111111111111:function:${family}`;
    const taskResource = (preconditions: unknown[]) => {
      const asl = compilePipeline(pipelineOf({ stages: [{ refId: '1', type: 'checkPreconditions', name: 'Check', preconditions }] }), { functionArn: arn });
      return (asl.States.Check as unknown as { Parameters: { FunctionName: string } }).Parameters.FunctionName;
    };
    expect(taskResource([{ type: 'expression', context: { expression: true } }])).toBe(arn('flow'));
    expect(
      taskResource([
        { type: 'expression', context: { expression: true } },
        { type: 'clusterSize', context: { cluster: 'app-prod', expected: 1 } },
      ]),
    ).toBe(arn('cloud'));
    // A type still to be evaluated might be clusterSize.
    expect(taskResource([{ type: '${trigger.check}' }])).toBe(arn('cloud'));
  });

  it('uses the function ARNs it is given', () => {
    const asl = compilePipeline(diamond(), { functionArn: (family) => `arn:aws:lambda:eu-west-1:111111111111:function:${family}` });
    expect(JSON.stringify(asl)).not.toContain('123456789012');
  });
});
