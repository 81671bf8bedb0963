/**
 * A deploy stage's `clusters[]` (or the older single `cluster`) as Deck exports them, read into what
 * the deploy needs per cluster. Pure; problems are StageConfigErrors naming the field.
 */
import { capacityProblems as checkCapacityFields, deployProblems } from '../../../../state-machines/stage-types/cloud.js';
import { readRollbackAlarms, readTrafficSteps, type TrafficStep } from '../../../../state-machines/stage-types/traffic-steps.js';
import type { Capacity } from '../../../core/cloud/index.js';
import { StageConfigError } from '../../../core/stage-api.js';
import { readEcsSettings, type EcsSettings } from './ecs-config.js';
import { DEFAULT_UP_TIMEOUT_SECONDS, UP_TIMEOUT_FIELD } from '../waiting.js';
import { accountOf, clusterOf, flag, isObject, optionalString, regionsOf, stringList, throwProblems, wholeNumber } from '../fields.js';
import { textOf } from '../../../../state-machines/model/problems.js';

export type Strategy = 'none' | 'redblack' | 'highlander' | 'rollingredblack' | 'progressive';

export interface StrategyOptions {
  readonly maxRemainingAsgs?: number;
  readonly scaleDown: boolean;
  readonly delayBeforeDisableSec: number;
  readonly delayBeforeScaleDownSec: number;
  readonly rollbackOnFailure: boolean;
  /** rollback.destroyOnFailure: a rolled-back new group is destroyed instead of kept at 0. */
  readonly destroyOnFailure: boolean;
  /** CloudWatch alarms (in the cluster's account and region) that roll the deploy back when in ALARM. */
  readonly rollbackAlarms: readonly string[];
  /** progressive: the new group's share of the traffic at each step (the last 100), with pauses and analyses. */
  readonly trafficSteps: readonly TrafficStep[];
  /** progressive: seconds to hold all traffic on the new group, gates checked, before the old one is disabled. */
  readonly bakeTimeSec: number;
  /** rollingredblack: the new group's size at each step, in percent of the target capacity. */
  readonly targetPercentages: readonly number[];
  /** Percent of the desired instances that must be up for the group to count as up. */
  readonly targetHealthyDeployPercentage: number;
  /** How long instances may take to come up before the deploy fails. */
  readonly waitForUpTimeoutSeconds: number;
}

/** What the new server group is launched with (the driver's create spec, less image and capacity). */
interface LaunchSettings {
  readonly instanceType?: string;
  readonly keyPair?: string;
  readonly iamInstanceProfile?: string;
  readonly securityGroups?: readonly string[];
  readonly targetGroups: readonly string[];
  readonly healthCheckType?: 'EC2' | 'ELB';
  readonly healthCheckGracePeriod?: number;
  readonly suspendedProcesses?: readonly string[];
  readonly tags?: Readonly<Record<string, string>>;
  readonly subnetType?: string;
  readonly subnetIds?: readonly string[];
  readonly vpcId?: string;
  /** Deck's availabilityZones: region → zones (used when no subnets are given). */
  readonly availabilityZones: Readonly<Record<string, readonly string[]>>;
  readonly ebsOptimized?: boolean;
  readonly detailedMonitoring?: boolean;
  readonly requireImdsV2?: boolean;
  /** Base64, as Deck sends it. */
  readonly userData?: string;
}

export interface DeployCluster {
  readonly index: number;
  /** Where server groups run: EC2 Auto Scaling groups (aws) or ECS services (ecs). */
  readonly provider: 'aws' | 'ecs';
  /** ECS only: the service and task definition settings. */
  readonly ecs?: EcsSettings;
  readonly account: string;
  readonly application: string;
  readonly stack?: string;
  readonly detail?: string;
  readonly cluster: string;
  readonly regions: readonly string[];
  readonly strategy: Strategy;
  readonly options: StrategyOptions;
  /** Absent only when the source's capacity is used. */
  readonly capacity?: Capacity;
  readonly useSourceCapacity: boolean;
  /** Deck's `source.asgName`: the group whose capacity useSourceCapacity copies. */
  readonly sourceServerGroup?: string;
  readonly launch: LaunchSettings;
  /** The cluster entry itself, for explicit image fields. */
  readonly raw: Readonly<Record<string, unknown>>;
}

