/**
 * `canary` (also Spinnaker's `kayentaCanary`): deploys a baseline (production image) and a canary
 * (new image) server group side by side at small capacity behind production's target groups,
 * waits for them to be up and for the warm-up, then every interval reads each metric for both from
 * CloudWatch, judges (judge/), scores and decides: an interval at or below `marginal` ends the
 * canary at once, the final score must reach `pass`. Both groups are destroyed at the end whatever
 * happened (cleanupCanary does the same for the cancel path). Returns RUNNING to wait; never sleeps.
 *
 * Phases, kept in `canaryState`: deploying → waitingUp → analyzing → cleanup. The deploy keys and
 * cluster are checkpointed before anything is created, and each group's name as soon as it exists,
 * so an interrupted call, a retry and the cancel path all find what was made.
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudDriverError } from '../../core/cloud/index.js';
import { ConcurrentUpdateError } from '../../core/errors.js';
import {
  type SavedContext,
  StageConfigError,
  type StageImplementation,
  type StageRunContext,
  stageFields,
  stageRunKey,
  type TaskResult,
  stageState,
} from '../../core/stage-api.js';
import type { AwsTarget } from '../../core/aws-target.js';
import { canaryConfigOf, type CanaryConfig } from './config.js';
import { MetricsFetchError } from '../../core/canary-analysis/errors.js';
import { NoProductionGroupError } from './errors.js';
import type { CanaryFleet, CanaryRole, ProductionGroup } from './fleet.js';
import { CanaryJudgeError, judge, type JudgeResult, type Observations } from '../../core/canary-analysis/judge/index.js';
import { fetchObservations } from '../../core/canary-analysis/metrics.js';
import { decide, intervalCount, intervalWindow, type IntervalWindow } from './schedule.js';

export const CANARY_STATE_KEY = 'canaryState';
/** This stage type's state in its record (stage-api.ts stageState): the one place its type is declared. */
const CANARY_STATE = stageState<CanaryState>(CANARY_STATE_KEY);
/** What the stage keeps in its context beside its state. */
interface CanaryFields {
  /** The last retryable error, while the stage retries. */
  readonly lastError: string;
  /** Why removing the canary's groups failed, while the stage retries it. */
  readonly cleanupErrors: readonly string[];
  /** The canary's groups removed at the end. */
  readonly destroyedServerGroups: readonly string[];
}
const CANARY = stageFields<CanaryFields>();
/** The intervals judged so far, in the stage's outputs, which each call extends (read back through this). */
const CANARY_OUTPUTS = stageFields<{ readonly intervals: readonly IntervalRecord[] }>();
/** Retryable failures (throttling, AWS faults) in a row before the canary gives up. */
const MAX_RETRIES = 8;
const UP_POLL_SECONDS = 15;

export interface CanaryDeps {
  readonly target: (account: string | undefined, region: string | undefined) => Promise<AwsTarget>;
  readonly fleet: (target: AwsTarget) => CanaryFleet;
  readonly cloudwatch: (target: AwsTarget) => CloudWatchClient;
}

export interface CanaryState {
  readonly phase: 'deploying' | 'waitingUp' | 'analyzing' | 'cleanup';
  readonly account?: string;
  readonly region: string;
  /** The production cluster (where cleanup looks for groups it has no name for); unset with scopes. */
  readonly cluster?: string;
  readonly deployKeys: Readonly<Record<CanaryRole, string>>;
  readonly production?: ProductionGroup;
  readonly baseline?: string;
  readonly canary?: string;
  readonly deployedAt?: number;
  readonly analysisStart?: number;
  readonly intervalsDone: number;
  readonly scores: readonly number[];
  readonly verdict?: { readonly succeeded: boolean; readonly message: string };
  readonly failures: number;
}

/** One interval's judgement as it lands in the outputs. */
export interface IntervalRecord {
  readonly index: number;
  readonly start: string;
  readonly end: string;
  readonly score: number;
  readonly classification: JudgeResult['classification'];
  readonly decision: 'continue' | 'pass' | 'fail';
  readonly summary: string;
  readonly metrics: ReadonlyArray<Record<string, unknown>>;
}

