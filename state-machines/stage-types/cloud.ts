/**
 * Cloud stage types: server groups, clusters and images on AWS (functions/stages/cloud). Each takes
 * Deck's fields as Spinnaker exports them. The checks here run on the raw config, before `${...}`
 * is evaluated, so a value holding an expression is left for the stage to check when it runs; the
 * stages run the same checks again on the evaluated config.
 */
import { CLUSTER_FIELDS, field, LOCATION_FIELDS, SERVER_GROUP_FIELDS, type StageField } from './fields.js';
import { registerStageType, type StageReads, type StageTypeInfo } from './registry.js';
import { mayWaitForPromote, trafficProblems } from './traffic-steps.js';

type Raw = Readonly<Record<string, unknown>>;

const HOUR_MS = 60 * 60 * 1000;

/** Spinnaker's dynamic targets; the static ones are read as their dynamic twins. */
const SERVER_GROUP_TARGETS = [
  'current_asg_dynamic',
  'ancestor_asg_dynamic',
  'oldest_asg_dynamic',
  'largest_asg_dynamic',
  'current_asg',
  'ancestor_asg',
  'oldest_asg',
  'largest_asg',
] as const;
const DEPLOY_STRATEGIES = ['', 'none', 'redblack', 'highlander', 'rollingredblack', 'progressive'] as const;
const IMAGE_SELECTION_STRATEGIES = ['NEWEST', 'OLDEST', 'LARGEST', 'FAIL'] as const;
const RESIZE_ACTIONS = ['scale_exact', 'scale_up', 'scale_down'] as const;
const ROLLBACK_TYPES = ['EXPLICIT', 'PREVIOUS_IMAGE'] as const;
const CLOUD_PROVIDER = 'aws';

const isExpression = (v: unknown): boolean => typeof v === 'string' && v.includes('${');
const literal = (v: unknown): boolean => v !== undefined && v !== null && !isExpression(v);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A whole number ≥ 0 given as a number or a numeric string; undefined for expressions. */
function count(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v);
  return undefined;
}

/** The fields of a stage that acts on EC2 Auto Scaling groups or ECS services (Deck's ECS stages say cloudProvider ecs). */
function onEc2OrEcs(fields: readonly StageField[]): StageField[] {
  return [
    ...fields.map((f) =>
      f.name === 'cloudProvider'
        ? field('cloudProvider', 'string', 'aws (EC2 Auto Scaling groups) or ecs (ECS services)', {
            default: 'aws',
            aliases: ['cloudProviderType', 'provider'],
          })
        : f,
    ),
    field('ecsClusterName', 'string', 'ECS: the ECS cluster the services run in', { default: "the ECS cluster that holds the cluster's services" }),
  ];
}

/** Deploy cluster entries may also be ECS services (Deck's ECS deploy stage). */
const DEPLOY_PROVIDERS = [CLOUD_PROVIDER, 'ecs'] as const;

/** `cloudProvider` (Deck), `cloudProviderType` (bake) and `provider` (older exports) must be aws (or one of `allowed`). */
export function cloudProviderProblems(s: Raw, prefix = '', allowed: readonly string[] = [CLOUD_PROVIDER]): string[] {
  // One problem per stage or cluster entry, naming the first field that says something else.
  for (const field of ['cloudProvider', 'cloudProviderType', 'provider']) {
    const v = s[field];
    if (!literal(v) || v === '' || allowed.includes(String(v))) continue;
    const what = allowed.length > 1 ? `AWS EC2 or ECS (cloudProvider ${allowed.map((a) => `'${a}'`).join(' or ')})` : `AWS EC2 only (cloudProvider 'aws')`;
    return [`${prefix}${field}: cloudProvider '${String(v)}' is not supported; Gennaker deploys to ${what}`];
  }
  return [];
}

function oneOf(s: Raw, field: string, allowed: readonly string[], prefix = ''): string[] {
  const v = s[field];
  if (!literal(v)) return [];
  return typeof v === 'string' && allowed.includes(v) ? [] : [`${prefix}${field}: must be one of ${allowed.filter(Boolean).join(', ')}`];
}

function list(s: Raw, field: string, prefix = ''): string[] {
  const v = s[field];
  return !literal(v) || Array.isArray(v) ? [] : [`${prefix}${field}: must be a list`];
}

function object(s: Raw, field: string, prefix = ''): string[] {
  const v = s[field];
  return !literal(v) || isObject(v) ? [] : [`${prefix}${field}: must be an object`];
}

function wholeNumber(s: Raw, field: string, prefix = ''): string[] {
  const v = s[field];
  if (!literal(v) || v === '') return [];
  return count(v) !== undefined ? [] : [`${prefix}${field}: must be a whole number ≥ 0`];
}

/** min ≤ desired ≤ max when all three are literal numbers. */
export function capacityProblems(capacity: unknown, prefix = ''): string[] {
  if (!literal(capacity)) return [];
  if (!isObject(capacity)) return [`${prefix}capacity: must be an object {min, max, desired}`];
  const problems: string[] = [];
  const values: Record<string, number | undefined> = {};
  for (const field of ['min', 'max', 'desired']) {
    const v = capacity[field];
    if (v === undefined) {
      problems.push(`${prefix}capacity.${field}: required`);
      continue;
    }
    if (isExpression(v)) continue;
    const n = count(v);
    if (n === undefined) problems.push(`${prefix}capacity.${field}: must be a whole number ≥ 0`);
    values[field] = n;
  }
  const { min, max, desired } = values;
  if (min !== undefined && max !== undefined && min > max) problems.push(`${prefix}capacity: min (${min}) is greater than max (${max})`);
  if (min !== undefined && desired !== undefined && desired < min) problems.push(`${prefix}capacity: desired (${desired}) is less than min (${min})`);
  if (max !== undefined && desired !== undefined && desired > max) problems.push(`${prefix}capacity: desired (${desired}) is greater than max (${max})`);
  return problems;
}

