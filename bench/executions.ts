/**
 * What a stage costs when it runs (issue 14), for chains and diamonds of 10, 50 and 200 plain
 * stages, a 50-wide fan-out and N-shapes: states in the definition, state transitions, DynamoDB
 * reads, writes and read units per stage, and local per-stage overhead against the same ASL run
 * with no-op Task handlers in the same engine (what the local engine itself costs).
 *
 * Read units are computed as DynamoDB bills strongly consistent reads: GetItem and each item of a
 * BatchGetItem round up to 4 KB, a Query rounds the sum of its items up to 4 KB. Item sizes are
 * their JSON length (close to DynamoDB's attribute-name-plus-value size).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { StateMachine } from 'aws-local-stepfunctions';
import { resetClientCache } from '../functions/core/aws-clients.js';
import { dynamoClient } from '../functions/core/aws-clients.js';
import { ensureTables } from '../functions/core/tables.js';
import { statesOfType } from '../local/asl-walk.js';
import { startMoto } from '../local/moto.js';
import { LocalRuntime } from '../local/runtime.js';
import { useEndpoint } from '../local/environment.js';
import { loadPipelineFile } from '../functions/core/pipeline-files.js';
import type { AslMachine } from '../state-machines/compiler/asl.js';
import { compilePipeline } from '../state-machines/compiler/compile.js';
import type { Pipeline } from '../state-machines/model/pipeline.js';
import { validatePipeline } from '../state-machines/model/validate.js';
import { stageLoops, type StagePayload } from '../state-machines/contract/engine.js';
import { stageTypeInfo } from '../state-machines/stage-types/index.js';
import { SPINNAKER_EXAMPLES } from '../test/support/fixtures.js';
import { ecsDeployStage } from '../test/support/cloud-stages/ecs-fixtures.js';
import type { BenchReport } from './report.js';

type Shape = 'chain' | 'diamonds' | 'fan-out' | 'n-shapes';

/** Plain stages (a precondition that holds): one call each, no waiting. */
function plain(refId: string, requisites: string[]) {
  return {
    refId,
    name: `Stage ${refId}`,
    type: 'checkPreconditions',
    requisiteStageRefIds: requisites,
    preconditions: [{ type: 'expression', context: { expression: '${true}' } }],
  };
}

/**
 * chain: 1 → 2 → … ; diamonds: a head, two stages side by side, the next head joins them; fan-out:
 * a root, n - 2 stages side by side, a join; n-shapes: two columns where each right-hand stage
 * needs the stage above it on both sides (A→C, A→D, B→D repeated: not series-parallel).
 */
export function shapedPipeline(shape: Shape, n: number): Pipeline {
  const stages = Array.from({ length: n }, (_, i) => {
    const id = String(i + 1);
    switch (shape) {
      case 'chain':
        return plain(id, i === 0 ? [] : [String(i)]);
      case 'diamonds': {
        if (i === 0) return plain(id, []);
        const position = i % 3;
        if (position === 1) return plain(id, [String(i)]);
        if (position === 2) return plain(id, [String(i - 1)]);
        return plain(id, [String(i - 1), String(i)]);
      }
      case 'fan-out':
        if (i === 0) return plain(id, []);
        return plain(id, i === n - 1 ? Array.from({ length: n - 2 }, (_, k) => String(k + 2)) : ['1']);
      case 'n-shapes': {
        // Odd ids form the left column, even ids the right; the right one also needs the left above.
        if (i < 2) return plain(id, []);
        return plain(id, i % 2 === 0 ? [String(i - 1)] : [String(i - 1), String(i)]);
      }
    }
  });
  return validated({ application: 'bench', name: `${shape}-${n}`, stages });
}

function countStates(definition: { States: Record<string, Record<string, unknown>> }): number {
  let count = 0;
  const walk = (states: Record<string, Record<string, unknown>>) => {
    for (const state of Object.values(states)) {
      count++;
      if (state.Type === 'Parallel') for (const b of state.Branches as Array<{ States: Record<string, Record<string, unknown>> }>) walk(b.States);
    }
  };
  walk(definition.States);
  return count;
}

/**
 * A Lambda pipeline as the AWS Lambda plugin's Deck forms write it: the plugin's Scenario 1 deploy,
 * a $PROGRESSIVE route whose first step waits for a promote (a callback Task keeping its poll loop),
 * and an invoke.
 */
