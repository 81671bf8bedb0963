/**
 * Local mode: compiled ASL runs in aws-local-stepfunctions with the real engine and stage handlers
 * in-process, against the emulator (or whatever AWS_ENDPOINT_URL points at). Child pipelines run in
 * the same runtime. Waits can be sped up: stages see time passing faster (records keep wall-clock
 * time) and every Wait state lasts what its stage asked for on that faster clock, so a 30 s wait
 * at --time-scale 100 takes 0.3 s and a stage is called as often as in AWS.
 */
import { platformTimeZone } from '../functions/core/time-zone.js';
import { randomUUID } from 'node:crypto';
import { terminalUser } from './user.js';
import { StateMachine } from 'aws-local-stepfunctions';
import { compilePipeline } from '../state-machines/compiler/compile.js';
import type { AslMachine } from '../state-machines/compiler/asl.js';
import type { Pipeline } from '../state-machines/model/pipeline.js';
import { stageTypeInfo } from '../state-machines/stage-types/index.js';
import type { EngineDeps } from '../functions/core/engine/deps.js';
import { engineCall } from '../functions/core/engine/dispatch.js';
import { EngineSignal, stageAnswer } from '../functions/core/engine/route.js';
import { endExecution, type Ending } from '../functions/core/engine/execution-end.js';
import { ANSWERED_INVOKE } from '../state-machines/compiler/asl.js';
import { type RunPayload, SIGNALS } from '../state-machines/contract/engine.js';
import type { ExecutionStatus, ExecutionView, LaunchRequest } from '../functions/core/execution-model.js';
import { ExecutionStore } from '../functions/core/execution-store.js';
import { judgmentStateOf, submitJudgment } from '../functions/core/judgment.js';
import { promotionOf, submitPromote } from '../functions/core/promote.js';
import { MemoryNotifier, type Notifier } from '../functions/core/notifications.js';
import { executionNameFor, type PipelineLauncher } from '../functions/core/pipeline-launcher.js';
import { type Clock, type StageImplementation, systemClock } from '../functions/core/stage-api.js';
import { flowStages } from '../functions/stages/flow/index.js';
import type { PreconditionCheck } from '../functions/core/check-preconditions.js';
import { statesOfType } from './asl-walk.js';
import { ScaledClock, sleep } from './clock.js';
import { ScaledWaits } from './scaled-waits.js';

/** How a manual judgment is answered locally. */
export type JudgeMode =
  | { readonly kind: 'auto'; readonly judgment: 'continue' | 'stop'; readonly input?: string }
  | { readonly kind: 'external' }
  | { readonly kind: 'prompt'; readonly ask: (question: JudgmentQuestion, signal: AbortSignal) => Promise<JudgmentAnswer | undefined> };

export interface JudgmentQuestion {
  readonly executionId: string;
  readonly stageName: string;
  readonly instructions: string;
  readonly inputs: string[];
}
export interface JudgmentAnswer {
  readonly judgment: 'continue' | 'stop';
  readonly input?: string;
}

export interface LocalRuntimeOptions {
  readonly timeScale?: number;
  readonly judge?: JudgeMode;
  readonly notifier?: Notifier;
  /** Pipelines child `pipeline` stages may start. */
  readonly pipelines?: readonly Pipeline[];
  /**
   * Where a child pipeline not among `pipelines` is looked up, called only when a `pipeline` stage
   * starts one (a folder is read then, not before every run).
   */
  readonly findPipeline?: (application: string, pipeline: string) => Pipeline | undefined;
  /** Stage families beyond flow control (cloud, external...), given the runtime's deps. */
  readonly families?: ReadonlyArray<(env: { notifier: Notifier; launcher: PipelineLauncher }) => StageImplementation[]>;
  /** Precondition types beyond expression and stageStatus (e.g. the cloud family's clusterSize). */
  readonly preconditions?: Record<string, PreconditionCheck>;
  /** The least real milliseconds a Wait state takes when time is scaled (also the poll of a waiting callback). */
  readonly tickMs?: number;
  readonly user?: string;
}

export interface LocalRunResult {
  readonly executionId: string;
  readonly status: ExecutionStatus;
  readonly execution: ExecutionView;
  readonly events: readonly EventLog[];
  readonly definition: AslMachine;
  /**
   * What would have been Lambda function errors in AWS (the `Errors` metric): engine calls that
   * threw. A stage that failed, halted or routed its pipeline answers its Task instead, so a run
   * has none unless something unexpected happened.
   */
  readonly functionErrors: readonly string[];
}