/** A capacity change that may leave fields out (resize, clone): checked as far as it goes. */
function partialCapacityProblems(capacity: unknown): string[] {
  if (!literal(capacity)) return [];
  if (!isObject(capacity)) return ['capacity: must be an object {min, max, desired}'];
  if (capacity.min !== undefined && capacity.max !== undefined && capacity.desired !== undefined) return capacityProblems(capacity);
  return ['min', 'max', 'desired'].flatMap((f) => wholeNumber(capacity, f, 'capacity.'));
}

/** Where a stage acts: regions as a list, a single region, or Deck's availabilityZones keys. */
function regionProblems(s: Raw, prefix = ''): string[] {
  return [...list(s, 'regions', prefix), ...object(s, 'availabilityZones', prefix)];
}

function trafficGuardProblems(s: Raw): string[] {
  return list(s, 'trafficGuards');
}

function percentages(v: unknown, prefix: string): string[] {
  if (!literal(v)) return [];
  if (!Array.isArray(v) || v.length === 0) return [`${prefix}targetPercentages: must be a non-empty list of percentages`];
  const numbers = v.map((p) => (isExpression(p) ? undefined : Number(p)));
  if (numbers.some((n) => n !== undefined && (!Number.isFinite(n) || n <= 0 || n > 100))) {
    return [`${prefix}targetPercentages: each must be a number from 1 to 100`];
  }
  const known = numbers.filter((n): n is number => n !== undefined);
  if (known.some((n, i) => i > 0 && n <= known[i - 1]!)) return [`${prefix}targetPercentages: must increase`];
  return [];
}

/** One of Deck's `clusters[]` entries of a deploy stage. */
function deployClusterProblems(c: unknown, prefix: string): string[] {
  if (!literal(c)) return [];
  if (!isObject(c)) return [`${prefix.replace(/\.$/, '')}: must be an object`];
  const problems = [
    ...cloudProviderProblems(c, prefix, DEPLOY_PROVIDERS),
    ...capacityProblems(c.capacity, prefix),
    ...oneOf(c, 'strategy', DEPLOY_STRATEGIES, prefix),
    ...list(c, 'securityGroups', prefix),
    ...list(c, 'targetGroups', prefix),
    ...list(c, 'loadBalancers', prefix),
    ...list(c, 'suspendedProcesses', prefix),
    ...object(c, 'tags', prefix),
    ...object(c, 'availabilityZones', prefix),
    ...wholeNumber(c, 'maxRemainingAsgs', prefix),
    ...wholeNumber(c, 'delayBeforeDisableSec', prefix),
    ...wholeNumber(c, 'delayBeforeScaleDownSec', prefix),
    ...wholeNumber(c, 'bakeTimeSec', prefix),
    ...wholeNumber(c, 'healthCheckGracePeriod', prefix),
    ...oneOf(c, 'healthCheckType', ['EC2', 'ELB'], prefix),
  ];
  // The deploy refuses a cluster with no capacity at run time (unless it copies its source's).
  if (c.capacity === undefined && c.useSourceCapacity !== true && c.preferSourceCapacity !== true) {
    problems.push(`${prefix}capacity: required ({min, max, desired}) unless useSourceCapacity`);
  }
  if (c.strategy === 'rollingredblack') problems.push(...percentages(c.targetPercentages, prefix));
  problems.push(...trafficProblems(c, prefix));
  if (c.strategy === 'progressive' && (c.trafficSteps === undefined || c.trafficSteps === null)) {
    problems.push(`${prefix}trafficSteps: required with strategy progressive ([{weight, pauseSec?, analysis?}, ..., {weight: 100}])`);
  }
  if (literal(c.strategy) && c.strategy !== 'progressive' && c.trafficSteps !== undefined) {
    problems.push(`${prefix}trafficSteps: only read with strategy progressive (strategy is ${JSON.stringify(c.strategy ?? 'none')})`);
  }
  if (c.cloudProvider === 'ecs' || c.provider === 'ecs') problems.push(...ecsClusterProblems(c, prefix));
  if (literal(c.rollback) && !isObject(c.rollback)) problems.push(`${prefix}rollback: must be an object {onFailure, destroyOnFailure}`);
  return problems;
}

/** Deck ECS deploy fields that ask for what Gennaker's ECS deploys do not do yet, named (an empty or false value is how Deck says "not used"). */
const ECS_UNSUPPORTED: ReadonlyArray<readonly [string, (v: unknown) => boolean, string]> = [
  ['serviceDiscoveryAssociations', (v) => Array.isArray(v) && v.length > 0, 'Cloud Map service discovery'],
  ['dockerImageCredentialsSecret', (v) => typeof v === 'string' && v !== '' && !/^none( \(.*\))?$/i.test(v), 'private registry credentials'],
];