function lambdaPipeline(): Pipeline {
  const exported = JSON.parse(readFileSync(join(SPINNAKER_EXAMPLES, '071.json'), 'utf8').replaceAll('{}', 'bench')) as { stages: Record<string, unknown>[] };
  const deploy = exported.stages[0]!;
  const next = (refId: string, requisite: string, stage: Record<string, unknown>) => ({
    refId,
    requisiteStageRefIds: [requisite],
    region: 'us-east-1',
    ...stage,
  });
  return validated({
    application: 'bench',
    name: 'lambda',
    stages: [
      deploy,
      next('2', '1', {
        name: 'Shift traffic',
        type: 'Aws.LambdaTrafficRoutingStage',
        functionName: deploy.functionName,
        aliasName: 'live',
        deploymentStrategy: '$PROGRESSIVE',
        trafficSteps: [{ weight: 10 }, { weight: 100 }],
      }),
      next('3', '2', { name: 'Smoke test', type: 'Aws.LambdaInvokeStage', functionName: deploy.functionName, aliasName: 'live', executionCount: 1 }),
    ],
  });
}

function validated(raw: Record<string, unknown>): Pipeline {
  const result = validatePipeline(raw);
  if (!result.pipeline) throw new Error(result.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  return result.pipeline;
}

/** The graph of a whole pipeline: states, and whether every stage is one Task (plus one Choice and one Wait when it can wait). */
function graphRow(label: string, pipeline: Pipeline): Record<string, string | number> {
  const definition = compilePipeline(pipeline) as unknown as { States: Record<string, Record<string, unknown>> };
  const states = countStates(definition);
  const waiting = pipeline.stages.filter((s) => stageLoops(stageTypeInfo(s.type)?.execution ?? 'task', s)).length;
  // Start pipeline, the shared error recorder, Complete pipeline; Parallel states for the shape (none in these chains).
  const expected = 3 + pipeline.stages.length + 2 * waiting + statesOfType(definition, 'Parallel').length + statesOfType(definition, 'Succeed').length;
  const target = [`1 Task per stage, + Choice and Wait for the ${waiting} that wait: ${states === expected ? 'pass' : 'FAIL'}`];
  if (label.startsWith('demo graph')) target.unshift(`< 16 states: ${states < 16 ? 'pass' : 'FAIL'}`);
  return { case: label, stages: pipeline.stages.length, states, target: target.join('; ') };
}

/**
 * What one call of a stage reads besides itself and its requisites (the compiled payload's `reads`),
 * at the end of a chain of `n` plain stages: the newer stage types must read the same at 200 as at 10.
 */
function readsAtEnd(stage: Record<string, unknown>, n: number): number | 'all' {
  const chain = Array.from({ length: n }, (_, i) => plain(String(i + 1), i === 0 ? [] : [String(i)]));
  const pipeline = validated({ application: 'app', name: 'reads', stages: [...chain, { ...stage, refId: 'last', requisiteStageRefIds: [String(n)] }] });
  const task = statesOfType(compilePipeline(pipeline) as never, 'Task').find((t) => t.name === pipeline.stages[n]!.name)!;
  const reads = (task.state.Parameters as { Payload: { stage: Pick<StagePayload, 'reads'> } }).Payload.stage.reads ?? [];
  return reads === 'all' ? 'all' : reads.length;
}

/** Stages of the newer families and a deploy that takes its image from upstream, as Deck writes them. */
function newerStages(): Array<[string, Record<string, unknown>]> {
  const lambda = lambdaPipeline().stages.map((s) => ({ name: s.name, type: s.type, ...s.config }));
  const ec2 = { account: 'default', application: 'app', stack: 'prod', region: 'us-east-1', capacity: { min: 1, max: 1, desired: 1 } };
  const ecsCluster = { cloudProvider: 'ecs', ecsClusterName: 'apps', account: 'default', region: 'us-east-1', cluster: 'app-prod' };
  return [
    ['ECS deploy (redblack)', ecsDeployStage()],
    ['ECS deploy (progressive, promote)', ecsDeployStage({ strategy: 'progressive', trafficSteps: [{ weight: 10 }, { weight: 100 }] })],
    ['ECS disableCluster', { name: 'Disable old', type: 'disableCluster', ...ecsCluster }],
    ['EC2 deploy, AMI given', { name: 'Deploy', type: 'deploy', clusters: [{ ...ec2, amiName: 'app-1.0' }] }],
    ['EC2 deploy, image from upstream', { name: 'Deploy', type: 'deploy', clusters: [ec2] }],
    ['Lambda deploy', lambda[0]!],
    ['Lambda route (progressive, promote)', lambda[1]!],
    ['Lambda invoke', lambda[2]!],
  ];
}

interface DynamoCount {
  reads: number;
  writes: number;
  readUnits: number;
  /** BatchGetItem: what stage calls (and the error recorder) read; the rest is start and completion. */
  callReads: number;
  callReadUnits: number;
}

/** Counts DynamoDB calls on the shared client (the one ExecutionStore uses). */
function countDynamo(): DynamoCount {
  const count: DynamoCount = { reads: 0, writes: 0, readUnits: 0, callReads: 0, callReadUnits: 0 };
  const units = (bytes: number) => Math.max(1, Math.ceil(bytes / 4096));
  // The client sees items in DynamoDB's wire form ({"S": ...}): a few bytes per attribute more than
  // DynamoDB counts, so read units here are an upper bound.
  const size = (item: unknown) => Buffer.byteLength(JSON.stringify(item));
  dynamoClient().middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      // Names of the DynamoDB client's own commands (the document client's run through them).
      const command = context.commandName ?? '';
      const output = out.output as { Item?: unknown; Items?: unknown[]; Responses?: Record<string, unknown[]> };
      if (command === 'GetItemCommand') {
        count.reads++;
        count.readUnits += units(output.Item ? size(output.Item) : 0);
      } else if (command === 'QueryCommand') {
        count.reads++;
        count.readUnits += units((output.Items ?? []).reduce<number>((sum, item) => sum + size(item), 0));
      } else if (command === 'BatchGetItemCommand') {
        count.reads++;
        count.callReads++;
        for (const items of Object.values(output.Responses ?? {})) {
          for (const item of items) {
            count.readUnits += units(size(item));
            count.callReadUnits += units(size(item));
          }
        }
      } else if (/^(Put|Update|Delete|BatchWrite|TransactWrite)/.test(command)) count.writes++;
      return out;
    },
    { step: 'initialize', name: 'benchDynamoCount' },
  );
  return count;
}