export interface LocalRun {
  readonly executionId: string;
  readonly result: Promise<LocalRunResult>;
  cancel(user?: string): Promise<void>;
}

/** An entry of the local engine's event log (the fields we read). */
export interface EventLog {
  readonly type: string;
  readonly timestamp: number;
  readonly state?: { readonly name: string; readonly type?: string };
  readonly parentState?: { readonly name: string; readonly type?: string };
  readonly [key: string]: unknown;
}

export class LocalRuntime {
  /** Wall-clock time, for records (one clock whoever writes). */
  readonly clock: Clock = systemClock;
  /** What stages see: time passing `timeScale` times faster. */
  readonly stageTime: ScaledClock;
  readonly store = new ExecutionStore();
  readonly notifier: Notifier;
  readonly deps: EngineDeps;
  private readonly pipelines = new Map<string, Pipeline>();
  private readonly runs = new Map<string, LocalRun>();
  private readonly functionErrors = new Map<string, string[]>();
  private readonly runNames = new Set<string>();
  private readonly judge: JudgeMode;
  private readonly tickMs: number;
  /** Who this runtime acts as (judgments, cancels): the OS user unless given. */
  readonly user: string;

  constructor(private readonly options: LocalRuntimeOptions = {}) {
    this.stageTime = new ScaledClock(options.timeScale ?? 1);
    this.notifier = options.notifier ?? new MemoryNotifier();
    this.judge = options.judge ?? { kind: 'external' };
    this.tickMs = options.tickMs ?? 50;
    this.user = options.user ?? terminalUser();
    for (const p of options.pipelines ?? []) this.register(p);
    const env = { notifier: this.notifier, launcher: this.launcher };
    const flow = flowStages({ ...env, ...(options.preconditions ? { preconditions: options.preconditions } : {}) });
    const implementations = [flow, ...(options.families ?? []).map((family) => family(env))].flat();
    this.deps = {
      store: this.store,
      clock: this.clock,
      ...(this.stageTime.scale !== 1 ? { stageTime: this.stageTime } : {}),
      random: Math.random,
      notifier: this.notifier,
      implementations: new Map(implementations.map((i) => [i.type, i])),
      // Its end (execution-end.ts) releases the run's locks as the lifecycle handler does in AWS.
      awaitPollSeconds: 2,
      // Nothing bounds a local call: a paused stage holds until resumed, and loops check each second.
      pause: { pollSeconds: 1, holdMs: Number.POSITIVE_INFINITY, checkMs: 200 },
    };
  }

  register(pipeline: Pipeline): void {
    this.pipelines.set(`${pipeline.application}/${pipeline.id}`, pipeline);
    this.pipelines.set(`${pipeline.application}/${pipeline.name}`, pipeline);
  }

  /** Starts child pipelines for the `pipeline` stage, in this runtime. */
  readonly launcher: PipelineLauncher = {
    start: async (request: LaunchRequest) => {
      // A restart (restart.ts) is a new run of an execution that exists: once per run name.
      if (
        request.runName !== undefined
          ? this.runNames.has(request.runName)
          : this.runs.has(request.executionId) || (await this.store.getExecution(request.executionId))
      ) {
        return { executionId: request.executionId };
      }
      if (request.runName !== undefined) this.runNames.add(request.runName);
      const pipeline = this.pipelines.get(`${request.application}/${request.pipeline}`) ?? this.options.findPipeline?.(request.application, request.pipeline);
      if (!pipeline) {
        throw new Error(
          `no pipeline '${request.application}/${request.pipeline}' in this local run or its folder (known here: ${[...this.pipelines.keys()].join(', ')})`,
        );
      }
      // A child the parent does not wait for still runs to the end; its outcome is in its record.
      // A restart's run ends only the record it was started for (a later restart supersedes it).
      const attempt = request.attempt ?? 0;
      this.start(pipeline, { executionId: request.executionId, trigger: request.trigger, parameters: request.parameters, attempt }).result.catch(
        () => undefined,
      );
      return { executionId: request.executionId };
    },
    status: async (executionId: string) => (await this.store.getExecution(executionId))?.status,
  };

