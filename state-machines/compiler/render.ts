/**
 * Renders the decomposed stage DAG as ASL states, so the console graph is the pipeline graph. Each
 * block is rendered in continuation style: it is told where to go when it completes (`next`) and
 * where a halted branch ends (`halt`).
 *
 * A stage is one Task whose success goes straight on. Every other outcome leaves through a Catch
 * on a named error the engine answers the Task's token with after recording it (contract/engine.ts
 * SIGNALS; the function itself returns normally, so Lambda counts no error): a halted
 * branch goes to `halt`; a halted pipeline propagates (out of a Parallel branch, failing the
 * Parallel, whose Catch goes to the pipeline's completion). A stage that can wait adds one Choice
 * and one Wait ("Deploy · waiting", "Deploy · next check"). A crash of the stage's function (after
 * retries) goes to the branch's one shared error recorder, which finds the stage that failed.
 */
import type { Block, MeshChain } from '../dag/decompose.js';
import { type StageGraph, topologicalOrder } from '../dag/graph.js';
import type { Pipeline, Stage } from '../model/pipeline.js';
import { SIGNALS, SIGNAL_NAMES, stageLoops } from '../contract/engine.js';
import { stageFamily, stageTypeInfo, waitsOnCallback, type StageFamily } from '../stage-types/index.js';
import { answeredInvoke, type AslState, type Catcher, type ChoiceState, recorderRetry, type TaskState, transientRetry } from './asl.js';
import { StateNamer, stageLabel } from './names.js';
import { recordPayload, runPayload } from './payloads.js';
import { stageReads } from './reads.js';

export type FunctionFamily = StageFamily | 'engine';

export interface RenderOptions {
  readonly functionArn: (family: FunctionFamily) => string;
  /** Upper bound for one Lambda call of a stage (the Task's TimeoutSeconds). */
  readonly taskTimeoutSeconds: number;
}

export interface Targets {
  readonly next: string;
  readonly halt: string;
  /** Where a halted pipeline goes; undefined inside a Parallel branch, where the error propagates. */
  readonly terminal?: string;
}

const DAY_SECONDS = 24 * 60 * 60;

/** Prose suffixes of helper states: " · " cannot end a name the way "?" or "(poll)" did. */
const HELPER_SUFFIXES = {
  waiting: ' · waiting',
  nextCheck: ' · next check',
  branchEnds: ' · branch ends',
  stageFailed: ' · stage failed',
  goingOn: ' · going on',
} as const;

/** Names and helpers shared by every branch of one compile. */
interface Shared {
  readonly stages: ReadonlyMap<string, Stage>;
  readonly pipeline: Pipeline;
  readonly graph: StageGraph;
  readonly namer: StateNamer;
  readonly options: RenderOptions;
  readonly stageNames: ReadonlyMap<string, string>;
  /** Position of each stage in the order stages can run (topological). */
  readonly runOrder: ReadonlyMap<string, number>;
}

export class Renderer {
  readonly states: Record<string, AslState> = {};
  /** Stages rendered directly in this branch, in the order they run: the recorder's search list. */
  private readonly branchStages: Stage[] = [];
  /** Where each of this branch's stages goes on when it passes. */
  private readonly nextOf = new Map<string, string>();
  private recorderName: string | undefined;

  private constructor(
    private readonly shared: Shared,
    /** What the branch's recorder is called: "Stage failed" at the top, "<first stage> · stage failed" in a branch. */
    private readonly recorderBase: string,
  ) {}

  static create(pipeline: Pipeline, graph: StageGraph, namer: StateNamer, options: RenderOptions): Renderer {
    const stages = new Map<string, Stage>(pipeline.stages.map((s) => [s.refId, s]));
    // Stage states claim their names first, in pipeline order, so user names survive unchanged.
    const names = new Map<string, string>();
    for (const stage of stages.values()) names.set(stage.refId, namer.claim(stageLabel(stage.name)));
    const runOrder = new Map(topologicalOrder(graph).map((refId, i) => [refId, i]));
    return new Renderer({ stages, pipeline, graph, namer, options, stageNames: names, runOrder }, 'Stage failed');
  }

