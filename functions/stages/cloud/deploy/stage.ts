/**
 * `deploy`: one new server group per cluster entry and region, by the entry's strategy. Holds the
 * lock of every cluster it deploys to; see strategy.ts for what each strategy does.
 */
import { deployProblems } from '../../../../state-machines/stage-types/cloud.js';
import { secretsManagerFetcher } from '../../../core/secrets/secrets-manager.js';
import type { ClusterKey } from '../../../core/cluster-lock.js';
import { awaitPromote } from '../../../core/promote.js';
import type { StageRunContext, TaskResult } from '../../../core/stage-api.js';
import type { CloudEnv } from '../deps.js';
import type { LockedStage } from '../locking.js';
import { clusterRefs, type ClusterRef } from '../summary.js';
import { runUnits, unitErrors } from '../units.js';
import { readDeployConfig, type DeployCluster } from './config.js';
import { DEPLOY_UNITS, type DeployUnitState } from './state.js';
import { deployUnit, deployUnitKey } from './unit.js';

function locations(clusters: readonly DeployCluster[]): ClusterKey[] {
  return clusters.flatMap((c) => c.regions.map((region) => ({ account: c.account, region, cluster: c.cluster })));
}

function outputs(clusters: readonly DeployCluster[], states: Readonly<Record<string, DeployUnitState>>): Record<string, unknown> {
  const many = clusters.length > 1;
  const byRegion: Record<string, string[]> = {};
  const serverGroups: Array<ClusterRef & { serverGroup: string }> = [];
  for (const c of clusters) {
    for (const region of c.regions) {
      const name = states[deployUnitKey(c, region, many)]?.serverGroup;
      if (!name) continue;
      (byRegion[region] ??= []).push(name);
      serverGroups.push({ account: c.account, region, cluster: c.cluster, serverGroup: name });
    }
  }
  return {
    // Spinnaker's names, for expressions written against Spinnaker pipelines.
    'deploy.account.name': clusters[0]?.account,
    'deploy.server.groups': byRegion,
    serverGroups,
    ...clusterRefs(locations(clusters)),
  };
}

/**
 * A canceled or timed-out deploy gives a source group pinned by rolling red/black its capacity
 * back (autoscaling would otherwise stay frozen). The new group is left as it is, as Spinnaker does.
 */
async function cancelDeploy(ctx: StageRunContext, env: CloudEnv): Promise<string | undefined> {
  const restored: string[] = [];
  for (const state of Object.values(DEPLOY_UNITS.of(ctx.state) ?? {})) {
    const source = state.ancestors?.find((a) => a.name === state.source);
    if (!state.pinned || !source || !state.account) continue;
    const { driver } = await env.target(state.account, state.region);
    await driver.resizeServerGroup(source.name, source.capacity);
    restored.push(source.name);
  }
  return restored.length > 0 ? `unpinned ${restored.join(', ')}` : undefined;
}

export function deployStage(env: CloudEnv): LockedStage {
  return {
    type: 'deploy',
    // GitHub task definition artifacts' tokens (functions/core/artifacts/read.ts).
    secrets: secretsManagerFetcher(),
    cancel: (ctx) => cancelDeploy(ctx, env),
    validate: (config) => deployProblems(config),
    locks: (ctx) => locations(readDeployConfig(ctx.stage.config, ctx.application)),
    async run(ctx): Promise<TaskResult> {
      const clusters = readDeployConfig(ctx.stage.config, ctx.application);
      const many = clusters.length > 1;
      const units = clusters.flatMap((c) => c.regions.map((region) => deployUnit(ctx, env, c, region, many)));
      const outcome = await runUnits(ctx, units, DEPLOY_UNITS);
      const out = outputs(clusters, outcome.states);
      if (outcome.waitSeconds !== undefined) {
        // Every unit still going waits for a promote: wait on the task token (promote.ts), not by polling,
        // unless there are alarms to watch meanwhile.
        const going = Object.values(outcome.states).filter((s) => s.status === 'running');
        const promote = going.length > 0 && going.every((s) => s.awaitingPromote !== undefined) ? going : [];
        if (promote.length > 0) {
          const step = Math.min(...promote.map((s) => s.awaitingPromote!));
          // Rollback alarms are read while the step waits (each call's hold checks them), so such a stage polls.
          const watch = clusters.some((c) => c.options.rollbackAlarms.length > 0) ? { watchSeconds: outcome.waitSeconds } : {};
          return awaitPromote(ctx.state, { step, weight: promote.find((s) => s.awaitingPromote === step)!.weight ?? 0 }, { outputs: out, ...watch });
        }
        return { status: 'RUNNING', waitSeconds: outcome.waitSeconds, outputs: out };
      }
      const errors = unitErrors(outcome.states);
      if (errors.length > 0) return { status: 'FAILED', error: errors.join('; '), outputs: out };
      return { status: 'SUCCEEDED', outputs: out };
    },
  };
}