export function canaryStage(
  deps: CanaryDeps,
  type: 'canary' | 'kayentaCanary' = 'canary',
): StageImplementation & { cleanup(ctx: StageRunContext): Promise<CleanupReport> } {
  return {
    type,
    validate: (config) => canaryConfigOf(type, config).problems,
    async run(ctx) {
      const parsed = canaryConfigOf(type, ctx.stage.config);
      const saved = CANARY_STATE.of(ctx.state);
      if (!parsed.value) {
        // Nothing is deployed before the config was read once; if something is, take it down.
        if (saved) {
          const target = await deps.target(saved.account, saved.region);
          return new Run(ctx, deps, undefined, saved, target).fail(`invalid canary config: ${parsed.problems.join('; ')}`);
        }
        throw new StageConfigError(parsed.problems.join('; '));
      }
      const config = parsed.value;
      const target = await deps.target(config.account, config.region);
      const state: CanaryState = saved ?? {
        // Existing server groups (scopes) are analysed from the start; nothing is deployed.
        ...(config.scopes ? { phase: 'analyzing', analysisStart: config.startMs ?? ctx.clock.now() + config.warmupMs } : { phase: 'deploying' }),
        ...(target.account ? { account: target.account } : {}),
        region: target.region,
        ...(config.cluster ? { cluster: config.cluster } : {}),
        deployKeys: { baseline: `${stageRunKey(ctx, '/')}/baseline`, canary: `${stageRunKey(ctx, '/')}/canary` },
        intervalsDone: 0,
        scores: [],
        failures: 0,
      };
      return new Run(ctx, deps, config, state, target).step();
    },
    cleanup: (ctx) => cleanupCanary(ctx.state, deps),
  };
}

/** One call of the stage. */
class Run {
  private readonly fleet: CanaryFleet;

  constructor(
    private readonly ctx: StageRunContext,
    private readonly deps: CanaryDeps,
    private readonly config: CanaryConfig | undefined,
    private state: CanaryState,
    private readonly target: AwsTarget,
  ) {
    this.fleet = deps.fleet(target);
  }

  async step(): Promise<TaskResult> {
    try {
      switch (this.state.phase) {
        case 'deploying':
          return await this.deploy();
        case 'waitingUp':
          return await this.waitUp();
        case 'analyzing':
          return await this.analyze();
        case 'cleanup':
          return await this.cleanup();
      }
    } catch (error) {
      // Someone wrote the stage meanwhile: the engine reads it again and calls once more.
      if (error instanceof ConcurrentUpdateError) throw error;
      if (this.state.phase !== 'cleanup' && retryable(error) && this.state.failures < MAX_RETRIES) {
        const failures = this.state.failures + 1;
        return this.running(Math.min(120, 5 * 2 ** failures), { ...this.state, failures }, { lastError: (error as Error).message });
      }
      if (this.state.phase === 'cleanup') throw error;
      return this.fail(describe(error));
    }
  }

  /** Records the failure, takes both groups down and reports it. */
  async fail(message: string): Promise<TaskResult> {
    this.state = { ...this.state, phase: 'cleanup', verdict: { succeeded: false, message }, failures: 0 };
    return this.cleanup();
  }

  private async deploy(): Promise<TaskResult> {
    const config = this.config!;
    if (!this.state.production) {
      // Recorded before anything is created: from here on, cleanup looks for groups it has no name for.
      this.state = { ...this.state, production: await this.fleet.production(config.cluster!, config.serverGroup) };
      await this.ctx.checkpoint(CANARY_STATE.save(this.state));
    }
    const production = this.state.production!;
    const request = { source: production.serverGroup, capacity: config.capacity, executionId: this.ctx.executionId };
    const baseline =
      this.state.baseline ??
      (
        await this.fleet.deploy({
          ...request,
          role: 'baseline',
          imageId: config.baselineImage ?? production.imageId,
          deployKey: this.state.deployKeys.baseline,
        })
      ).serverGroup;
    this.state = { ...this.state, baseline };
    await this.ctx.checkpoint(CANARY_STATE.save(this.state));
    const canary = (await this.fleet.deploy({ ...request, role: 'canary', imageId: config.canaryImage!, deployKey: this.state.deployKeys.canary })).serverGroup;
    this.state = { ...this.state, canary, phase: 'waitingUp', deployedAt: this.ctx.clock.now(), failures: 0 };
    await this.ctx.checkpoint(CANARY_STATE.save(this.state));
    return this.waitUp();
  }