function ecsClusterProblems(c: Raw, prefix: string): string[] {
  const problems = c.ecsClusterName === undefined || c.ecsClusterName === '' ? [`${prefix}ecsClusterName: required (the ECS cluster the service runs in)`] : [];
  for (const [field, asks, what] of ECS_UNSUPPORTED) {
    if (literal(c[field]) && asks(c[field])) problems.push(`${prefix}${field}: ${what} is not supported by Gennaker's ECS deploys yet`);
  }
  if (literal(c.strategy) && c.strategy === 'rollingredblack') problems.push(`${prefix}strategy: rollingredblack is not supported for ECS (use redblack)`);
  if ((c.useTaskDefinitionArtifact === true || c.useTaskDefinitionArtifact === 'true') && literal(c.taskDefinitionArtifact)) {
    const a = c.taskDefinitionArtifact;
    const names = isObject(a) && ((typeof a.artifactId === 'string' && a.artifactId !== '') || isObject(a.artifact) || typeof a.type === 'string');
    if (!names)
      problems.push(
        `${prefix}taskDefinitionArtifact: required with useTaskDefinitionArtifact ({artifactId} of an expected artifact, or {artifact: {type, reference}})`,
      );
  }
  return problems;
}

export function deployProblems(s: Raw): string[] {
  const problems = [...cloudProviderProblems(s, '', DEPLOY_PROVIDERS), ...trafficGuardProblems(s)];
  const clusters = s.clusters;
  if (clusters === undefined && s.cluster === undefined) return [...problems, 'clusters: required (the server groups to deploy)'];
  if (clusters !== undefined) {
    if (!literal(clusters)) return problems;
    if (!Array.isArray(clusters) || clusters.length === 0) return [...problems, 'clusters: must be a non-empty list'];
    clusters.forEach((c, i) => problems.push(...deployClusterProblems(c, `clusters[${i}].`), ...deployRegionProblems(c, s, `clusters[${i}].`)));
  } else {
    problems.push(...deployClusterProblems(s.cluster, 'cluster.'), ...deployRegionProblems(s.cluster, s, 'cluster.'));
  }
  return problems;
}

/** Whether a config names where to act: a region, regions or Deck's availabilityZones (region → zones). */
function regionSource(c: Raw): 'named' | 'empty' | 'none' {
  const fields = [c.region, c.regions, c.availabilityZones, c.zones].filter((v) => v !== undefined && v !== null);
  if (fields.length === 0) return 'none';
  const named = fields.some(
    (v) => isExpression(v) || (typeof v === 'string' && v !== '') || (Array.isArray(v) && v.length > 0) || (isObject(v) && Object.keys(v).length > 0),
  );
  return named ? 'named' : 'empty';
}

/** A deploy cluster must name a region (itself, or the stage for it), as the deploy requires at run time. */
function deployRegionProblems(c: unknown, stage: Raw, prefix: string): string[] {
  if (!isObject(c)) return [];
  const own = regionSource(c);
  if (own === 'named') return [];
  // A cluster that names its own (empty) zones does not fall back to the stage's.
  if (own === 'none' && regionSource(stage) === 'named') return [];
  return [
    own === 'empty'
      ? `${prefix}availabilityZones: names no region (region → zones, e.g. {"us-east-1": ["us-east-1a"]})`
      : `${prefix}availabilityZones: required (the regions to deploy to: region → zones, or regions)`,
  ];
}

/** Stages that act on one server group: named, or picked from a cluster by `target`. */
export function serverGroupTargetProblems(s: Raw): string[] {
  const problems = [...cloudProviderProblems(s, '', DEPLOY_PROVIDERS), ...regionProblems(s), ...trafficGuardProblems(s)];
  const named = s.serverGroupName ?? s.asgName ?? s.serverGroup;
  const cluster = s.cluster ?? (isObject(s.moniker) ? s.moniker.cluster : undefined);
  if (named === undefined && cluster === undefined) problems.push('cluster: required (or serverGroupName)');
  if (named === undefined && cluster !== undefined && s.target === undefined)
    problems.push(`target: required with cluster (one of ${SERVER_GROUP_TARGETS.join(', ')})`);
  problems.push(...oneOf(s, 'target', SERVER_GROUP_TARGETS));
  return problems;
}

export function clusterProblems(s: Raw): string[] {
  const problems = [...cloudProviderProblems(s, '', DEPLOY_PROVIDERS), ...regionProblems(s), ...trafficGuardProblems(s)];
  const cluster = s.cluster ?? (isObject(s.moniker) ? s.moniker.cluster : undefined);
  if (cluster === undefined) problems.push('cluster: required');
  return problems;
}

export function resizeProblems(s: Raw): string[] {
  const problems = [...serverGroupTargetProblems(s), ...oneOf(s, 'action', RESIZE_ACTIONS), ...wholeNumber(s, 'scaleNum'), ...wholeNumber(s, 'scalePct')];
  const action = s.action ?? 'scale_exact';
  if (action === 'scale_exact' && s.capacity === undefined) problems.push('capacity: required for scale_exact');
  if ((action === 'scale_up' || action === 'scale_down') && s.scaleNum === undefined && s.scalePct === undefined) {
    problems.push(`scaleNum: required for ${String(action)} (or scalePct)`);
  }
  problems.push(...partialCapacityProblems(s.capacity));
  return problems;
}

