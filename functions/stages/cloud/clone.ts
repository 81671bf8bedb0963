/**
 * `cloneServerGroup`: a new group copied from a source (Deck's `source: {account, region, asgName}`,
 * or `targetCluster` + `target`), with the stage's changes on top (capacity, instance type, image,
 * target groups, ...), in the source's cluster unless application / stack / freeFormDetails say
 * otherwise. The source is resolved and saved first; the clone is found again by its deploy key.
 */
import { cloneProblems } from '../../../state-machines/stage-types/cloud.js';
import { parseServerGroupName, type Capacity, type CloneServerGroupSpec, type CloudDriver } from '../../core/cloud/index.js';
import { stageContainerImage } from './deploy/ecs-config.js';
import { providerTarget } from './providers.js';
import type { ClusterKey } from '../../core/cluster-lock.js';
import { StageConfigError, type StageRunContext, stageRunKey, type TaskResult } from '../../core/stage-api.js';
import type { CloudEnv } from './deps.js';
import { NoTargetError } from './errors.js';
import { accountOf, clusterOf, isObject, optionalString, regionsOf, stringList, wholeNumber } from './fields.js';
import { explicitImage, resolveImage } from './images.js';
import type { LockedStage } from './locking.js';
import { clusterRefs } from './summary.js';
import { pickTarget, targetKind } from './targets.js';
import { runUnits, unitErrors, unitStates, type Unit, type UnitState } from './units.js';
import { healthyCount, waitForUp } from './up.js';
import { clearWait, DEFAULT_UP_TIMEOUT_SECONDS, timeoutSeconds, UP_TIMEOUT_FIELD, type WaitFields } from './waiting.js';
import { textOf } from '../../../state-machines/model/problems.js';

interface CloneState extends UnitState, WaitFields {
  readonly phase: 'resolve' | 'clone' | 'wait';
  readonly source?: string;
  readonly imageId?: string;
  readonly serverGroup?: string;
  readonly desired?: number;
}

interface CloneWhere {
  readonly account: string;
  readonly region: string;
  /** The source's cluster (where the source is looked up). */
  readonly sourceCluster: string;
  readonly sourceName?: string;
  /** The clone's cluster. */
  readonly cluster: string;
  readonly app: string;
  readonly stack?: string;
  readonly detail?: string;
}

function whereOf(ctx: StageRunContext, env: CloudEnv): CloneWhere {
  const config = ctx.stage.config;
  const source = isObject(config.source) ? config.source : {};
  const sourceName = optionalString(source, 'asgName', 'serverGroupName');
  const account = optionalString(source, 'account', 'credentials') ?? accountOf(config);
  const region = optionalString(source, 'region') ?? regionsOf(config, env.defaultRegion())[0]!;
  let sourceCluster: string;
  try {
    sourceCluster = sourceName ? parseServerGroupName(sourceName).cluster : clusterOf({ cluster: config.targetCluster ?? config.cluster }, ctx.application);
  } catch (error) {
    throw new StageConfigError(`source.asgName: ${(error as Error).message}`);
  }
  const parsed = parseServerGroupName(`${sourceCluster}-v000`);
  const app = optionalString(config, 'application') ?? parsed.app;
  const stack = config.stack !== undefined ? optionalString(config, 'stack') : parsed.stack;
  const detail = config.freeFormDetails !== undefined ? optionalString(config, 'freeFormDetails') : parsed.detail;
  const cluster = clusterOf({ application: app, ...(stack ? { stack } : {}), ...(detail ? { freeFormDetails: detail } : {}) });
  // The clone is made next to its source; copying across accounts would need the image shared first.
  const destination = optionalString(config, 'credentials', 'account');
  if (destination && destination !== account) {
    throw new StageConfigError(`credentials: cloning into another account (${destination}; the source is in ${account}) is not supported`);
  }
  return { account, region, sourceCluster, ...(sourceName ? { sourceName } : {}), cluster, app, ...(stack ? { stack } : {}), ...(detail ? { detail } : {}) };
}

function overrides(config: Readonly<Record<string, unknown>>): Partial<CloneServerGroupSpec> {
  const capacity = isObject(config.capacity)
    ? (Object.fromEntries(
        (['min', 'max', 'desired'] as const).flatMap((f) => {
          const v = wholeNumber(config.capacity as Record<string, unknown>, f);
          return v === undefined ? [] : [[f, v]];
        }),
      ) as Partial<Capacity>)
    : undefined;
  const targetGroups = [...(stringList(config, 'targetGroups') ?? []), ...(stringList(config, 'loadBalancers') ?? [])];
  const tags = isObject(config.tags) ? Object.fromEntries(Object.entries(config.tags).map(([k, v]) => [k, String(v)])) : undefined;
  const instanceType = optionalString(config, 'instanceType');
  const keyPair = optionalString(config, 'keyPair');
  const iam = optionalString(config, 'iamRole', 'iamInstanceProfile');
  const securityGroups = stringList(config, 'securityGroups');
  const suspended = stringList(config, 'suspendedProcesses');
  const healthCheckType = optionalString(config, 'healthCheckType');
  const grace = wholeNumber(config, 'healthCheckGracePeriod');
  return {
    ...(capacity && Object.keys(capacity).length > 0 ? { capacity } : {}),
    ...(instanceType ? { instanceType } : {}),
    ...(keyPair ? { keyPair } : {}),
    ...(iam ? { iamInstanceProfile: iam } : {}),
    ...(securityGroups ? { securityGroups } : {}),
    ...(targetGroups.length > 0 ? { targetGroups } : {}),
    ...(suspended ? { suspendedProcesses: suspended } : {}),
    ...(healthCheckType === 'EC2' || healthCheckType === 'ELB' ? { healthCheckType } : {}),
    ...(grace !== undefined ? { healthCheckGracePeriod: grace } : {}),
    ...(tags && Object.keys(tags).length > 0 ? { tags } : {}),
  };
}