  private async waitUp(): Promise<TaskResult> {
    const config = this.config!;
    const now = this.ctx.clock.now();
    const [baselineUp, canaryUp] = await Promise.all([this.fleet.ready(this.state.baseline!), this.fleet.ready(this.state.canary!)]);
    if (!baselineUp || !canaryUp) {
      if (now - (this.state.deployedAt ?? now) > config.upTimeoutMs) {
        const down = [baselineUp ? undefined : this.state.baseline, canaryUp ? undefined : this.state.canary].filter(Boolean).join(' and ');
        return this.fail(`${down} did not come up within ${Math.round(config.upTimeoutMs / 60_000)} min`);
      }
      return this.running(UP_POLL_SECONDS, { ...this.state, failures: 0 });
    }
    this.state = { ...this.state, phase: 'analyzing', analysisStart: now + config.warmupMs, failures: 0 };
    return this.waitForNext();
  }

  private async analyze(): Promise<TaskResult> {
    const config = this.config!;
    const count = intervalCount(config);
    const window = intervalWindow(config, this.state.analysisStart!, this.state.intervalsDone + 1);
    if (this.ctx.clock.now() < window.dueAt) return this.waitForNext();
    const observations = await fetchObservations(
      this.deps.cloudwatch(this.target),
      config.metrics,
      config.scopes ?? { control: this.state.baseline!, experiment: this.state.canary! },
      window,
      config,
    );
    const result = judge(config.judge, observations);
    const decision = decide(result.score, window.index, count, config.thresholds);
    const record = intervalRecord(window, result, decision.kind, observations);
    const intervals = [...this.previousIntervals(), record];
    this.state = { ...this.state, intervalsDone: window.index, scores: [...this.state.scores, result.score], failures: 0 };
    if (decision.kind === 'continue') return this.waitForNext(intervals);
    this.state = { ...this.state, phase: 'cleanup', verdict: { succeeded: decision.kind === 'pass', message: decision.reason } };
    return this.cleanup(intervals);
  }

  private waitForNext(intervals?: readonly IntervalRecord[]): TaskResult {
    const window = intervalWindow(this.config!, this.state.analysisStart!, this.state.intervalsDone + 1);
    const seconds = Math.max(1, Math.ceil((window.dueAt - this.ctx.clock.now()) / 1000));
    return this.running(seconds, this.state, {}, intervals);
  }

  private async cleanup(intervals?: readonly IntervalRecord[]): Promise<TaskResult> {
    const report = await destroyGroups(this.fleet, this.state);
    const verdict = this.state.verdict ?? { succeeded: false, message: 'the canary ended without a verdict' };
    if (report.errors.length > 0) {
      const failures = this.state.failures + 1;
      if (failures <= MAX_RETRIES) {
        return this.running(Math.min(120, 5 * 2 ** failures), { ...this.state, failures }, { cleanupErrors: report.errors }, intervals);
      }
      return {
        status: 'FAILED',
        error: `${verdict.message}; and cleanup failed, remove by hand: ${report.errors.join('; ')}`,
        context: CANARY_STATE.save({ ...this.state, failures }),
        outputs: this.outputs(intervals, verdict),
      };
    }
    const done = { ...this.state, baseline: undefined, canary: undefined, failures: 0 };
    const context = { ...CANARY_STATE.save(done), ...CANARY.save({ destroyedServerGroups: report.destroyed }) };
    const outputs = this.outputs(intervals, verdict);
    return verdict.succeeded ? { status: 'SUCCEEDED', context, outputs } : { status: 'FAILED', error: `canary failed: ${verdict.message}`, context, outputs };
  }

  private running(waitSeconds: number, state: CanaryState, extra: Partial<CanaryFields> = {}, intervals?: readonly IntervalRecord[]): TaskResult {
    return { status: 'RUNNING', waitSeconds, context: { ...CANARY_STATE.save(state), ...CANARY.save(extra) }, outputs: this.outputs(intervals) };
  }