  start(
    pipeline: Pipeline,
    request: { executionId?: string; trigger?: Record<string, unknown>; parameters?: Record<string, unknown>; attempt?: number } = {},
  ): LocalRun {
    this.register(pipeline);
    const executionId = request.executionId ?? executionNameFor(`${pipeline.name}-${randomUUID()}`);
    const definition = compilePipeline(pipeline, { timeZone: platformTimeZone() });
    return this.startDefinition(definition, executionId, request);
  }

  /** Runs a definition as compiled (also one taken back from a deployed state machine). */
  startDefinition(
    definition: AslMachine,
    executionId: string,
    request: { trigger?: Record<string, unknown>; parameters?: Record<string, unknown>; attempt?: number } = {},
  ): LocalRun {
    const machine = new StateMachine(definition as never, { validationOptions: { noValidate: true } });
    const taskHandlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    const errors: string[] = [];
    this.functionErrors.set(executionId, errors);
    // Scaled time: each Wait lasts what its stage asked for, scaled (scaled-waits.ts); unscaled, the engine waits it out.
    const waits = this.stageTime.scale !== 1 ? new ScaledWaits(definition as never, (ms) => this.stageTime.real(ms), this.tickMs) : undefined;
    for (const { name, state } of statesOfType(definition as never, 'Task')) {
      const call =
        state.Resource === ANSWERED_INVOKE
          ? (input: unknown) => this.task((input as { Payload: unknown }).Payload, errors, true)
          : (input: unknown) => this.task(input, errors, false);
      taskHandlers[name] = async (input) => {
        const output = await call(input);
        waits?.answered(name, output);
        return output;
      };
    }
    const waitTimeOverrides = waits?.overrides ?? {};
    const retryIntervalOverrides: Record<string, number> = {};
    for (const { name } of statesOfType(definition as never, 'Task')) retryIntervalOverrides[name] = 20;

    const input = { executionId, trigger: { user: this.user, ...request.trigger }, parameters: request.parameters ?? {} };
    const execution = machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: taskHandlers as never, waitTimeOverrides, retryIntervalOverrides },
      noThrowOnAbort: true,
      context: {
        Execution: { Id: `local:${executionId}`, Name: executionId, Input: input, StartTime: new Date().toISOString() },
        Task: { Token: `local-token:${executionId}` },
      } as never,
    });
    const events: EventLog[] = [];
    const collecting = (async () => {
      for await (const event of execution.eventLogs) events.push(event as unknown as EventLog);
    })().catch(() => undefined);
    let canceledBy: string | undefined;
    // One end per run: a cancel and the aborted state machine's return both end it, so the second waits for the first.
    let ended: Promise<unknown> | undefined;
    const end = (ending: Ending) => (ended ??= endExecution(executionId, { ...ending, ofAttempt: request.attempt ?? 0 }, this.deps));
    const result = (async (): Promise<LocalRunResult> => {
      try {
        await execution.result;
      } catch {
        // A Fail state or an unhandled error: the record says what happened; finalise it if needed.
      }
      await collecting;
      // An aborted run is CANCELED, never TERMINAL, whoever finalises first.
      const ending = canceledBy
        ? { forced: 'CANCELED' as const, reason: `canceled by ${canceledBy}` }
        : { caught: { Error: 'States.Runtime', Cause: 'the state machine ended without completing the record' } };
      await end(ending).catch(() => undefined);
      const view = await this.store.load(executionId);
      return { executionId, status: view.status, execution: view, events, definition, functionErrors: errors };
    })();
    const run: LocalRun = {
      executionId,
      result,
      cancel: async (user = this.user) => {
        canceledBy = user;
        execution.abort();
        await end({ forced: 'CANCELED', reason: `canceled by ${user}` });
      },
    };
    this.runs.set(executionId, run);
    return run;
  }

  /** Resolves when every run started in this runtime (children included) has ended. */
  async idle(): Promise<void> {
    for (;;) {
      const pending = [...this.runs.values()];
      await Promise.allSettled(pending.map((r) => r.result));
      if (this.runs.size === pending.length) return;
    }
  }

  /**
   * One Task as the stage functions run it in AWS (functions/core/lambda-handler.ts): the call's
   * answer ends the Task (as SendTaskSuccess / SendTaskFailure would), a throw is a function error.
   * A callback stage that started waiting blocks until a judgment (or its timeout) ends the wait.
   */
  private async task(payload: unknown, functionErrors: string[], answered: boolean): Promise<unknown> {
    let call: Awaited<ReturnType<typeof engineCall>>;
    try {
      call = await engineCall(payload, this.deps);
    } catch (error) {
      functionErrors.push(`${(error as Error).name}: ${(error as Error).message}`);
      throw error;
    }
    const { result, answer } = call;
    if (result.awaitingCallback) return this.callbackWait(payload as RunPayload);
    if (answer.kind === 'success') return answer.output;
    // Without a token, only the function's own error could route (a function error in AWS).
    if (!answered) functionErrors.push(`${answer.error}: ${answer.cause}`);
    throw new EngineSignal(answer);
  }

  /** A callback stage waiting for its judgment: polls the record until the wait ends (or times out). */
  private async callbackWait(payload: RunPayload): Promise<unknown> {
    const refId = payload.stage.refId;
    const timeoutMs = payload.stage.stageTimeoutMs ?? stageTypeInfo(payload.stage.type)?.defaultTimeoutMs ?? Number.POSITIVE_INFINITY;
    const controller = new AbortController();
    void this.answer(payload, controller.signal).catch(() => undefined);
    try {
      for (;;) {
        // As task-resume.ts answers the token in AWS: a stage that did not pass fails its Task with its signal.
        const { execution, stages } = await this.store.loadStages(payload.executionId, [refId]);
        const stage = stages.get(refId)!;
        if (stage.status !== 'RUNNING') {
          const answer = stageAnswer({ status: stage.status, refId }, payload.stage.failurePolicy, `stage '${stage.name}' ${stage.status}`);
          if (answer.kind === 'failure') throw new EngineSignal(answer);
          return answer.output;
        }
        if (execution.status !== 'RUNNING' && execution.status !== 'PAUSED')
          throw new EngineSignal({ kind: 'failure', error: SIGNALS.haltBranch, cause: `execution ${execution.status}` });
        // Promoted (promote.ts drops the token once delivered): the stage goes on, as SendTaskSuccess with waitSeconds would have it.
        if (!stage.callbackToken) return { status: 'RUNNING', refId, waitSeconds: 1 };
        if (this.stageTime.now() - this.stageTime.fromWall(stage.startTime ?? this.clock.now()) > timeoutMs) {
          const error = new Error(`no judgment within ${Math.round(timeoutMs / 1000)} s`);
          error.name = 'States.Timeout';
          throw error;
        }
        await sleep(this.tickMs);
      }
    } finally {
      controller.abort();
    }
  }

  private async answer(payload: RunPayload, signal: AbortSignal): Promise<void> {
    const execution = await this.store.load(payload.executionId);
    const stage = execution.stages.find((s) => s.refId === payload.stage.refId)!;
    if (stage.type !== 'manualJudgment') {
      // A progressive step waiting for a promote: an automatic run promotes it ('continue'); otherwise `gennaker promote` does.
      if (this.judge.kind === 'auto' && this.judge.judgment === 'continue' && promotionOf(stage.context).awaiting) {
        await submitPromote(
          { executionId: payload.executionId, stage: stage.refId, user: this.user },
          { store: this.store, clock: this.clock, resume: async () => undefined },
        );
      }
      return;
    }
    let answer: JudgmentAnswer | undefined;
    const state = judgmentStateOf(stage.context);
    const inputs = [...state.inputs];
    // An automatic judgment picks the given input, or the first one offered.
    if (this.judge.kind === 'auto')
      answer = { judgment: this.judge.judgment, ...((this.judge.input ?? inputs[0]) ? { input: this.judge.input ?? inputs[0] } : {}) };
    else if (this.judge.kind === 'prompt') {
      answer = await this.judge
        .ask({ executionId: payload.executionId, stageName: payload.stage.name, instructions: state.instructions, inputs }, signal)
        .catch(() => undefined);
    }
    if (!answer || signal.aborted) return;
    // The person at the local terminal owns the run: they hold whatever roles the stage requires.
    const roles = state.requiredRoles;
    await submitJudgment(
      {
        executionId: payload.executionId,
        stage: payload.stage.refId,
        judgment: answer.judgment,
        ...(answer.input ? { input: answer.input } : {}),
        user: this.user,
        roles,
      },
      { store: this.store, clock: this.clock, resume: async () => undefined },
    ).catch(() => undefined);
  }
}
