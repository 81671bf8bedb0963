/**
 * The shape shared by stages that act on one server group per region (enable, disable, resize,
 * destroy): resolve the group (named, or Spinnaker's `target` in a cluster) and fix what to do,
 * check traffic guards, act, then wait for the result. The resolved group is saved before anything
 * changes, so a re-run acts on the same group even when the target would now pick another.
 */
import { serverGroupTargetProblems } from '../../../../state-machines/stage-types/cloud.js';
import { parseServerGroupName, ResourceNotFoundError, type Capacity, type ServerGroupProvider, type ServerGroupSummary } from '../../../core/cloud/index.js';
import type { ClusterKey } from '../../../core/cluster-lock.js';
import { StageConfigError, type StageRunContext, stageFields, type TaskResult } from '../../../core/stage-api.js';
import type { GroupChange } from '../../../core/traffic-guards.js';
import type { CloudEnv } from '../deps.js';
import { NoTargetError } from '../errors.js';
import { accountOf, clusterOf, regionsOf, serverGroupNameOf } from '../fields.js';
import { checkGuards } from '../guards.js';
import type { LockedStage } from '../locking.js';
import { clusterRefs } from '../summary.js';
import { pickTarget, targetKind } from '../targets.js';
import { providerTarget } from '../providers.js';
import { runUnits, unitErrors, unitStates, type StepResult, type Unit, type UnitState } from '../units.js';
import type { UpWait } from '../up.js';
import { timeoutSeconds as configured, UP_TIMEOUT_FIELD, type WaitFields } from '../waiting.js';

interface OperationState extends UnitState, WaitFields {
  readonly phase: 'resolve' | 'act' | 'wait';
  readonly serverGroup?: string;
  readonly enabled?: boolean;
  /** The capacity before (and, for resize, the one to set). */
  readonly before?: Capacity;
  readonly capacity?: Capacity;
}

const OPERATION_UNITS = unitStates<OperationState>();

type OperationDone = 'enabled' | 'disabled' | 'resized' | 'destroyed';
/** What a finished operation keeps in its context: the groups it acted on (`disabledServerGroups`, ...). */
type OperationFields = { readonly [D in OperationDone as `${D}ServerGroups`]: readonly string[] };
const OPERATION = stageFields<OperationFields>();

export interface ServerGroupOperation {
  readonly type: string;
  /** Past tense for messages ("disabled"), and the name of the context field listing the groups. */
  readonly done: OperationDone;
  check?(config: Readonly<Record<string, unknown>>): string[];
  /** What to do, fixed from the group as it is now (e.g. the capacity to set). Pure. */
  plan?(config: Readonly<Record<string, unknown>>, group: ServerGroupSummary): Partial<OperationState>;
  /** What the operation does to traffic (for traffic guards); none for operations that add capacity. */
  change?(state: OperationState): GroupChange | undefined;
  act(provider: ServerGroupProvider, state: OperationState): Promise<unknown>;
  /** Waits for the outcome after acting; absent = done once acted. */
  wait?(w: UpWait<ServerGroupProvider>, state: OperationState, config: Readonly<Record<string, unknown>>): Promise<StepResult<OperationState>>;
}

/** Seconds an operation waits for its outcome. */
const OPERATION_TIMEOUT_SECONDS = 30 * 60;

interface Location {
  readonly account: string;
  readonly region: string;
  readonly cluster: string;
  readonly serverGroup?: string;
}

function locations(ctx: StageRunContext, env: CloudEnv): Location[] {
  const config = ctx.stage.config;
  const named = serverGroupNameOf(config);
  let cluster: string;
  if (named) {
    try {
      cluster = parseServerGroupName(named).cluster;
    } catch (error) {
      throw new StageConfigError(`serverGroupName: ${(error as Error).message}`);
    }
  } else cluster = clusterOf(config, ctx.application);
  const account = accountOf(config);
  return regionsOf(config, env.defaultRegion()).map((region) => ({ account, region, cluster, ...(named ? { serverGroup: named } : {}) }));
}

function operationUnit(ctx: StageRunContext, env: CloudEnv, op: ServerGroupOperation, where: Location): Unit<OperationState> {
  const config = ctx.stage.config;
  const timeoutSeconds = configured(config, UP_TIMEOUT_FIELD, OPERATION_TIMEOUT_SECONDS);
  return {
    key: `${where.cluster}/${where.region}`,
    initial: () => ({ status: 'running', phase: 'resolve' }),
    async step(state) {
      const { provider: driver } = await providerTarget(env, where.account, where.region, config, where.cluster);
      if (state.phase === 'resolve') {
        const view = await driver.describeCluster(where.cluster, { launchTemplates: false });
        const group = where.serverGroup
          ? view.serverGroups.find((g) => g.name === where.serverGroup)
          : pickTarget(view.serverGroups, targetKind(config.target));
        if (!group) {
          if (where.serverGroup)
            throw new ResourceNotFoundError(
              'server group',
              where.serverGroup,
              `server group ${where.serverGroup} not found in ${where.account}/${where.region}`,
            );
          throw new NoTargetError(`target ${String(config.target)} names no server group in cluster ${where.cluster} (${where.account}/${where.region})`);
        }
        const planned: OperationState = {
          ...state,
          phase: 'act',
          serverGroup: group.name,
          enabled: group.enabled,
          before: group.capacity,
          ...op.plan?.(config, group),
        };
        const change = op.change?.(planned);
        if (change) await checkGuards(env, ctx, where, view, [change], `${op.type} ${group.name}`);
        return { state: planned };
      }
      if (state.phase === 'act') {
        await op.act(driver, state);
        return { state: { ...state, ...(op.wait ? { phase: 'wait' as const } : { status: 'succeeded' as const }) } };
      }
      return op.wait!({ driver, now: ctx.clock.now(), timeoutSeconds }, state, config);
    },
  };
}

export function serverGroupStage(op: ServerGroupOperation, env: CloudEnv): LockedStage {
  return {
    type: op.type,
    validate: (config) => [...new Set([...serverGroupTargetProblems(config), ...(op.check?.(config) ?? [])])],
    locks: (ctx): ClusterKey[] => locations(ctx, env).map(({ account, region, cluster }) => ({ account, region, cluster })),
    async run(ctx): Promise<TaskResult> {
      const where = locations(ctx, env);
      const outcome = await runUnits(
        ctx,
        where.map((w) => operationUnit(ctx, env, op, w)),
        OPERATION_UNITS,
      );
      const serverGroups = where.flatMap((w) => {
        const name = outcome.states[`${w.cluster}/${w.region}`]?.serverGroup;
        return name ? [{ account: w.account, region: w.region, cluster: w.cluster, serverGroup: name }] : [];
      });
      const outputs = { serverGroups, ...clusterRefs(where) };
      if (outcome.waitSeconds !== undefined) return { status: 'RUNNING', waitSeconds: outcome.waitSeconds, outputs };
      const errors = unitErrors(outcome.states);
      if (errors.length > 0) return { status: 'FAILED', error: errors.join('; '), outputs };
      return { status: 'SUCCEEDED', outputs, context: OPERATION.save({ [`${op.done}ServerGroups` as const]: serverGroups.map((g) => g.serverGroup) }) };
    },
  };
}