function ecsOverrides({ capacity, tags }: Partial<CloneServerGroupSpec>): Partial<CloneServerGroupSpec> {
  return { ...(capacity ? { capacity } : {}), ...(tags ? { tags } : {}) };
}

/** The AMI a clone on EC2 is given (imageId / amiName), checked to exist. */
async function amiOf(driver: CloudDriver, config: Readonly<Record<string, unknown>>, region: string): Promise<string | undefined> {
  const ref = explicitImage(config, region);
  return ref ? (await resolveImage(driver, ref)).imageId : undefined;
}

const CLONE_UNITS = unitStates<CloneState>();

function cloneUnit(ctx: StageRunContext, env: CloudEnv, w: CloneWhere): Unit<CloneState> {
  const config = ctx.stage.config;
  return {
    key: `${w.cluster}/${w.region}`,
    initial: () => ({ status: 'running', phase: 'resolve' }),
    async step(state) {
      const target = await providerTarget(env, w.account, w.region, config, w.sourceCluster);
      const driver = target.provider;
      const ecs = driver.kind === 'ecs';
      if (state.phase === 'resolve') {
        const view = await driver.describeCluster(w.sourceCluster, { launchTemplates: false, targetHealth: false });
        const source = w.sourceName
          ? view.serverGroups.find((g) => g.name === w.sourceName)
          : pickTarget(view.serverGroups, targetKind(config.target ?? 'current_asg_dynamic'));
        if (!source)
          throw new NoTargetError(
            `no server group to clone: ${w.sourceName ?? textOf(config.target ?? 'current_asg_dynamic')} in cluster ${w.sourceCluster} (${w.account}/${w.region})`,
          );
        const imageId = ecs ? stageContainerImage(config, ctx.evaluation.execution.trigger) : await amiOf(target.driver, config, w.region);
        return { state: { ...state, phase: 'clone', source: source.name, ...(imageId ? { imageId } : {}) } };
      }
      if (state.phase === 'clone') {
        const spec: CloneServerGroupSpec = {
          source: state.source!,
          application: w.app,
          ...(w.stack ? { stack: w.stack } : {}),
          ...(w.detail ? { detail: w.detail } : {}),
          // ECS clones take capacity and tags; the EC2 launch settings are refused for them by validation.
          ...(ecs ? ecsOverrides(overrides(config)) : overrides(config)),
          ...(state.imageId ? { imageId: state.imageId } : {}),
          enabled: true,
          metadata: { executionId: ctx.executionId, deployKey: `${stageRunKey(ctx)}:${w.region}`, replaces: state.source! },
        };
        const clone = await driver.cloneServerGroup(spec);
        const view = await driver.describeServerGroup(clone.serverGroup, { launchTemplates: false, targetHealth: false });
        return { state: { ...state, phase: 'wait', serverGroup: clone.serverGroup, desired: view?.capacity.desired ?? 0 } };
      }
      return waitForUp(
        { driver, now: ctx.clock.now(), timeoutSeconds: timeoutSeconds(config, UP_TIMEOUT_FIELD, DEFAULT_UP_TIMEOUT_SECONDS) },
        state,
        state.serverGroup!,
        healthyCount(state.desired ?? 0, wholeNumber(config, 'targetHealthyDeployPercentage') ?? 100),
        (s) => ({ ...clearWait(s), status: 'succeeded' }),
      );
    },
  };
}

export function cloneStage(env: CloudEnv): LockedStage {
  return {
    type: 'cloneServerGroup',
    validate: cloneProblems,
    locks: (ctx): ClusterKey[] => {
      const w = whereOf(ctx, env);
      return [{ account: w.account, region: w.region, cluster: w.cluster }];
    },
    async run(ctx): Promise<TaskResult> {
      const w = whereOf(ctx, env);
      const outcome = await runUnits(ctx, [cloneUnit(ctx, env, w)], CLONE_UNITS);
      const state = outcome.states[`${w.cluster}/${w.region}`];
      const outputs = {
        ...(state?.serverGroup ? { 'deploy.server.groups': { [w.region]: [state.serverGroup] }, 'deploy.account.name': w.account } : {}),
        serverGroups: state?.serverGroup ? [{ account: w.account, region: w.region, cluster: w.cluster, serverGroup: state.serverGroup }] : [],
        ...clusterRefs([{ account: w.account, region: w.region, cluster: w.cluster }]),
      };
      if (outcome.waitSeconds !== undefined) return { status: 'RUNNING', waitSeconds: outcome.waitSeconds, outputs };
      const errors = unitErrors(outcome.states);
      if (errors.length > 0) return { status: 'FAILED', error: errors.join('; '), outputs };
      return { status: 'SUCCEEDED', outputs };
    },
  };
}