export function bakeProblems(s: Raw): string[] {
  const problems = [...cloudProviderProblems(s), ...list(s, 'regions'), ...object(s, 'extendedAttributes')];
  const store = s.storeType;
  if (literal(store) && store !== '' && store !== 'ebs') problems.push(`storeType: '${String(store)}' AMIs are not supported; use ebs`);
  problems.push(...oneOf(s, 'vmType', ['hvm', 'pv']));
  const base = s.baseAmi ?? s.baseImageId;
  if (s.baseOs === undefined && base === undefined) problems.push('baseOs: required (or baseAmi)');
  // No package (Rosco accepts an empty one): the base image is baked with the provisioning alone.
  return problems;
}

export function findImageProblems(s: Raw): string[] {
  return [...clusterProblems(s), ...oneOf(s, 'selectionStrategy', IMAGE_SELECTION_STRATEGIES)];
}

export function findImageFromTagsProblems(s: Raw): string[] {
  const problems = [...cloudProviderProblems(s), ...list(s, 'regions'), ...object(s, 'tags')];
  if (s.tags === undefined && s.packageName === undefined) problems.push('tags: required (or packageName)');
  return problems;
}

export function tagImageProblems(s: Raw): string[] {
  const problems = [...cloudProviderProblems(s), ...list(s, 'regions'), ...object(s, 'tags')];
  if (s.tags === undefined) problems.push('tags: required');
  return problems;
}

export function rollbackServerGroupProblems(s: Raw): string[] {
  const problems = [
    ...cloudProviderProblems(s, '', DEPLOY_PROVIDERS),
    ...regionProblems(s),
    ...trafficGuardProblems(s),
    ...oneOf(s, 'rollbackType', ROLLBACK_TYPES),
  ];
  const context = s.rollbackContext;
  if (context === undefined) return [...problems, 'rollbackContext: required ({rollbackServerGroupName, restoreServerGroupName})'];
  if (!literal(context)) return problems;
  if (!isObject(context)) return [...problems, 'rollbackContext: must be an object'];
  if (context.rollbackServerGroupName === undefined) problems.push('rollbackContext.rollbackServerGroupName: required (the server group to roll back)');
  const type = s.rollbackType ?? 'EXPLICIT';
  if (type === 'EXPLICIT' && context.restoreServerGroupName === undefined) {
    problems.push('rollbackContext.restoreServerGroupName: required for EXPLICIT (the server group to go back to)');
  }
  if (type === 'PREVIOUS_IMAGE' && context.imageId === undefined && context.imageName === undefined) {
    problems.push('rollbackContext.imageId: required for PREVIOUS_IMAGE (or imageName)');
  }
  return problems;
}

/** EC2 launch settings a clone may change that an ECS clone does not take (it copies the source service's). */
const EC2_CLONE_FIELDS = [
  'instanceType',
  'keyPair',
  'iamRole',
  'iamInstanceProfile',
  'securityGroups',
  'loadBalancers',
  'targetGroups',
  'suspendedProcesses',
  'healthCheckType',
  'healthCheckGracePeriod',
] as const;

const isEcs = (s: Raw): boolean => [s.cloudProvider, s.cloudProviderType, s.provider].includes('ecs');

export function cloneProblems(s: Raw): string[] {
  const problems = [
    ...cloudProviderProblems(s, '', DEPLOY_PROVIDERS),
    ...regionProblems(s),
    ...trafficGuardProblems(s),
    ...partialCapacityProblems(s.capacity),
  ];
  if (isEcs(s)) {
    for (const f of EC2_CLONE_FIELDS) {
      const v = s[f];
      if (v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0)) {
        problems.push(`${f}: not supported for ECS clones (the clone copies the source service's task definition, network and target groups)`);
      }
    }
  }
  const source = s.source;
  if (source === undefined && s.targetCluster === undefined && s.cluster === undefined) {
    problems.push('source: required ({account, region, asgName}) or targetCluster with target');
  } else if (literal(source) && !isObject(source)) problems.push('source: must be an object {account, region, asgName}');
  problems.push(...oneOf(s, 'target', SERVER_GROUP_TARGETS));
  return problems;
}

const GUARDS: readonly StageField[] = [
  field('trafficGuards', 'object[]', 'clusters that must keep an enabled server group ({account, location, stack, detail})'),
];
const CAPACITY = field('capacity', 'object', '{min, max, desired}');
const PREFER_LARGER = field('preferLargerOverNewer', 'boolean', 'rank groups by size rather than age', { default: false });

const NOT_USED = 'accepted as Deck writes it, not used';

