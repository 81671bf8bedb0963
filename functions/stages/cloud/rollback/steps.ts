/** The rollback steps, shared by rollbackCluster and rollbackServerGroup. Each is idempotent. */
import type { StageRunContext } from '../../../core/stage-api.js';
import type { CloudEnv } from '../deps.js';
import type { ProviderTarget } from '../providers.js';
import { checkGuards } from '../guards.js';
import type { StepResult, UnitState } from '../units.js';
import { healthyCount, waitForUp } from '../up.js';
import { clearWait, type WaitFields } from '../waiting.js';
import type { RollbackPlan } from './plan.js';

export interface RollbackState extends UnitState, WaitFields {
  readonly plan?: RollbackPlan;
  readonly step: number;
  /** The clone an image rollback made. */
  readonly created?: string;
}

export type RollbackStepKind = 'resizeRestore' | 'enableRestore' | 'cloneWithImage' | 'waitUp' | 'disableRollback';

export function stepsOf(plan: RollbackPlan): RollbackStepKind[] {
  return plan.mode === 'explicit' ? ['resizeRestore', 'enableRestore', 'waitUp', 'disableRollback'] : ['cloneWithImage', 'waitUp', 'disableRollback'];
}

export interface RollbackContext {
  readonly ctx: StageRunContext;
  readonly env: CloudEnv;
  readonly account: string;
  readonly region: string;
  readonly cluster: string;
  readonly target: ProviderTarget;
  readonly healthyPercent: number;
  readonly timeoutSeconds: number;
  /** Identifies the clone of an image rollback, so a re-run finds it. */
  readonly deployKey: string;
}

const next = (state: RollbackState, changes: Partial<RollbackState> = {}): RollbackState => ({ ...clearWait(state), ...changes, step: state.step + 1 });

/** The group the rollback brings back (or the clone it made). */
export function restoredGroup(state: RollbackState): string | undefined {
  const plan = state.plan;
  if (!plan) return undefined;
  return plan.mode === 'explicit' ? plan.restore.name : state.created;
}

export async function runRollbackStep(kind: RollbackStepKind, r: RollbackContext, state: RollbackState): Promise<StepResult<RollbackState>> {
  const plan = state.plan!;
  const driver = r.target.provider;
  switch (kind) {
    case 'resizeRestore':
      if (plan.mode === 'explicit') await driver.resizeServerGroup(plan.restore.name, plan.capacity);
      return { state: next(state) };
    case 'enableRestore':
      if (plan.mode === 'explicit') await driver.enableServerGroup(plan.restore.name);
      return { state: next(state) };
    case 'cloneWithImage': {
      if (plan.mode !== 'image') return { state: next(state) };
      const clone = await driver.cloneServerGroup({
        source: plan.rollback.name,
        imageId: plan.imageId,
        enabled: true,
        metadata: { executionId: r.ctx.executionId, deployKey: r.deployKey, replaces: plan.rollback.name },
      });
      return { state: next(state, { created: clone.serverGroup }) };
    }
    case 'waitUp': {
      const group = restoredGroup(state)!;
      const desired = plan.mode === 'explicit' ? plan.capacity.desired : plan.rollback.capacity.desired;
      return waitForUp({ driver, now: r.ctx.clock.now(), timeoutSeconds: r.timeoutSeconds }, state, group, healthyCount(desired, r.healthyPercent), (s) =>
        next(s),
      );
    }
    case 'disableRollback': {
      const view = await driver.describeCluster(r.cluster, { launchTemplates: false });
      await checkGuards(
        r.env,
        r.ctx,
        { account: r.account, region: r.region, cluster: r.cluster },
        view,
        [{ kind: 'disable', serverGroup: plan.rollback.name }],
        `disable ${plan.rollback.name}`,
      );
      await driver.disableServerGroup(plan.rollback.name);
      return { state: next(state) };
    }
  }
}