function capacityOf(raw: unknown, prefix: string): Capacity | undefined {
  if (raw === undefined || raw === null) return undefined;
  throwProblems(checkCapacityFields(raw, prefix));
  const c = raw as Record<string, unknown>;
  return { min: Number(c.min), max: Number(c.max), desired: Number(c.desired) };
}

function tagsOf(raw: unknown, prefix: string): Record<string, string> | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw)) throw new StageConfigError(`${prefix}tags: must be an object`);
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)]));
}

function zonesOf(raw: unknown): Record<string, string[]> {
  if (!isObject(raw)) return {};
  return Object.fromEntries(Object.entries(raw).map(([region, zones]) => [region, Array.isArray(zones) ? zones.map(String) : []]));
}

function percentagesOf(raw: unknown, prefix: string): number[] {
  if (raw === undefined || raw === null) return [50, 100];
  if (!Array.isArray(raw) || raw.length === 0) throw new StageConfigError(`${prefix}targetPercentages: must be a non-empty list`);
  const list = raw.map(Number);
  if (list.some((n) => !Number.isFinite(n) || n <= 0 || n > 100)) throw new StageConfigError(`${prefix}targetPercentages: each must be from 1 to 100`);
  // The last step always reaches the full size.
  return list[list.length - 1] === 100 ? list : [...list, 100];
}

function strategyOf(raw: unknown, prefix: string): Strategy {
  if (raw === undefined || raw === null || raw === '' || raw === 'none') return 'none';
  if (raw === 'redblack' || raw === 'highlander' || raw === 'rollingredblack' || raw === 'progressive') return raw;
  throw new StageConfigError(`${prefix}strategy: '${textOf(raw)}' is not one of none, redblack, highlander, rollingredblack, progressive`);
}

