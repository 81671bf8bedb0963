/**
 * Renders the decomposed stage DAG as ASL states. Each block is rendered in continuation style:
 * it is told where to go when it completes (`next`), where a halted branch ends (`halt`) and where
 * a TERMINAL stage sends the run (`terminal`).
 */
import type { Block, MeshChain } from '../dag/decompose.js';
import type { Stage } from '../model/pipeline.js';
import { stageFamily, stageTypeInfo, type StageFamily } from '../stage-types/index.js';
import { type AslState, recorderRetry, transientRetry } from './asl.js';
import { StateNamer, stageLabel } from './names.js';
import { awaitPayload, failPayload, runPayload } from './payloads.js';

export type FunctionFamily = StageFamily | 'engine';

export interface RenderOptions {
  readonly functionArn: (family: FunctionFamily) => string;
  /** Upper bound for one Lambda call of a stage (the Task's TimeoutSeconds). */
  readonly taskTimeoutSeconds: number;
  /** Seconds between checks while a stage waits for a stage of another branch. */
  readonly awaitPollSeconds: number;
}

interface Targets {
  readonly next: string;
  readonly halt: string;
  readonly terminal: string;
}

const CALLBACK_RESOURCE = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const DAY_SECONDS = 24 * 60 * 60;

export class Renderer {
  readonly states: Record<string, AslState> = {};

  private constructor(
    private readonly stages: ReadonlyMap<string, Stage>,
    private readonly namer: StateNamer,
    private readonly options: RenderOptions,
    private readonly stageNames: ReadonlyMap<string, string>,
  ) {}

  static create(stages: ReadonlyMap<string, Stage>, namer: StateNamer, options: RenderOptions): Renderer {
    // Stage states claim their names first, in pipeline order, so user names survive unchanged.
    const names = new Map<string, string>();
    for (const stage of stages.values()) names.set(stage.refId, namer.claim(stageLabel(stage.name)));
    return new Renderer(stages, namer, options, names);
  }

  /** Renders a block and returns the name of its first state. */
  render(block: Block, targets: Targets, topLevel: boolean): string {
    switch (block.kind) {
      case 'stage':
        return this.renderStage(this.stage(block.refId), targets);
      case 'series': {
        let next = targets.next;
        for (const item of [...block.items].reverse()) next = this.render(item, { ...targets, next }, topLevel);
        return next;
      }
      case 'parallel':
        return this.renderParallel(block.branches.map((b) => ({ block: b, first: firstStage(b) })), targets, topLevel);
      case 'mesh':
        return this.renderParallel(
          block.chains.map((c) => ({ block: c, first: c.refIds[0]! })),
          targets,
          topLevel,
        );
    }
  }

  private stage(refId: string): Stage {
    const stage = this.stages.get(refId);
    if (!stage) throw new Error(`internal: no stage ${refId}`);
    return stage;
  }

