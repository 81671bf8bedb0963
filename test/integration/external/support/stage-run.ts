/**
 * Runs one stage implementation the way the engine does, without the engine: a context built from
 * the saved state, checkpoints merged into it, RUNNING results' context and outputs merged after
 * each call, and a clock the test moves instead of waiting.
 */
import type { StageImplementation, StageRunContext, TaskResult } from '../../../../functions/core/stage-api.js';

export class StageRun {
  state: Record<string, unknown> = {};
  outputs: Record<string, unknown> = {};
  readonly checkpoints: Record<string, unknown>[] = [];
  readonly results: TaskResult[] = [];
  now: number;
  readonly startTime: number;
  /**
   * The matching checkpoint is applied, then the call dies (a crash right after it). A crash is not
   * an exception the stage could catch: the call just stops there, as a killed Lambda does, and
   * call() rejects with 'simulated crash'.
   */
  crashAfterCheckpoint?: (patch: Record<string, unknown>) => boolean;
  /** The matching checkpoint is never written: the call dies first (a crash right before it). */
  crashBeforeCheckpoint?: (patch: Record<string, unknown>) => boolean;
  private halt?: () => void;

  constructor(
    private readonly implementation: StageImplementation,
    public config: Record<string, unknown>,
    readonly options: { executionId?: string; refId?: string; now?: number } = {},
  ) {
    this.now = options.now ?? Date.UTC(2024, 0, 1, 12);
    this.startTime = this.now;
  }

  get executionId(): string {
    return this.options.executionId ?? 'exec-1';
  }

  get refId(): string {
    return this.options.refId ?? '1';
  }

  context(): StageRunContext {
    return {
      executionId: this.executionId,
      application: 'app',
      pipelineName: 'pipe',
      stage: { refId: this.refId, name: 'Stage', type: this.implementation.type, config: this.config },
      state: { ...this.state },
      startTime: this.startTime,
      clock: { now: () => this.now },
      evaluation: { execution: { id: this.executionId, application: 'app', name: 'pipe', trigger: {}, parameters: {}, stages: [] } },
      stages: [
        { refId: this.refId, name: 'Stage', type: this.implementation.type, status: 'RUNNING', context: { ...this.state }, outputs: { ...this.outputs } },
      ],
      checkpoint: async (patch) => {
        if (this.crashBeforeCheckpoint?.(patch)) {
          this.crashBeforeCheckpoint = undefined;
          return this.stopHere();
        }
        this.state = { ...this.state, ...patch };
        this.checkpoints.push(patch);
        if (this.crashAfterCheckpoint?.(patch)) {
          this.crashAfterCheckpoint = undefined;
          return this.stopHere();
        }
      },
    };
  }

  /** One engine call: validate, run, merge what it returned. */
  async call(): Promise<TaskResult> {
    const problems = this.implementation.validate?.(this.config) ?? [];
    if (problems.length > 0) throw new Error(`invalid config: ${problems.join('; ')}`);
    const halted = new Promise<never>((_, reject) => {
      this.halt = () => reject(new Error('simulated crash'));
    });
    const result = await Promise.race([this.implementation.run(this.context()), halted]);
    this.state = { ...this.state, ...result.context };
    this.outputs = { ...this.outputs, ...result.outputs };
    this.results.push(result);
    return result;
  }

  /** The call goes no further: nothing after this point runs. */
  private stopHere(): Promise<never> {
    this.halt?.();
    return new Promise<never>(() => undefined);
  }

  /** Calls until the stage finishes, moving the clock by each RUNNING result's wait. */
  async untilDone(maxCalls = 50, onRunning?: (result: TaskResult, call: number) => Promise<void> | void): Promise<TaskResult> {
    for (let i = 0; i < maxCalls; i++) {
      const result = await this.call();
      if (result.status !== 'RUNNING') return result;
      this.now += result.waitSeconds * 1000;
      await onRunning?.(result, i);
    }
    throw new Error(`stage still RUNNING after ${maxCalls} calls`);
  }
}