  /** Renders a block and returns the name of its first state. */
  render(block: Block, targets: Targets): string {
    switch (block.kind) {
      case 'stage':
        return this.renderStage(this.stage(block.refId), targets);
      case 'series': {
        let next = targets.next;
        for (const item of [...block.items].reverse()) next = this.render(item, { ...targets, next });
        return next;
      }
      case 'parallel':
        return this.renderParallel(
          block.branches.map((b) => ({ block: b, first: firstStage(b) })),
          targets,
        );
      case 'mesh':
        return this.renderParallel(
          block.chains.map((c) => ({ block: c, first: c.refIds[0]! })),
          targets,
        );
    }
  }

  /**
   * The branch's shared error recorder, once its stages are rendered: records the first of them
   * that has not ended as failed, by its failure options; a stage that may be ignored resumes after
   * itself through one Choice.
   */
  finish(targets: Targets): void {
    if (this.recorderName === undefined) return;
    // Blocks render last stage first (continuation style): the recorder wants them in run order.
    this.branchStages.sort((a, b) => this.shared.runOrder.get(a.refId)! - this.shared.runOrder.get(b.refId)!);
    const ignorable = this.branchStages.filter((s) => s.failurePolicy === 'ignore');
    const resume = ignorable.length > 0 ? this.shared.namer.claim(`${this.recorderBase}${HELPER_SUFFIXES.goingOn}`) : undefined;
    this.states[this.recorderName] = {
      Type: 'Task',
      Comment: 'Records which stage of this branch failed, by its failure options',
      ...answeredInvoke(this.shared.options.functionArn('engine'), recordPayload(this.branchStages)),
      ResultPath: '$.result',
      TimeoutSeconds: 60,
      // Signals are answers, not failures: never retried. A halted pipeline caught here (inside a
      // Parallel branch) is answered again by the recorder and propagates.
      Retry: [{ ErrorEquals: SIGNAL_NAMES, MaxAttempts: 0 }, ...recorderRetry()],
      Catch: signalCatches(targets),
      Next: resume ?? targets.halt,
    };
    if (resume) {
      this.states[resume] = {
        Type: 'Choice',
        Choices: ignorable.map((s) => ({ Variable: '$.result.resume', StringEquals: s.refId, Next: this.nextOf.get(s.refId)! })),
        Default: targets.halt,
      };
    }
  }

  private recorder(): string {
    this.recorderName ??= this.shared.namer.claim(this.recorderBase);
    return this.recorderName;
  }

  private stage(refId: string): Stage {
    const stage = this.shared.stages.get(refId);
    if (!stage) throw new Error(`internal: no stage ${refId}`);
    return stage;
  }