/** The fields of one of a deploy's `clusters[]` entries: what the deploy reads (deploy/config.ts, deploy/ecs-config.ts) and what Deck writes there. */
const DEPLOY_CLUSTER_FIELDS: readonly StageField[] = [
  field('application', 'string', "the server group's application", { default: "the pipeline's" }),
  field('stack', 'string', "the cluster name's stack part"),
  field('freeFormDetails', 'string', "the cluster name's detail part", { aliases: ['detail'] }),
  field('moniker', 'object', "Deck's {app, cluster, stack, detail}"),
  field('account', 'string', 'the account (as configured in gennaker:accounts)', { aliases: ['credentials', 'accountName'] }),
  field('availabilityZones', 'object', 'region → zones; its keys are the regions deployed to'),
  field('regions', 'string[]', 'the regions, when availabilityZones is not given', { aliases: ['region'] }),
  field('cloudProvider', 'string', 'aws (EC2) or ecs', { default: 'aws', aliases: ['provider'] }),
  field('strategy', 'string', 'how the new group replaces the old', { values: [...DEPLOY_STRATEGIES] }),
  field('capacity', 'object', '{min, max, desired}'),
  field('useSourceCapacity', 'boolean', "take the current group's capacity", { default: false, aliases: ['preferSourceCapacity'] }),
  field('source', 'object', 'the group whose capacity is copied ({account, region, asgName})'),
  field('maxRemainingAsgs', 'integer', 'groups kept in the cluster after the deploy (red/black)'),
  field('scaleDown', 'boolean', 'scale the old group to 0 after disabling it', { default: false }),
  field('delayBeforeDisableSec', 'integer', 'wait before disabling the old group', { default: 0 }),
  field('delayBeforeScaleDownSec', 'integer', 'wait before scaling the old group down', { default: 0 }),
  field('bakeTimeSec', 'integer', 'progressive: minimum seconds a traffic step holds', { default: 0 }),
  field('targetPercentages', 'array', 'rolling red/black: the old group disabled in these percentages'),
  field('targetHealthyDeployPercentage', 'integer', 'share of instances that must be healthy', { default: 100 }),
  field('trafficSteps', 'object[]', 'progressive: [{weight, pauseSec?, analysis?}, ..., {weight: 100}]'),
  field('rollback', 'object', '{onFailure, destroyOnFailure}'),
  field('rollbackAlarms', 'array', 'CloudWatch alarms that roll the deploy back while it shifts traffic'),
  field('waitForUpTimeoutSeconds', 'integer', 'how long the new group may take to be up'),
  field('imageId', 'object', 'the AMI id, or {region: id}', { aliases: ['ami'] }),
  field('amiName', 'object', 'the AMI name, or {region: name}', { aliases: ['imageName'] }),
  field('instanceType', 'string', 'EC2 instance type'),
  field('keyPair', 'string', 'EC2 key pair'),
  field('iamRole', 'string', 'EC2 instance profile; ECS task role', { aliases: ['iamInstanceProfile'] }),
  field('securityGroups', 'string[]', 'security group ids or names'),
  field('subnetType', 'string', 'the subnets tagged with this purpose'),
  field('subnetIds', 'string[]', 'explicit subnets'),
  field('vpcId', 'string', 'the VPC of the subnets'),
  field('targetGroups', 'string[]', 'target groups the new group registers with'),
  field('loadBalancers', 'string[]', 'read as target groups (Gennaker uses ALB/NLB target groups)'),
  field('healthCheckType', 'string', 'EC2 or ELB', { values: ['EC2', 'ELB'] }),
  field('healthCheckGracePeriod', 'integer', 'seconds before health checks count'),
  field('suspendedProcesses', 'string[]', 'Auto Scaling processes suspended on the new group'),
  field('tags', 'object', 'tags on the new group'),
  field('ebsOptimized', 'boolean', 'EBS-optimized instances'),
  field('instanceMonitoring', 'boolean', 'detailed CloudWatch monitoring'),
  field('requireIMDSv2', 'boolean', 'instances require IMDSv2'),
  field('base64UserData', 'string', 'user data, base64', { aliases: ['userData'] }),
  field('ecsClusterName', 'string', 'ECS: the ECS cluster the service runs in'),
  field('imageDescription', 'object', 'ECS: the container image ({registry, repository, tag, fromTrigger} or {artifactId})'),
  field('containerMappings', 'object[]', 'ECS: several containers and their images'),
  field('targetGroup', 'string', 'ECS: the target group of the load-balanced container'),
  field('targetGroupMappings', 'object[]', 'ECS: target groups per container and port'),
  field('loadBalancedContainer', 'string', 'ECS: the container behind the target group'),
  field('containerPort', 'integer', 'ECS: the container port'),
  field('computeUnits', 'integer', 'ECS: CPU units'),
  field('reservedMemory', 'integer', 'ECS: memory (MiB)'),
  field('launchType', 'string', 'ECS: FARGATE or EC2'),
  field('networkMode', 'string', 'ECS: awsvpc, bridge, host or none'),
  field('securityGroupNames', 'string[]', 'ECS: security groups by name'),
  field('associatePublicIpAddress', 'boolean', 'ECS awsvpc: a public address for each task'),
  field('executionRole', 'string', 'ECS: the task execution role', { aliases: ['taskExecutionRole'] }),
  field('dockerLabels', 'object', 'ECS: container labels'),
  field('environmentVariables', 'object', 'ECS: container environment'),
  field('logDriver', 'string', 'ECS: log driver'),
  field('logOptions', 'object', 'ECS: log driver options'),
  field('placementConstraints', 'object[]', 'ECS: placement constraints'),
  field('placementStrategySequence', 'object[]', 'ECS: placement strategies'),
  field('capacityProviderStrategy', 'object[]', 'ECS: capacity providers ({capacityProvider, weight, base})'),
  field('healthCheckGracePeriodSeconds', 'integer', 'ECS: seconds before load balancer health counts'),
  field('copySourceScalingPoliciesAndActions', 'boolean', "ECS: copy the source service's Application Auto Scaling", { default: true }),
  field('useTaskDefinitionArtifact', 'boolean', 'ECS: take the task definition from an artifact', { default: false }),
  field('taskDefinitionArtifact', 'object', 'ECS: {artifactId} of an expected artifact, or {artifact: {type, reference}}'),
  field('taskDefinitionArtifactAccount', 'string', 'ECS: the artifact account'),
  field('serviceDiscoveryAssociations', 'object[]', 'ECS: Cloud Map (refused when not empty)'),
  field('dockerImageCredentialsSecret', 'string', 'ECS: private registry credentials (refused when set)'),
  ...(
    [
      ['cooldown', 'integer'],
      ['copySourceCustomBlockDeviceMappings', 'boolean'],
      ['useAmiBlockDeviceMappings', 'boolean'],
      ['blockDevices', 'object[]'],
      ['enabledMetrics', 'string[]'],
      ['terminationPolicies', 'string[]'],
      ['interestingHealthProviderNames', 'string[]'],
      ['spotPrice', 'string'],
      ['placementStrategyName', 'string'],
      ['platformVersion', 'string'],
      ['lifecycleHooks', 'object[]'],
      ['legacyUdf', 'boolean'],
      ['setLaunchTemplate', 'boolean'],
      ['unlimitedCpuCredits', 'boolean'],
      ['enableEnclave', 'boolean'],
      ['associateIPv6Address', 'boolean'],
      ['ramdiskId', 'string'],
      ['kernelId', 'string'],
      ['reason', 'string'],
      ['type', 'string'],
    ] as const
  ).map(([name, type]) => field(name, type, NOT_USED)),
];

