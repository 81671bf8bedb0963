/**
 * The shape shared by stages that act on several groups of a cluster per region: pick the groups
 * (saved before anything changes, after a traffic guard check), then act on exactly those.
 */
import type { ServerGroupProvider, ServerGroupSummary } from '../../../core/cloud/index.js';
import { ResourceNotFoundError } from '../../../core/cloud/index.js';
import type { ClusterKey } from '../../../core/cluster-lock.js';
import { type StageRunContext, stageFields, type TaskResult } from '../../../core/stage-api.js';
import type { GroupChange } from '../../../core/traffic-guards.js';
import type { CloudEnv } from '../deps.js';
import { accountOf, clusterOf, regionsOf } from '../fields.js';
import { checkGuards } from '../guards.js';
import { providerTarget } from '../providers.js';
import type { LockedStage } from '../locking.js';
import { clusterRefs } from '../summary.js';
import { runUnits, unitErrors, unitStates, type Unit, type UnitState } from '../units.js';

interface ClusterOperationState extends UnitState {
  readonly plan?: readonly string[];
}

const CLUSTER_UNITS = unitStates<ClusterOperationState>();
/** What a finished operation keeps in its context: the groups it acted on, by unit. */
const CLUSTER_OPERATION = stageFields<{ readonly serverGroups: Readonly<Record<string, readonly string[]>> }>();

export interface ClusterOperation {
  readonly type: string;
  readonly verb: string;
  check?(config: Readonly<Record<string, unknown>>): string[];
  select(groups: readonly ServerGroupSummary[], config: Readonly<Record<string, unknown>>): string[];
  change(serverGroup: string): GroupChange;
  act(provider: ServerGroupProvider, serverGroup: string): Promise<unknown>;
}

function where(ctx: StageRunContext, env: CloudEnv): ClusterKey[] {
  const config = ctx.stage.config;
  const cluster = clusterOf(config, ctx.application);
  const account = accountOf(config);
  return regionsOf(config, env.defaultRegion()).map((region) => ({ account, region, cluster }));
}

function unit(ctx: StageRunContext, env: CloudEnv, op: ClusterOperation, key: ClusterKey): Unit<ClusterOperationState> {
  return {
    key: `${key.cluster}/${key.region}`,
    initial: () => ({ status: 'running' }),
    async step(state) {
      const { provider: driver } = await providerTarget(env, key.account, key.region, ctx.stage.config, key.cluster);
      if (!state.plan) {
        const view = await driver.describeCluster(key.cluster, { launchTemplates: false });
        const plan = op.select(view.serverGroups, ctx.stage.config);
        await checkGuards(
          env,
          ctx,
          key,
          view,
          plan.map((g) => op.change(g)),
          `${op.verb} ${plan.join(', ')}`,
        );
        return { state: { ...state, plan } };
      }
      for (const serverGroup of state.plan) {
        try {
          await op.act(driver, serverGroup);
        } catch (error) {
          if (!(error instanceof ResourceNotFoundError)) throw error;
        }
      }
      return { state: { ...state, status: 'succeeded' } };
    },
  };
}

export function clusterStage(op: ClusterOperation, env: CloudEnv, check: (config: Readonly<Record<string, unknown>>) => string[]): LockedStage {
  return {
    type: op.type,
    validate: (config) => [...check(config), ...(op.check?.(config) ?? [])],
    locks: (ctx) => where(ctx, env),
    async run(ctx): Promise<TaskResult> {
      const keys = where(ctx, env);
      const outcome = await runUnits(
        ctx,
        keys.map((k) => unit(ctx, env, op, k)),
        CLUSTER_UNITS,
      );
      const acted = Object.fromEntries(Object.entries(outcome.states).map(([k, s]) => [k, s.plan ?? []]));
      const outputs = clusterRefs(keys);
      if (outcome.waitSeconds !== undefined) return { status: 'RUNNING', waitSeconds: outcome.waitSeconds, outputs };
      const errors = unitErrors(outcome.states);
      if (errors.length > 0) return { status: 'FAILED', error: errors.join('; '), outputs };
      return { status: 'SUCCEEDED', outputs, context: CLUSTER_OPERATION.save({ serverGroups: acted }) };
    },
  };
}