  private renderParallel(branches: Array<{ block: Block | MeshChain; first: string }>, targets: Targets): string {
    const labels = branches.map((b) => this.stage(b.first).name);
    const name = this.shared.namer.claim(`Parallel: ${labels.join(', ')}`.slice(0, 64));
    const rendered = branches.map((branch) => {
      const label = stageLabel(this.stage(branch.first).name);
      const end = this.shared.namer.claim(`${label}${HELPER_SUFFIXES.branchEnds}`);
      const sub = new Renderer(this.shared, `${label}${HELPER_SUFFIXES.stageFailed}`);
      const branchTargets: Targets = { next: end, halt: end };
      const start = 'refIds' in branch.block ? sub.renderChain(branch.block, branchTargets) : sub.render(branch.block, branchTargets);
      sub.finish(branchTargets);
      sub.states[end] = { Type: 'Succeed' };
      return { StartAt: start, States: sub.states };
    });
    this.states[name] = {
      Type: 'Parallel',
      Branches: rendered,
      // Branch outputs are discarded: results live in the execution record.
      ResultPath: null,
      Next: targets.next,
      // A halted pipeline fails its branch and every enclosing Parallel up to the one that can go
      // to the pipeline's completion.
      ...(targets.terminal !== undefined ? { Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.caught', Next: targets.terminal }] } : {}),
    };
    return name;
  }

  /** A mesh branch: a chain of stages; a stage with requisites in other chains polls until they end. */
  private renderChain(chain: MeshChain, targets: Targets): string {
    let next = targets.next;
    for (const refId of [...chain.refIds].reverse()) next = this.renderStage(this.stage(refId), { ...targets, next }, chain.awaits.get(refId));
    return next;
  }

  private renderStage(stage: Stage, targets: Targets, awaits?: readonly string[]): string {
    const { options, namer } = this.shared;
    const info = stageTypeInfo(stage.type);
    if (!info) throw new Error(`internal: stage type ${stage.type} was not validated`);
    const name = this.shared.stageNames.get(stage.refId)!;
    const waits = stageLoops(info.execution, { executionWindow: stage.executionWindow, awaits });
    const callback = waitsOnCallback(stage.type, stage.config);
    const arn = options.functionArn(stageFamily(stage.type, stage.config) ?? info.family);
    const timeoutMs = stage.stageTimeoutMs ?? info.defaultTimeoutMs;
    const access = { reads: stageReads(stage, this.shared.pipeline, this.shared.graph), ...(awaits ? { awaits } : {}) };
    const check = waits ? namer.claim(`${name}${HELPER_SUFFIXES.waiting}`) : undefined;
    this.branchStages.push(stage);
    this.nextOf.set(stage.refId, targets.next);

    const task: TaskState = {
      Type: 'Task',
      // Every stage waits on its token: the function answers it with the outcome (asl.ts answeredInvoke);
      // a callback stage's is answered later, when its wait ends.
      ...answeredInvoke(arn, runPayload(stage, access)),
      TimeoutSeconds: callback ? Math.max(1, Math.ceil((timeoutMs ?? 3 * DAY_SECONDS * 1000) / 1000)) : options.taskTimeoutSeconds,
      // Only a stage that waits needs its result (when to check again); the rest keep the state data as it is.
      ResultPath: waits ? '$.result' : null,
      Retry: transientRetry(),
      Catch: [...signalCatches(targets), { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: this.recorder() }],
      Next: check ?? targets.next,
    };
    this.states[name] = task;
    if (check) {
      const wait = namer.claim(`${name}${HELPER_SUFFIXES.nextCheck}`);
      const choice: ChoiceState = {
        Type: 'Choice',
        Choices: [{ Variable: '$.result.waitSeconds', IsPresent: true, Next: wait }],
        Default: targets.next,
      };
      this.states[check] = choice;
      this.states[wait] = { Type: 'Wait', SecondsPath: '$.result.waitSeconds', Next: name };
    }
    return name;
  }
}

/**
 * Catches for the engine's signals: the branch ends on halt-branch and complete-then-fail; a halted
 * pipeline goes to `terminal`, or (inside a Parallel) propagates to the Parallel's own Catch.
 */
function signalCatches(targets: Targets): Catcher[] {
  const branch = [SIGNALS.haltBranch, SIGNALS.completeThenFail];
  if (targets.terminal === targets.halt) return [{ ErrorEquals: SIGNAL_NAMES, ResultPath: null, Next: targets.halt }];
  return [
    { ErrorEquals: branch, ResultPath: null, Next: targets.halt },
    ...(targets.terminal !== undefined ? [{ ErrorEquals: [SIGNALS.haltPipeline], ResultPath: null, Next: targets.terminal }] : []),
  ];
}

function firstStage(block: Block): string {
  switch (block.kind) {
    case 'stage':
      return block.refId;
    case 'series':
      return firstStage(block.items[0]!);
    case 'parallel':
      return firstStage(block.branches[0]!);
    case 'mesh':
      return block.chains[0]!.refIds[0]!;
  }
}