const DEPLOY_FIELDS: readonly StageField[] = [
  field('clusters', 'object[]', "server groups to deploy, as Deck writes them (EC2, or ECS with cloudProvider ecs); each entry's fields below", {
    items: DEPLOY_CLUSTER_FIELDS,
  }),
  field('cluster', 'object', 'one cluster (older exports), read as clusters: [cluster]'),
  field('cloudProvider', 'string', 'aws (EC2) or ecs', { default: 'aws', aliases: ['cloudProviderType', 'provider'] }),
  ...GUARDS,
];

const CLONE_FIELDS: readonly StageField[] = [
  ...onEc2OrEcs(SERVER_GROUP_FIELDS),
  field('source', 'object', 'the group to copy: {account, region, asgName}'),
  field('targetCluster', 'string', 'the cluster whose target group is copied (with target)'),
  field('imageId', 'string', 'what the clone runs: an AMI id (EC2) or a container image (ECS)', { default: "the source's", aliases: ['amiName'] }),
  field('imageDescription', 'object', 'ECS: the container image as the ECS deploy takes it ({registry, repository, tag, fromTrigger})'),
  CAPACITY,
  field('useSourceCapacity', 'boolean', "keep the source's capacity", { default: false }),
  field('application', 'string', "the new group's application", { default: "the source's" }),
  field('stack', 'string', "the new group's stack", { default: "the source's" }),
  field('freeFormDetails', 'string', "the new group's detail", { default: "the source's", aliases: ['detail'] }),
  field('instanceType', 'string', 'instance type', { default: "the source's" }),
  field('keyPair', 'string', 'key pair', { default: "the source's" }),
  field('iamRole', 'string', 'instance profile', { default: "the source's", aliases: ['iamInstanceProfile'] }),
  field('securityGroups', 'string[]', 'security groups', { default: "the source's" }),
  field('loadBalancers', 'string[]', 'classic load balancers', { default: "the source's" }),
  field('targetGroups', 'string[]', 'target groups', { default: "the source's" }),
  field('suspendedProcesses', 'string[]', 'Auto Scaling processes to suspend'),
  field('healthCheckType', 'string', 'EC2 or ELB', { default: "the source's" }),
  field('healthCheckGracePeriod', 'integer', 'seconds', { default: "the source's" }),
  field('targetHealthyDeployPercentage', 'integer', 'percent of instances that must be up', { default: 100 }),
  field('tags', 'object', 'tags on the new group'),
];

const RESIZE_FIELDS: readonly StageField[] = [
  ...onEc2OrEcs(SERVER_GROUP_FIELDS),
  field('action', 'string', 'how capacity changes', { default: 'scale_exact', values: ['scale_exact', 'scale_up', 'scale_down'] }),
  field('resizeType', 'string', "Deck's twin of action (exact, incremental, pct)"),
  field('capacity', 'object', '{min, max, desired} for scale_exact (fields left out stay)'),
  field('scaleNum', 'integer', 'instances added or removed (scale_up/scale_down)'),
  field('scalePct', 'integer', 'percent added or removed (scale_up/scale_down)'),
];

const ROLLBACK_FIELDS: readonly StageField[] = [
  ...onEc2OrEcs(LOCATION_FIELDS),
  ...GUARDS,
  field('rollbackType', 'string', 'back to a named group or to a previous image', { default: 'EXPLICIT', values: ['EXPLICIT', 'PREVIOUS_IMAGE'] }),
  field('rollbackContext', 'object', '{rollbackServerGroupName, restoreServerGroupName, imageId | imageName, targetHealthyRollbackPercentage}'),
  field('targetHealthyRollbackPercentage', 'integer', 'percent of the restored group that must be up', { default: 100 }),
  field('moniker', 'object', "Deck's {app, cluster, stack, detail}"),
  field('serverGroup', 'string', 'the group being rolled back (Deck also writes it in rollbackContext)'),
];

