/** One deploy unit (a cluster entry in one region) as a state machine for the unit runner. */
import { type StageRunContext, stageRunKey } from '../../../core/stage-api.js';
import type { CloudEnv, RegionTarget } from '../deps.js';
import type { Unit } from '../units.js';
import { EcsServices } from '../../../core/ecs/services.js';
import type { ServerGroupProvider } from '../../../core/cloud/index.js';
import type { DeployCluster } from './config.js';
import { prepare } from './prepare.js';
import { runRollbackStep } from './rollback.js';
import { runDeployStep } from './steps.js';
import { deploySteps, rollbackSteps } from './strategy.js';
import { rollingBack, type DeployUnitContext, type DeployUnitState } from './state.js';

export function deployUnitKey(cluster: DeployCluster, region: string, many: boolean): string {
  return many ? `${cluster.cluster}#${cluster.index}/${region}` : `${cluster.cluster}/${region}`;
}

export function deployUnit(ctx: StageRunContext, env: CloudEnv, cluster: DeployCluster, region: string, many: boolean): Unit<DeployUnitState> {
  let target: Promise<RegionTarget> | undefined;
  let provider: Promise<ServerGroupProvider> | undefined;
  const u: DeployUnitContext = {
    ctx,
    env,
    cluster,
    region,
    // executionId:refId:region, plus the entry's index when a stage deploys several clusters.
    deployKey: `${stageRunKey(ctx)}:${region}${many ? `:${cluster.index}` : ''}`,
    guardTarget: { account: cluster.account, region, cluster: cluster.cluster },
    target: () => (target ??= env.target(cluster.account, region)),
    provider: () =>
      (provider ??= u
        .target()
        .then((t): ServerGroupProvider => (cluster.provider === 'ecs' ? new EcsServices(t.clients, cluster.ecs!.ecsClusterName) : t.driver))),
    upTimeoutSeconds: cluster.options.waitForUpTimeoutSeconds,
  };
  const steps = deploySteps(cluster.strategy, cluster.options);
  const rollback = rollbackSteps(cluster.strategy);
  return {
    key: deployUnitKey(cluster, region, many),
    initial: () => ({ status: 'running', phase: 'prepare', step: 0, account: cluster.account, region }),
    async step(state) {
      if (state.phase === 'prepare') return { state: await prepare(state, u) };
      if (state.phase === 'deploy') {
        const step = steps[state.step];
        return step ? runDeployStep(step, u, state) : { state: { ...state, status: 'succeeded' } };
      }
      const step = rollback[state.step];
      if (step) return runRollbackStep(step, u, state);
      return {
        state: {
          ...state,
          status: 'failed',
          error: `${state.error ?? 'deploy failed'} (rolled back: ${describeRollback(state, cluster.options.destroyOnFailure)})`,
        },
      };
    },
    onFailure(state, error) {
      if (state.phase === 'rollback') return { ...state, status: 'failed', error: `${state.error ?? ''}; the rollback failed too: ${error}` };
      // A progressive deploy may have made canary target groups or moved weights before it has a group.
      const changed = state.serverGroup !== undefined || state.pinned === true || state.traffic !== undefined;
      if (state.phase === 'deploy' && cluster.options.rollbackOnFailure && changed) return rollingBack(state, error);
      return { ...state, status: 'failed', error };
    },
  };
}

function describeRollback(state: DeployUnitState, destroyed: boolean): string {
  const restored = (state.ancestors ?? []).filter((a) => a.enabled && a.name !== state.serverGroup).map((a) => a.name);
  const parts = [
    restored.length > 0 ? `${restored.join(', ')} serve${restored.length === 1 ? 's' : ''} again` : 'no earlier server group to restore',
    state.serverGroup ? `${state.serverGroup} ${destroyed ? 'destroyed' : 'disabled and scaled to 0'}` : undefined,
  ].filter(Boolean);
  return parts.join(', ');
}