/** The same definition with every Task answered at once: what the local engine itself costs. */
async function noOpMs(definition: AslMachine): Promise<number> {
  const machine = new StateMachine(definition as never, { validationOptions: { noValidate: true } });
  const handlers: Record<string, () => Promise<unknown>> = {};
  for (const { name } of statesOfType(definition as never, 'Task')) handlers[name] = async () => ({ executionId: 'noop', caught: false, status: 'SUCCEEDED' });
  const started = performance.now();
  // Stage Tasks put the task token in their payload (compiler/asl.ts answeredInvoke).
  await machine.run({ executionId: 'noop' }, { overrides: { taskResourceLocalHandlers: handlers as never }, context: { Task: { Token: 'noop' } } }).result;
  return performance.now() - started;
}

interface Measured {
  readonly states: number;
  readonly transitions: number;
  readonly dynamo: DynamoCount;
  readonly ms: number;
  readonly noOpMs: number;
  readonly status: string;
}

async function measure(runtime: LocalRuntime, count: DynamoCount, pipeline: Pipeline): Promise<Measured> {
  const definition = compilePipeline(pipeline);
  const before = { ...count };
  const started = performance.now();
  const result = await runtime.start(pipeline).result;
  const ms = performance.now() - started;
  const dynamo = {
    reads: count.reads - before.reads,
    writes: count.writes - before.writes,
    readUnits: count.readUnits - before.readUnits,
    callReads: count.callReads - before.callReads,
    callReadUnits: count.callReadUnits - before.callReadUnits,
  };
  return {
    states: countStates(definition as never),
    transitions: result.events.filter((e) => e.type === 'StateEntered').length,
    dynamo,
    ms,
    noOpMs: await noOpMs(definition),
    status: result.status,
  };
}