  private renderParallel(
    branches: Array<{ block: Block | MeshChain; first: string }>,
    targets: Targets,
    topLevel: boolean,
  ): string {
    const labels = branches.map((b) => this.stage(b.first).name);
    const name = this.namer.claim(`Parallel: ${labels.join(', ')}`.slice(0, 64));
    const rendered = branches.map((branch) => {
      const label = stageLabel(this.stage(branch.first).name);
      const end = this.namer.claim(`${label} (branch done)`);
      const fail = this.namer.claim(`${label} (branch failed)`);
      const sub = new Renderer(this.stages, this.namer, this.options, this.stageNames);
      const branchTargets: Targets = { next: end, halt: end, terminal: fail };
      const start =
        'refIds' in branch.block
          ? sub.renderChain(branch.block, branchTargets)
          : sub.render(branch.block, branchTargets, false);
      sub.states[end] = { Type: 'Succeed' };
      sub.states[fail] = { Type: 'Fail', Error: 'StageTerminal', Cause: `a stage in the branch starting at '${label}' failed the pipeline` };
      return { StartAt: start, States: sub.states };
    });
    this.states[name] = {
      Type: 'Parallel',
      Branches: rendered,
      // Branch outputs are discarded: results live in the execution record.
      ResultPath: null,
      Next: targets.next,
      // Only the outermost Parallel catches: a failed branch fails every enclosing Parallel up to here.
      ...(topLevel ? { Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.caught', Next: targets.terminal }] } : {}),
    };
    return name;
  }

  /** A mesh branch: a chain of stages, each preceded by an await loop for its cross-branch requisites. */
  private renderChain(chain: MeshChain, targets: Targets): string {
    let next = targets.next;
    for (const refId of [...chain.refIds].reverse()) {
      const stageStart = this.renderStage(this.stage(refId), { ...targets, next });
      const awaits = chain.awaits.get(refId);
      next = awaits ? this.renderAwait(refId, awaits, stageStart, targets.halt) : stageStart;
    }
    return next;
  }

  private renderAwait(refId: string, on: readonly string[], then: string, halt: string): string {
    const label = this.stageNames.get(refId)!;
    const task = this.namer.claim(`${label} (await)`);
    const check = this.namer.claim(`${label} (await?)`);
    const wait = this.namer.claim(`${label} (await wait)`);
    this.states[task] = {
      Type: 'Task',
      Resource: this.options.functionArn('engine'),
      Parameters: awaitPayload(refId, on),
      ResultPath: '$.result',
      TimeoutSeconds: this.options.taskTimeoutSeconds,
      Retry: transientRetry(),
      Next: check,
    };
    this.states[check] = {
      Type: 'Choice',
      Choices: [
        { Variable: '$.result.route', StringEquals: 'next', Next: then },
        { Variable: '$.result.route', StringEquals: 'poll', Next: wait },
      ],
      Default: halt,
    };
    this.states[wait] = { Type: 'Wait', SecondsPath: '$.result.waitSeconds', Next: task };
    return task;
  }

  private renderStage(stage: Stage, targets: Targets): string {
    const states = this.states;
    const info = stageTypeInfo(stage.type);
    if (!info) throw new Error(`internal: stage type ${stage.type} was not validated`);
    const name = this.stageNames.get(stage.refId)!;
    const polls = info.execution === 'poll' || stage.executionWindow !== undefined;
    // When every outcome leads to the same state (a last top-level stage), no Choice is needed.
    const choice = polls || new Set([targets.next, targets.halt, targets.terminal]).size > 1;
    const check = choice ? this.namer.claim(`${name}?`) : targets.halt;
    const onError = this.namer.claim(`${name} (error)`);
    const poll = polls ? this.namer.claim(`${name} (poll)`) : undefined;
    const callback = info.execution === 'callback';
    const arn = this.options.functionArn(stageFamily(stage.type, stage.config) ?? info.family);
    const timeoutMs = stage.stageTimeoutMs ?? info.defaultTimeoutMs;

    states[name] = {
      Type: 'Task',
      ...(callback
        ? {
            Resource: CALLBACK_RESOURCE,
            Parameters: { FunctionName: arn, Payload: runPayload(stage, true) },
            TimeoutSeconds: Math.max(1, Math.ceil((timeoutMs ?? 3 * DAY_SECONDS * 1000) / 1000)),
          }
        : { Resource: arn, Parameters: runPayload(stage, false), TimeoutSeconds: this.options.taskTimeoutSeconds }),
      ResultPath: '$.result',
      Retry: transientRetry(),
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: onError }],
      Next: check,
    };
    if (choice) states[check] = routeChoice(targets, poll);
    if (poll) states[poll] = { Type: 'Wait', SecondsPath: '$.result.waitSeconds', Next: name };
    states[onError] = {
      Type: 'Task',
      Resource: arn,
      Parameters: failPayload(stage),
      ResultPath: '$.result',
      TimeoutSeconds: 60,
      Retry: recorderRetry(),
      Next: check,
    };
    return name;
  }
}

/**
 * The Choice after a stage follows the route the engine computed (functions/core/engine/route.ts):
 * next, poll, terminal; anything else (a halted branch) goes to `halt`.
 */
function routeChoice(targets: Targets, poll: string | undefined): AslState {
  const choices = [
    { Variable: '$.result.route', StringEquals: 'next', Next: targets.next },
    ...(poll ? [{ Variable: '$.result.route', StringEquals: 'poll', Next: poll }] : []),
    { Variable: '$.result.route', StringEquals: 'terminal', Next: targets.terminal },
  ].filter((c) => c.Next !== targets.halt);
  return { Type: 'Choice', Choices: choices, Default: targets.halt };
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