const BAKE_FIELDS: readonly StageField[] = [
  ...LOCATION_FIELDS,
  field('baseOs', 'string', 'the base image by OS name (gennaker:bake baseImages)'),
  field('baseLabel', 'string', 'release or candidate (with baseOs)', { default: 'release' }),
  field('baseAmi', 'string', 'the base image by id', { aliases: ['baseImageId'] }),
  field('package', 'string', 'packages to install; empty bakes the base image with the provisioning alone', { default: '' }),
  field('amiName', 'string', "the new image's name", { default: 'from the package and time' }),
  field('amiSuffix', 'string', "suffix of the new image's name"),
  field('vmType', 'string', 'virtualisation type', { default: 'hvm', values: ['hvm', 'pv'] }),
  field('storeType', 'string', 'ebs only', { default: 'ebs' }),
  field('user', 'string', 'who asked for the bake (recorded)'),
  field('extendedAttributes', 'object', 'extra key/values for the provisioning script'),
  field('instanceType', 'string', 'builder instance type', { default: 'gennaker:bake instanceType' }),
  field('commit', 'string', 'source commit recorded on the image'),
  field('version', 'string', 'package version recorded on the image'),
  field('rebake', 'boolean', 'bake even when an image for this package exists (always baked)'),
  field('templateFileName', 'string', "Rosco's Packer template (not used: Gennaker bakes with its own builder)"),
  // Rosco's BakeRequest fields that Orca passes through from the stage (snake_cased) and Deck or older exports write.
  field('baseName', 'string', "Rosco's base image name (accepted, not used: the base image is baseAmi or baseOs)"),
  field('enhancedNetworking', 'boolean', 'ENA support on the new image (accepted, not used: the base image decides)'),
  field('varFileName', 'string', "Rosco's Packer variables file (not used: Gennaker bakes with its own builder)"),
  field('upgrade', 'boolean', 'upgrade the base packages before installing (accepted, not used)'),
  field('buildHost', 'string', 'the CI server the package came from (accepted, not used)'),
  field('buildNumber', 'string', 'the CI build number (accepted, not used)'),
  field('commitHash', 'string', 'the commit of the CI build (accepted, not used)'),
  field('buildInfoUrl', 'string', 'the CI build page (accepted, not used)'),
  field('skipRegionDetection', 'boolean', "Deck's: bake only the regions listed"),
];

const FIND_IMAGE_FIELDS: readonly StageField[] = [
  ...onEc2OrEcs(CLUSTER_FIELDS),
  field('selectionStrategy', 'string', 'which image when the groups run several', { default: 'NEWEST', values: ['NEWEST', 'OLDEST', 'LARGEST', 'FAIL'] }),
  field('onlyEnabled', 'boolean', 'look at enabled server groups only', { default: true }),
  field('imageNamePattern', 'string', "Deck's image name filter (accepted)"),
];

/**
 * A deploy that may wait for a promote: a progressive cluster with a step before the last without
 * pauseSec, or whose strategy or steps are expressions (known only when it runs). Such a deploy is
 * compiled to wait on its task token while it waits for the promote (functions/core/promote.ts).
 */
export function waitsForPromote(s: Raw): boolean {
  if (isExpression(s.clusters) || isExpression(s.cluster)) return true;
  const clusters: unknown[] = Array.isArray(s.clusters) ? s.clusters : isObject(s.cluster) ? [s.cluster] : [];
  return clusters.some((c) => {
    if (isExpression(c)) return true;
    if (!isObject(c) || (!isExpression(c.strategy) && c.strategy !== 'progressive')) return false;
    return mayWaitForPromote(c.trafficSteps);
  });
}

/**
 * A deploy reads upstream stages only for an EC2 cluster that names no image of its own: it runs the
 * image a bake or findImage stage upstream produced (images.ts). ECS clusters run their container
 * images, so an ECS deploy (or one with its AMI given) reads no other stage and costs the same at
 * the end of a long pipeline as at its start. Expressions may name anything: upstream then.
 */
function deployReads(s: Raw): StageReads {
  if (isExpression(s.clusters) || isExpression(s.cluster)) return { upstream: true };
  const clusters: unknown[] = Array.isArray(s.clusters) ? s.clusters : isObject(s.cluster) ? [s.cluster] : [];
  return clusters.some((c) => needsUpstreamImage(c, s)) ? { upstream: true } : {};
}

function needsUpstreamImage(c: unknown, s: Raw): boolean {
  if (!isObject(c)) return true;
  const provider = c.cloudProvider ?? c.provider ?? s.cloudProvider ?? s.provider;
  if (provider === 'ecs') return false;
  if (isExpression(provider)) return true;
  // A plain image id or name; a map by region may lack a region, and an expression may come out empty.
  const named = (v: unknown) => typeof v === 'string' && v !== '' && !isExpression(v);
  return !(named(c.imageId ?? c.ami) || named(c.amiName ?? c.imageName));
}

function cloud(info: Omit<StageTypeInfo, 'family'>): void {
  registerStageType({ ...info, family: 'cloud' });
}