export async function run(): Promise<BenchReport> {
  const rows: BenchReport['rows'] = [];
  const notes: string[] = [];
  for (const [label, file] of [
    ['demo graph (pipelines/demo.yml)', 'pipelines/demo.yml'],
    ['ECS demo graph (pipelines/demo-ecs.yml)', 'pipelines/demo-ecs.yml'],
  ] as const) {
    const loaded = loadPipelineFile(file);
    if (!loaded.pipeline) throw new Error(`${file}: ${loaded.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
    rows.push(graphRow(label, loaded.pipeline));
  }
  rows.push(graphRow('Lambda graph (deploy, progressive route, invoke)', lambdaPipeline()));
  for (const [label, stage] of newerStages()) {
    const at10 = readsAtEnd(stage, 10);
    const at200 = readsAtEnd(stage, 200);
    // A deploy that runs an upstream bake's image reads its upstream by design (the image may come from any of them).
    const upstream = label.endsWith('from upstream');
    const flat = at10 === at200 && at10 !== 'all';
    rows.push({
      case: `stage call reads: ${label}`,
      'other stages read at 10': at10,
      'other stages read at 200': at200,
      target: upstream ? 'reads its upstream (where its image comes from)' : `flat from 10 to 200: ${flat ? 'pass' : 'FAIL'}`,
    });
  }

  const moto = await startMoto();
  try {
    useEndpoint(moto.endpoint);
    resetClientCache();
    await ensureTables();
    const count = countDynamo();
    const runtime = new LocalRuntime({ tickMs: 5 });
    const empty = validatePipeline({ application: 'bench', name: 'empty', stages: [] }).pipeline!;
    // Warm up (module loading, first connections), then the fixed cost every run pays.
    await measure(runtime, count, shapedPipeline('chain', 10));
    const base = await measure(runtime, count, empty);
    const cases: Array<[Shape, number]> = [
      ['chain', 10],
      ['chain', 50],
      ['chain', 200],
      ['diamonds', 10],
      ['diamonds', 50],
      ['diamonds', 200],
      ['fan-out', 50],
      ['n-shapes', 4],
      ['n-shapes', 50],
    ];
    const overheadAt = new Map<string, number>();
    const unitsAt = new Map<string, number>();
    for (const [shape, n] of cases) {
      const m = await measure(runtime, count, shapedPipeline(shape, n));
      const per = (total: number, fixed: number) => (total - fixed) / n;
      const overhead = per(m.ms - m.noOpMs, base.ms - base.noOpMs);
      // Every stage here is one call: the stage call's own reads, then all reads spread per stage.
      const readUnits = m.dynamo.callReadUnits / n;
      overheadAt.set(`${shape}-${n}`, overhead);
      unitsAt.set(`${shape}-${n}`, readUnits);
      const targets: string[] = [];
      // Fixed per pipeline: start, complete and the top-level shared recorder (absent when empty).
      const statesPerStage = per(m.states, base.states + 1);
      if (shape === 'chain') {
        const states = statesPerStage;
        const transitions = per(m.transitions, base.transitions);
        targets.push(`1 state/stage: ${states <= 1 ? 'pass' : 'FAIL'}`, `1 transition/stage: ${transitions <= 1 ? 'pass' : 'FAIL'}`);
      }
      if (n === 200) {
        const small = `${shape}-10`;
        const flat = readUnits <= (unitsAt.get(small) ?? Number.POSITIVE_INFINITY) * 1.1;
        const within = overhead <= 1.5 * (overheadAt.get(small) ?? 0);
        targets.push(`read units/call flat from 10: ${flat ? 'pass' : 'FAIL'}`, `overhead ≤ 1.5× at 10: ${within ? 'pass' : 'FAIL'}`);
      }
      rows.push({
        case: `${shape} ${n}`,
        status: m.status,
        states: m.states,
        'states/stage': statesPerStage,
        'transitions/stage': per(m.transitions, base.transitions),
        'reads/call': m.dynamo.callReads / n,
        'read units/call': readUnits,
        'writes/stage': per(m.dynamo.writes, base.dynamo.writes),
        'all reads/stage': per(m.dynamo.reads, base.dynamo.reads),
        'all read units/stage': per(m.dynamo.readUnits, base.dynamo.readUnits),
        'local ms/stage': per(m.ms, base.ms),
        'no-op ms/stage': per(m.noOpMs, base.noOpMs),
        'overhead ms/stage': overhead,
        target: targets.join('; '),
      });
    }
    notes.push(
      `per stage = (run - empty pipeline) / stages; the empty pipeline costs ${base.states} states, ${base.transitions} transitions, ${base.dynamo.reads} reads, ${base.dynamo.writes} writes, ${base.dynamo.readUnits} read units`,
    );
    notes.push(
      'overhead = (local run - the same ASL with no-op Task handlers) per stage: the engine, the store and the emulator, not the local Step Functions engine',
    );
    notes.push(
      'read units: strongly consistent, 4 KB per item read (GetItem, BatchGetItem) or per Query result, from the JSON size of the items returned (wire form: an upper bound)',
    );
    notes.push(
      "stage call reads: the stages a call of that type reads besides its own and its requisites' (the compiled payload's list; the call reads them in its one BatchGetItem with the header), at the end of a chain of 10 and of 200 plain stages",
    );
    notes.push(
      'reads/call and read units/call: what one stage call reads (one BatchGetItem: header, own stage, requisites); all reads/stage adds the start, the completion and the final record read, spread over the stages',
    );
  } finally {
    await moto.stop();
  }
  return { name: 'executions', rows, notes };
}