  private outputs(intervals?: readonly IntervalRecord[], verdict?: { succeeded: boolean; message: string }): Record<string, unknown> {
    const s = this.state;
    const last = s.scores.at(-1);
    return {
      ...(s.production ? { productionServerGroup: s.production.serverGroup } : {}),
      ...(s.baseline ? { baselineServerGroup: s.baseline } : {}),
      ...(s.canary ? { canaryServerGroup: s.canary } : {}),
      ...(this.config?.scopes ? { controlServerGroup: this.config.scopes.control, experimentServerGroup: this.config.scopes.experiment } : {}),
      canaryScores: s.scores,
      ...(intervals ? { intervals } : {}),
      ...(last !== undefined ? { overallScore: last } : {}),
      ...(verdict ? { overallResult: verdict.succeeded ? 'pass' : 'fail', canaryScoreMessage: verdict.message } : {}),
      lastUpdated: new Date(this.ctx.clock.now()).toISOString(),
    };
  }

  private previousIntervals(): readonly IntervalRecord[] {
    const own = this.ctx.stages.find((s) => s.refId === this.ctx.stage.refId);
    return (own && CANARY_OUTPUTS.of(own.outputs).intervals) ?? [];
  }
}

export interface CleanupReport {
  readonly destroyed: readonly string[];
  readonly errors: readonly string[];
}

async function destroyGroups(fleet: CanaryFleet, state: CanaryState): Promise<CleanupReport> {
  const destroyed: string[] = [];
  const errors: string[] = [];
  for (const role of ['canary', 'baseline'] as const) {
    try {
      // A name not recorded (an interrupted deploy): look for the group by its deploy key.
      const name = state[role] ?? (state.production && state.cluster ? await fleet.find(state.cluster, role, state.deployKeys[role]) : undefined);
      if (!name) continue;
      await fleet.destroy(name);
      destroyed.push(name);
    } catch (error) {
      errors.push(`${role} ${state[role] ?? ''}: ${(error as Error).message}`.replace(/\s+:/, ':'));
    }
  }
  return { destroyed, errors };
}

/**
 * Destroys whatever a canary stage created, from its context alone: for the cancel path and for
 * stages ended by a timeout. Never throws; reports what it did.
 */
export async function cleanupCanary(context: SavedContext, deps: Pick<CanaryDeps, 'fleet' | 'target'>): Promise<CleanupReport> {
  const state = CANARY_STATE.of(context);
  if (!state) return { destroyed: [], errors: [] };
  try {
    // The account's role, as when the groups were made.
    const target = await deps.target(state.account, state.region);
    return await destroyGroups(deps.fleet(target), state);
  } catch (error) {
    return { destroyed: [], errors: [(error as Error).message] };
  }
}

function intervalRecord(window: IntervalWindow, result: JudgeResult, decision: IntervalRecord['decision'], observations: Observations): IntervalRecord {
  return {
    index: window.index,
    start: new Date(window.start).toISOString(),
    end: new Date(window.end).toISOString(),
    score: result.score,
    classification: result.classification,
    decision,
    summary: result.summary,
    metrics: result.metrics.map((m) => {
      const o = observations[m.name];
      return {
        name: m.name,
        group: m.group,
        classification: m.classification,
        deviation: m.deviation,
        controlMean: mean(o?.control),
        experimentMean: mean(o?.experiment),
        controlPoints: o?.control.length ?? 0,
        experimentPoints: o?.experiment.length ?? 0,
        ...(m.critical ? { critical: true } : {}),
        ...(m.isCriticalFailure ? { criticalFailure: true } : {}),
        reason: m.reason.length > 300 ? `${m.reason.slice(0, 300)}…` : m.reason,
      };
    }),
  };
}

function mean(series: ReadonlyArray<number | null> | undefined): number | null {
  const values = (series ?? []).filter((v): v is number => v !== null && Number.isFinite(v));
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

function retryable(error: unknown): boolean {
  if (error instanceof MetricsFetchError || error instanceof CloudDriverError) return error.retryable;
  const e = error as { $fault?: string; $retryable?: unknown; name?: string };
  return e?.$fault === 'server' || Boolean(e?.$retryable) || /Throttl/.test(e?.name ?? '');
}

function describe(error: unknown): string {
  if (error instanceof NoProductionGroupError || error instanceof CloudDriverError || error instanceof MetricsFetchError || error instanceof CanaryJudgeError) {
    return error.message;
  }
  return `${(error as Error).name ?? 'Error'}: ${(error as Error).message ?? String(error)}`;
}
