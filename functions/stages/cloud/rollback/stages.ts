/**
 * `rollbackCluster` (back to the previous server group, or the previous image) and
 * `rollbackServerGroup` (Spinnaker's explicit rollback: rollbackContext names both groups; or
 * PREVIOUS_IMAGE with an image). One unit per region: plan, saved, then the steps of steps.ts.
 */
import { clusterProblems, rollbackServerGroupProblems } from '../../../../state-machines/stage-types/cloud.js';
import { parseServerGroupName, ResourceNotFoundError } from '../../../core/cloud/index.js';
import type { ClusterKey } from '../../../core/cluster-lock.js';
import { StageConfigError, type StageRunContext, stageRunKey, type TaskResult } from '../../../core/stage-api.js';
import type { CloudEnv } from '../deps.js';
import { accountOf, clusterOf, isObject, optionalString, regionsOf, wholeNumber } from '../fields.js';
import type { LockedStage } from '../locking.js';
import { clusterRefs } from '../summary.js';
import { runUnits, unitErrors, unitStates, type Unit } from '../units.js';
import { DEFAULT_UP_TIMEOUT_SECONDS, timeoutSeconds, UP_TIMEOUT_FIELD } from '../waiting.js';
import { resolveImage } from '../images.js';
import { snapshotOf } from '../deploy/state.js';
import { clusterRollbackPlan, explicitPlan, type RollbackPlan } from './plan.js';
import { restoredGroup, runRollbackStep, stepsOf, type RollbackState } from './steps.js';
import { providerTarget, type ProviderTarget } from '../providers.js';

const ROLLBACK_UNITS = unitStates<RollbackState>();

type Planner = (target: ProviderTarget, key: ClusterKey) => Promise<RollbackPlan>;

function rollbackUnit(ctx: StageRunContext, env: CloudEnv, key: ClusterKey, planner: Planner): Unit<RollbackState> {
  const config = ctx.stage.config;
  const healthyPercent =
    wholeNumber(config, 'targetHealthyRollbackPercentage') ??
    wholeNumber(isObject(config.rollbackContext) ? config.rollbackContext : {}, 'targetHealthyRollbackPercentage') ??
    100;
  return {
    key: `${key.cluster}/${key.region}`,
    initial: () => ({ status: 'running', step: 0 }),
    async step(state) {
      const target = await providerTarget(env, key.account, key.region, config, key.cluster);
      if (!state.plan) return { state: { ...state, plan: await planner(target, key) } };
      const kind = stepsOf(state.plan)[state.step];
      if (!kind) return { state: { ...state, status: 'succeeded' } };
      return runRollbackStep(
        kind,
        {
          ctx,
          env,
          ...key,
          target,
          healthyPercent,
          timeoutSeconds: timeoutSeconds(config, UP_TIMEOUT_FIELD, DEFAULT_UP_TIMEOUT_SECONDS),
          deployKey: `${stageRunKey(ctx)}:${key.region}`,
        },
        state,
      );
    },
  };
}

function result(keys: readonly ClusterKey[], outcome: Awaited<ReturnType<typeof runUnits<RollbackState>>>): TaskResult {
  const restored = keys.flatMap((k) => {
    const state = outcome.states[`${k.cluster}/${k.region}`];
    const group = state && restoredGroup(state);
    return group && state.plan ? [{ account: k.account, region: k.region, cluster: k.cluster, serverGroup: group, rolledBack: state.plan.rollback.name }] : [];
  });
  const outputs = { rollbacks: restored, ...clusterRefs(keys) };
  if (outcome.waitSeconds !== undefined) return { status: 'RUNNING', waitSeconds: outcome.waitSeconds, outputs };
  const errors = unitErrors(outcome.states);
  if (errors.length > 0) return { status: 'FAILED', error: errors.join('; '), outputs };
  return { status: 'SUCCEEDED', outputs };
}

function locked(
  type: string,
  env: CloudEnv,
  check: (c: Readonly<Record<string, unknown>>) => string[],
  keysOf: (ctx: StageRunContext) => ClusterKey[],
  planner: (ctx: StageRunContext) => Planner,
): LockedStage {
  return {
    type,
    validate: check,
    locks: keysOf,
    async run(ctx) {
      const keys = keysOf(ctx);
      const plan = planner(ctx);
      return result(
        keys,
        await runUnits(
          ctx,
          keys.map((k) => rollbackUnit(ctx, env, k, plan)),
          ROLLBACK_UNITS,
        ),
      );
    },
  };
}

export function rollbackClusterStage(env: CloudEnv): LockedStage {
  const keysOf = (ctx: StageRunContext): ClusterKey[] => {
    const cluster = clusterOf(ctx.stage.config, ctx.application);
    const account = accountOf(ctx.stage.config);
    return regionsOf(ctx.stage.config, env.defaultRegion()).map((region) => ({ account, region, cluster }));
  };
  return locked('rollbackCluster', env, clusterProblems, keysOf, () => async ({ provider }, key) => {
    const view = await provider.describeCluster(key.cluster, { launchTemplates: false, targetHealth: false });
    return clusterRollbackPlan(view.serverGroups, key.cluster, key.region);
  });
}

export function rollbackServerGroupStage(env: CloudEnv): LockedStage {
  const names = (ctx: StageRunContext) => {
    const context = isObject(ctx.stage.config.rollbackContext) ? ctx.stage.config.rollbackContext : {};
    const rollback = optionalString(context, 'rollbackServerGroupName');
    if (!rollback) throw new StageConfigError('rollbackContext.rollbackServerGroupName: required');
    return { context, rollback, restore: optionalString(context, 'restoreServerGroupName') };
  };
  const keysOf = (ctx: StageRunContext): ClusterKey[] => {
    const { rollback } = names(ctx);
    let cluster: string;
    try {
      cluster = parseServerGroupName(rollback).cluster;
    } catch (error) {
      throw new StageConfigError(`rollbackContext.rollbackServerGroupName: ${(error as Error).message}`);
    }
    const account = accountOf(ctx.stage.config);
    return regionsOf(ctx.stage.config, env.defaultRegion()).map((region) => ({ account, region, cluster }));
  };
  return locked('rollbackServerGroup', env, rollbackServerGroupProblems, keysOf, (ctx) => async ({ provider, driver }, key) => {
    const { context, rollback, restore } = names(ctx);
    const view = await provider.describeCluster(key.cluster, { launchTemplates: false, targetHealth: false });
    const find = (name: string) => {
      const group = view.serverGroups.find((g) => g.name === name && !g.status);
      if (!group) throw new ResourceNotFoundError('server group', name, `server group ${name} not found in ${key.account}/${key.region}`);
      return group;
    };
    const from = find(rollback);
    if ((ctx.stage.config.rollbackType ?? 'EXPLICIT') === 'PREVIOUS_IMAGE') {
      // An ECS service's image is a container image reference: nothing to look up.
      const containerImage = optionalString(context, 'imageId');
      if (provider.kind === 'ecs') {
        if (!containerImage) throw new StageConfigError('rollbackContext.imageId: required for PREVIOUS_IMAGE on ECS (the container image)');
        return { mode: 'image', rollback: snapshotOf(from), imageId: containerImage };
      }
      const image = await resolveImage(driver, {
        ...(optionalString(context, 'imageId') ? { imageId: optionalString(context, 'imageId')! } : {}),
        ...(optionalString(context, 'imageName') ? { imageName: optionalString(context, 'imageName')! } : {}),
        from: 'rollbackContext',
      });
      return { mode: 'image', rollback: snapshotOf(from), imageId: image.imageId };
    }
    return explicitPlan(from, find(restore!));
  });
}