function readCluster(
  entry: Record<string, unknown>,
  index: number,
  stage: Readonly<Record<string, unknown>>,
  application: string,
  prefix: string,
): DeployCluster {
  const field = (name: string) => wholeNumber(entry, name);
  const account = accountOf({ ...stage, ...entry });
  const app = optionalString(entry, 'application') ?? application;
  const stack = optionalString(entry, 'stack');
  const detail = optionalString(entry, 'freeFormDetails', 'detail');
  const cluster = clusterOf({
    application: app,
    ...(stack ? { stack } : {}),
    ...(detail ? { freeFormDetails: detail } : {}),
    ...(isObject(entry.moniker) ? { moniker: entry.moniker } : {}),
  });
  const strategy = strategyOf(entry.strategy, prefix);
  const rollback = isObject(entry.rollback) ? entry.rollback : {};
  const source = isObject(entry.source) ? entry.source : undefined;
  const capacity = capacityOf(entry.capacity, prefix);
  const useSourceCapacity = flag(entry, 'useSourceCapacity', false) || flag(entry, 'preferSourceCapacity', false);
  if (!capacity && !useSourceCapacity) throw new StageConfigError(`${prefix}capacity: required ({min, max, desired}) unless useSourceCapacity`);
  const healthCheckType = optionalString(entry, 'healthCheckType');
  if (healthCheckType !== undefined && healthCheckType !== 'EC2' && healthCheckType !== 'ELB') {
    throw new StageConfigError(`${prefix}healthCheckType: must be EC2 or ELB`);
  }
  const alarms = readRollbackAlarms(entry.rollbackAlarms, `${prefix}rollbackAlarms`);
  throwProblems(alarms.problems);
  const traffic = readTrafficSteps(entry.trafficSteps, `${prefix}trafficSteps`);
  throwProblems(traffic.problems);
  if (strategy === 'progressive' && traffic.steps.length === 0) throw new StageConfigError(`${prefix}trafficSteps: required with strategy progressive`);
  const percentage = field('targetHealthyDeployPercentage') ?? 100;
  if (percentage > 100) throw new StageConfigError(`${prefix}targetHealthyDeployPercentage: must be at most 100`);
  const suspended = stringList(entry, 'suspendedProcesses');
  const securityGroups = stringList(entry, 'securityGroups');
  const subnetIds = stringList(entry, 'subnetIds');
  const targetGroups = [...new Set([...(stringList(entry, 'targetGroups') ?? []), ...(stringList(entry, 'loadBalancers') ?? [])])];
  const tags = tagsOf(entry.tags, prefix);
  const userData = optionalString(entry, 'base64UserData', 'userData');
  const providerName = optionalString(entry, 'cloudProvider', 'provider') ?? optionalString(stage, 'cloudProvider', 'provider') ?? 'aws';
  const provider = providerName === 'ecs' ? 'ecs' : 'aws';
  const regions = regionsOf(entry.availabilityZones !== undefined || entry.regions !== undefined || entry.region !== undefined ? entry : stage);
  const optional = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));
  return {
    index,
    provider,
    ...(provider === 'ecs' ? { ecs: readEcsSettings(entry, prefix) } : {}),
    account,
    application: app,
    ...(stack ? { stack } : {}),
    ...(detail ? { detail } : {}),
    cluster,
    regions,
    strategy,
    options: {
      ...optional('maxRemainingAsgs', field('maxRemainingAsgs') || undefined),
      scaleDown: flag(entry, 'scaleDown', false),
      delayBeforeDisableSec: field('delayBeforeDisableSec') ?? 0,
      delayBeforeScaleDownSec: field('delayBeforeScaleDownSec') ?? 0,
      // Rolling red/black has changed the old group's capacity, a progressive deploy its listener rules: both always roll back.
      rollbackOnFailure: strategy === 'rollingredblack' || strategy === 'progressive' || flag(rollback, 'onFailure', false),
      destroyOnFailure: flag(rollback, 'destroyOnFailure', false),
      rollbackAlarms: alarms.alarms,
      trafficSteps: strategy === 'progressive' ? traffic.steps : [],
      bakeTimeSec: field('bakeTimeSec') ?? 0,
      targetPercentages: strategy === 'rollingredblack' ? percentagesOf(entry.targetPercentages, prefix) : [100],
      targetHealthyDeployPercentage: percentage,
      waitForUpTimeoutSeconds: field(UP_TIMEOUT_FIELD) ?? wholeNumber(stage, UP_TIMEOUT_FIELD) ?? DEFAULT_UP_TIMEOUT_SECONDS,
    },
    ...optional('capacity', capacity),
    useSourceCapacity,
    ...optional('sourceServerGroup', source && typeof source.asgName === 'string' ? source.asgName : undefined),
    launch: {
      ...optional('instanceType', optionalString(entry, 'instanceType')),
      ...optional('keyPair', optionalString(entry, 'keyPair')),
      ...optional('iamInstanceProfile', optionalString(entry, 'iamRole', 'iamInstanceProfile')),
      ...optional('securityGroups', securityGroups),
      targetGroups,
      ...optional('healthCheckType', healthCheckType),
      ...optional('healthCheckGracePeriod', field('healthCheckGracePeriod')),
      ...optional('suspendedProcesses', suspended),
      ...optional('tags', tags && Object.keys(tags).length > 0 ? tags : undefined),
      ...optional('subnetType', optionalString(entry, 'subnetType')),
      ...optional('subnetIds', subnetIds),
      ...optional('vpcId', optionalString(entry, 'vpcId')),
      availabilityZones: zonesOf(entry.availabilityZones),
      ...optional('ebsOptimized', entry.ebsOptimized === undefined ? undefined : flag(entry, 'ebsOptimized', false)),
      ...optional('detailedMonitoring', entry.instanceMonitoring === undefined ? undefined : flag(entry, 'instanceMonitoring', false)),
      ...optional('requireImdsV2', entry.requireIMDSv2 === undefined ? undefined : flag(entry, 'requireIMDSv2', false)),
      ...optional('userData', userData),
    },
    raw: entry,
  };
}

/** Every cluster entry of a deploy stage, checked. */
export function readDeployConfig(config: Readonly<Record<string, unknown>>, application: string): DeployCluster[] {
  throwProblems(deployProblems(config));
  if (Array.isArray(config.clusters)) {
    return config.clusters.map((c, i) => {
      if (!isObject(c)) throw new StageConfigError(`clusters[${i}]: must be an object`);
      return readCluster(c, i, config, application, `clusters[${i}].`);
    });
  }
  if (!isObject(config.cluster)) throw new StageConfigError('cluster: must be an object');
  return [readCluster(config.cluster, 0, config, application, 'cluster.')];
}