// No default timeouts on stages that can roll back or must clean up (deploy, rollbacks, bake): they
// end themselves within their own limits, and an engine timeout would end them half way.
cloud({
  type: 'deploy',
  fields: DEPLOY_FIELDS,
  execution: 'poll',
  description: 'Deploy server groups with a strategy (none, redblack, highlander, rollingredblack, progressive)',
  check: deployProblems,
  callbackFor: waitsForPromote,
  reads: deployReads,
});
cloud({
  type: 'enableServerGroup',
  fields: onEc2OrEcs(SERVER_GROUP_FIELDS),
  execution: 'poll',
  description: 'Put a server group into its target groups',
  defaultTimeoutMs: 2 * HOUR_MS,
  check: serverGroupTargetProblems,
});
cloud({
  type: 'disableServerGroup',
  fields: onEc2OrEcs(SERVER_GROUP_FIELDS),
  execution: 'poll',
  description: 'Take a server group out of its target groups',
  defaultTimeoutMs: 2 * HOUR_MS,
  check: serverGroupTargetProblems,
});
cloud({
  type: 'resizeServerGroup',
  fields: RESIZE_FIELDS,
  execution: 'poll',
  description: "Change a server group's capacity",
  defaultTimeoutMs: 2 * HOUR_MS,
  check: resizeProblems,
});
cloud({
  type: 'destroyServerGroup',
  fields: onEc2OrEcs(SERVER_GROUP_FIELDS),
  execution: 'poll',
  description: 'Delete a server group and its launch template',
  defaultTimeoutMs: 2 * HOUR_MS,
  check: serverGroupTargetProblems,
});
cloud({
  type: 'cloneServerGroup',
  fields: CLONE_FIELDS,
  execution: 'poll',
  description: 'A new server group copied from an existing one, with changes',
  defaultTimeoutMs: 2 * HOUR_MS,
  check: cloneProblems,
});
cloud({
  type: 'disableCluster',
  fields: [
    ...onEc2OrEcs(CLUSTER_FIELDS),
    field('remainingEnabledServerGroups', 'integer', 'newest enabled groups left enabled', { default: 1 }),
    PREFER_LARGER,
  ],
  execution: 'poll',
  description: 'Disable all but the newest enabled server groups of a cluster',
  defaultTimeoutMs: 2 * HOUR_MS,
  check: clusterProblems,
});
cloud({
  type: 'scaleDownCluster',
  fields: [
    ...onEc2OrEcs(CLUSTER_FIELDS),
    field('remainingFullSizeServerGroups', 'integer', 'newest groups left at full size', { default: 1 }),
    PREFER_LARGER,
    field('allowScaleDownActive', 'boolean', 'scale down enabled groups too', { default: false }),
  ],
  execution: 'poll',
  description: 'Scale all but the newest server groups of a cluster to zero',
  defaultTimeoutMs: 2 * HOUR_MS,
  check: clusterProblems,
});
cloud({
  type: 'shrinkCluster',
  fields: [
    ...onEc2OrEcs(CLUSTER_FIELDS),
    field('shrinkToSize', 'integer', 'newest groups kept', { default: 1 }),
    field('retainLargerOverNewer', 'boolean', 'keep the largest rather than the newest', { default: false }),
    field('allowDeleteActive', 'boolean', 'destroy enabled groups too', { default: false }),
  ],
  execution: 'poll',
  description: 'Destroy all but the newest server groups of a cluster',
  defaultTimeoutMs: 2 * HOUR_MS,
  check: clusterProblems,
});
cloud({
  type: 'rollbackCluster',
  fields: [
    ...onEc2OrEcs(CLUSTER_FIELDS),
    field('targetHealthyRollbackPercentage', 'integer', 'percent of the restored group that must be up', { default: 100 }),
  ],
  execution: 'poll',
  description: 'Roll a cluster back to its previous server group or image',
  check: clusterProblems,
});
cloud({
  type: 'rollbackServerGroup',
  fields: ROLLBACK_FIELDS,
  execution: 'poll',
  description: 'Roll back from one server group to another (or to an image)',
  check: rollbackServerGroupProblems,
});
// findAmi: the name older Deck versions saved; Deck and Orca still read it as findImage.
cloud({
  type: 'findImage',
  fields: FIND_IMAGE_FIELDS,
  execution: 'task',
  description: 'Find the image a cluster runs (NEWEST, OLDEST, LARGEST or FAIL)',
  check: findImageProblems,
  aliases: ['findAmi'],
});
cloud({
  type: 'findImageFromTags',
  fields: [
    ...LOCATION_FIELDS,
    field('tags', 'object', 'tags the image must have'),
    field('packageName', 'string', 'the package name the image carries (appversion)'),
  ],
  execution: 'task',
  description: 'Find the newest image with the given tags',
  check: findImageFromTagsProblems,
});
cloud({
  type: 'tagImage',
  fields: [
    ...LOCATION_FIELDS,
    field('tags', 'object', 'tags to add'),
    field('imageIds', 'string[]', 'images to tag', { default: 'the images upstream stages baked or found' }),
    field('imageNames', 'string[]', 'images to tag, by name'),
  ],
  execution: 'task',
  description: 'Tag the images upstream stages baked or found',
  check: tagImageProblems,
  reads: () => ({ upstream: true }),
});
cloud({ type: 'bake', fields: BAKE_FIELDS, execution: 'poll', description: 'Bake an AMI from a base image and a provisioning script', check: bakeProblems });
