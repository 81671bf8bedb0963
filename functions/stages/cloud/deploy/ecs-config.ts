/**
 * Deck's ECS deploy stage fields (a `clusters[]` entry with cloudProvider `ecs`), read into what an
 * ECS server group is created with. Pure; problems are StageConfigErrors naming the field. Fields
 * for features Gennaker does not do yet are refused by name in state-machines (ecsClusterProblems),
 * which readDeployConfig runs first.
 */
import { boundArtifactFor } from '../../../core/artifacts/stage-artifact.js';
import { StageConfigError } from '../../../core/stage-api.js';
import { flag, isObject, optionalString, stringList, wholeNumber } from '../fields.js';

export interface EcsImageDescription {
  /** A docker/image artifact ({artifactId} or {artifact}): its reference is the image. */
  readonly artifact?: Readonly<Record<string, unknown>>;
  readonly imageId?: string;
  readonly registry?: string;
  readonly repository?: string;
  readonly tag?: string;
  readonly fromTrigger: boolean;
}

interface EcsContainerMapping {
  readonly containerName: string;
  readonly image: EcsImageDescription;
}

interface EcsTargetGroupMapping {
  readonly targetGroup: string;
  readonly containerName: string;
  readonly containerPort: number;
}

export interface EcsSettings {
  readonly ecsClusterName: string;
  readonly launchType?: 'FARGATE' | 'EC2' | 'EXTERNAL';
  readonly capacityProviderStrategy?: readonly { capacityProvider: string; weight?: number; base?: number }[];
  readonly networkMode: 'awsvpc' | 'bridge' | 'host';
  readonly subnetType?: string;
  readonly subnetIds?: readonly string[];
  readonly securityGroups?: readonly string[];
  readonly associatePublicIpAddress: boolean;
  readonly targetGroups: readonly EcsTargetGroupMapping[];
  readonly containerName: string;
  readonly containerPort?: number;
  readonly computeUnits?: number;
  readonly reservedMemory?: number;
  readonly environmentVariables: Readonly<Record<string, string>>;
  readonly dockerLabels: Readonly<Record<string, string>>;
  readonly logDriver?: string;
  readonly logOptions: Readonly<Record<string, string>>;
  readonly taskRoleArn?: string;
  readonly executionRoleArn?: string;
  readonly healthCheckGracePeriodSeconds?: number;
  readonly placementStrategy: readonly { type: string; field?: string }[];
  readonly placementConstraints: readonly { type: string; expression?: string }[];
  /** The container images: the main container's (imageDescription), or per container (containerMappings). */
  readonly images: readonly EcsContainerMapping[];
  /** useTaskDefinitionArtifact: the task definition to start from (its containers keep their images unless mapped). */
  /** The source service's Application Auto Scaling target, policies and scheduled actions go to the new one (Deck's default: true). */
  readonly copySourceScalingPoliciesAndActions: boolean;
  readonly taskDefinitionArtifact?: { readonly ref: Readonly<Record<string, unknown>>; readonly account?: string };
}

/** Deck's "nothing chosen" placeholders, as exported. */
const NONE = /^none( \(.*\))?$/i;

function stringRecord(entry: Record<string, unknown>, field: string, prefix: string): Record<string, string> {
  const v = entry[field];
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw new StageConfigError(`${prefix}${field}: must be an object`);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
}

function imageOf(raw: unknown, at: string): EcsImageDescription {
  if (!isObject(raw)) throw new StageConfigError(`${at}: must be an object {registry, repository, tag} or {imageId}, or a docker/image artifact {artifactId}`);
  if ((typeof raw.artifactId === 'string' && raw.artifactId !== '') || isObject(raw.artifact)) return { artifact: raw, fromTrigger: false };
  const s = (k: string) => (typeof raw[k] === 'string' && raw[k].trim() !== '' ? raw[k].trim() : undefined);
  const imageId = s('imageId');
  const image: EcsImageDescription = {
    // Deck writes "<repo> (Tag resolved at runtime)" for images that come from the trigger.
    ...(imageId && !imageId.includes(' ') ? { imageId } : {}),
    ...(s('registry') ? { registry: s('registry')! } : {}),
    ...(s('repository') ? { repository: s('repository')! } : {}),
    ...(s('tag') ? { tag: s('tag')! } : {}),
    fromTrigger: raw.fromTrigger === true || raw.fromTrigger === 'true',
  };
  if (!image.imageId && !image.repository) throw new StageConfigError(`${at}: names no image (imageId, or registry/repository/tag)`);
  return image;
}

function listOfObjects(entry: Record<string, unknown>, field: string, prefix: string): Record<string, unknown>[] {
  const v = entry[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new StageConfigError(`${prefix}${field}: must be a list`);
  return v.map((x, i) => {
    if (!isObject(x)) throw new StageConfigError(`${prefix}${field}[${i}]: must be an object`);
    return x;
  });
}

export function readEcsSettings(entry: Record<string, unknown>, prefix: string): EcsSettings {
  const ecsClusterName = optionalString(entry, 'ecsClusterName');
  if (!ecsClusterName) throw new StageConfigError(`${prefix}ecsClusterName: required (the ECS cluster the service runs in)`);
  const launchType = optionalString(entry, 'launchType');
  if (launchType && !['FARGATE', 'EC2', 'EXTERNAL'].includes(launchType)) throw new StageConfigError(`${prefix}launchType: must be FARGATE, EC2 or EXTERNAL`);
  const providers = listOfObjects(entry, 'capacityProviderStrategy', prefix).map((c, i) => {
    if (typeof c.capacityProvider !== 'string') throw new StageConfigError(`${prefix}capacityProviderStrategy[${i}].capacityProvider: required`);
    return {
      capacityProvider: c.capacityProvider,
      ...(c.weight !== undefined ? { weight: Number(c.weight) } : {}),
      ...(c.base !== undefined ? { base: Number(c.base) } : {}),
    };
  });
  const networkMode = (optionalString(entry, 'networkMode') ?? 'awsvpc') as EcsSettings['networkMode'];
  if (!['awsvpc', 'bridge', 'host'].includes(networkMode)) throw new StageConfigError(`${prefix}networkMode: must be awsvpc, bridge or host`);
  if (launchType === 'FARGATE' && networkMode !== 'awsvpc') throw new StageConfigError(`${prefix}networkMode: Fargate tasks need awsvpc`);

  const mappings = listOfObjects(entry, 'containerMappings', prefix).map((m, i) => {
    const name = typeof m.containerName === 'string' && m.containerName.trim() ? m.containerName.trim() : undefined;
    if (!name) throw new StageConfigError(`${prefix}containerMappings[${i}].containerName: required`);
    return { containerName: name, image: imageOf(m.imageDescription, `${prefix}containerMappings[${i}].imageDescription`) };
  });
  const loadBalanced = optionalString(entry, 'loadBalancedContainer');
  // One image and no container named: the container takes the name the target group mappings give it.
  const mappedName = listOfObjects(entry, 'targetGroupMappings', prefix).find(
    (m) => typeof m.containerName === 'string' && m.containerName.trim(),
  )?.containerName;
  const containerName = loadBalanced ?? mappings[0]?.containerName ?? (typeof mappedName === 'string' ? mappedName.trim() : undefined) ?? 'main';
  const images =
    mappings.length > 0
      ? mappings
      : entry.imageDescription !== undefined
        ? [{ containerName, image: imageOf(entry.imageDescription, `${prefix}imageDescription`) }]
        : [];
  const useArtifact = flag(entry, 'useTaskDefinitionArtifact', false);
  if (useArtifact && !isObject(entry.taskDefinitionArtifact))
    throw new StageConfigError(
      `${prefix}taskDefinitionArtifact: required with useTaskDefinitionArtifact ({artifactId} of an expected artifact, or {artifact: {type, reference}})`,
    );
  if (images.length === 0 && !useArtifact) throw new StageConfigError(`${prefix}imageDescription: required (or containerMappings): the container image to run`);
  if (loadBalanced && mappings.length > 0 && !mappings.some((m) => m.containerName === loadBalanced)) {
    throw new StageConfigError(
      `${prefix}loadBalancedContainer: ${loadBalanced} is not one of the containerMappings (${mappings.map((m) => m.containerName).join(', ')})`,
    );
  }

  const containerPort = wholeNumber(entry, 'containerPort');
  const mapped = listOfObjects(entry, 'targetGroupMappings', prefix).map((m, i) => {
    const at = `${prefix}targetGroupMappings[${i}]`;
    if (typeof m.targetGroup !== 'string' || m.targetGroup.trim() === '') throw new StageConfigError(`${at}.targetGroup: required`);
    const port = wholeNumber(m, 'containerPort') ?? containerPort;
    if (port === undefined) throw new StageConfigError(`${at}.containerPort: required`);
    const name = typeof m.containerName === 'string' && m.containerName.trim() ? m.containerName.trim() : containerName;
    // Checked before anything is registered: ECS would refuse the service only after its task definition exists.
    // (A task definition artifact's containers are known only once it is read.)
    if (!useArtifact && !images.some((x) => x.containerName === name))
      throw new StageConfigError(`${at}.containerName: ${name} is not a container of the task definition (${images.map((x) => x.containerName).join(', ')})`);
    return { targetGroup: m.targetGroup.trim(), containerName: name, containerPort: port };
  });
  const single = optionalString(entry, 'targetGroup');
  if (single && containerPort === undefined) throw new StageConfigError(`${prefix}containerPort: required with targetGroup`);
  const targetGroups = [...(single ? [{ targetGroup: single, containerName, containerPort: containerPort! }] : []), ...mapped];

  const role = optionalString(entry, 'iamRole');
  const executionRole = optionalString(entry, 'executionRole', 'taskExecutionRole');
  const grace = wholeNumber(entry, 'healthCheckGracePeriodSeconds');
  const optional = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));
  return {
    ecsClusterName,
    ...optional('launchType', providers.length > 0 ? undefined : ((launchType ?? 'FARGATE') as EcsSettings['launchType'])),
    ...optional('capacityProviderStrategy', providers.length > 0 ? providers : undefined),
    networkMode,
    ...optional('subnetType', optionalString(entry, 'subnetType')),
    ...optional('subnetIds', stringList(entry, 'subnetIds')),
    ...optional('securityGroups', [...(stringList(entry, 'securityGroupNames') ?? []), ...(stringList(entry, 'securityGroups') ?? [])]),
    associatePublicIpAddress: flag(entry, 'associatePublicIpAddress', false),
    targetGroups,
    containerName,
    ...optional('containerPort', containerPort),
    ...optional('computeUnits', wholeNumber(entry, 'computeUnits')),
    ...optional('reservedMemory', wholeNumber(entry, 'reservedMemory')),
    environmentVariables: stringRecord(entry, 'environmentVariables', prefix),
    dockerLabels: stringRecord(entry, 'dockerLabels', prefix),
    ...optional('logDriver', optionalString(entry, 'logDriver')),
    logOptions: stringRecord(entry, 'logOptions', prefix),
    ...optional('taskRoleArn', role && !NONE.test(role) ? role : undefined),
    ...optional('executionRoleArn', executionRole && !NONE.test(executionRole) ? executionRole : undefined),
    ...optional('healthCheckGracePeriodSeconds', grace),
    placementStrategy: listOfObjects(entry, 'placementStrategySequence', prefix).map((p, i) => {
      if (typeof p.type !== 'string') throw new StageConfigError(`${prefix}placementStrategySequence[${i}].type: required (binpack, random or spread)`);
      return { type: p.type, ...(typeof p.field === 'string' ? { field: p.field } : {}) };
    }),
    placementConstraints: listOfObjects(entry, 'placementConstraints', prefix).map((p, i) => {
      if (typeof p.type !== 'string') throw new StageConfigError(`${prefix}placementConstraints[${i}].type: required (distinctInstance or memberOf)`);
      return { type: p.type, ...(typeof p.expression === 'string' ? { expression: p.expression } : {}) };
    }),
    images,
    copySourceScalingPoliciesAndActions: flag(entry, 'copySourceScalingPoliciesAndActions', true),
    ...optional(
      'taskDefinitionArtifact',
      useArtifact
        ? {
            ref: entry.taskDefinitionArtifact as Record<string, unknown>,
            ...optional('account', optionalString(entry, 'taskDefinitionArtifactAccount')),
          }
        : undefined,
    ),
  };
}

/** A container image reference: the explicit imageId, registry/repository:tag, or the trigger's pushed image. */
export function resolveContainerImage(image: EcsImageDescription, trigger: Record<string, unknown>, at: string): string {
  if (image.artifact) {
    const artifact = boundArtifactFor(image.artifact, at, trigger);
    if (artifact.type !== 'docker/image' || !artifact.reference)
      throw new StageConfigError(`${at}: a container image artifact must be a docker/image with a reference (got ${artifact.type})`);
    return artifact.reference;
  }
  if (image.imageId) return image.imageId;
  const fromTrigger = image.fromTrigger || !image.tag;
  if (fromTrigger) {
    const pushed = triggerImage(trigger, image.repository);
    if (!pushed)
      throw new StageConfigError(`${at}: the image comes from the trigger, but the trigger carries no image of ${image.repository ?? 'any repository'}`);
    return pushed;
  }
  return `${image.registry ? `${image.registry}/` : ''}${image.repository}:${image.tag}`;
}

/** The image a docker trigger (or a trigger's docker/image artifact) carries for `repository`. */
function triggerImage(trigger: Record<string, unknown>, repository: string | undefined): string | undefined {
  const matches = (repo: unknown) => typeof repo === 'string' && (!repository || repo === repository || repo.endsWith(`/${repository}`));
  if (trigger.type === 'docker' && matches(trigger.repository) && typeof trigger.tag === 'string') {
    return `${typeof trigger.registry === 'string' ? `${trigger.registry}/` : ''}${String(trigger.repository)}:${trigger.tag}`;
  }
  const artifacts = Array.isArray(trigger.artifacts) ? trigger.artifacts : [];
  for (const a of artifacts) {
    if (!isObject(a) || a.type !== 'docker/image' || typeof a.reference !== 'string') continue;
    if (!repository || (typeof a.name === 'string' && matches(a.name)) || a.reference.includes(`/${repository}:`) || a.reference.startsWith(`${repository}:`))
      return a.reference;
  }
  return undefined;
}

/** A stage's own container image (cloneServerGroup on ECS): `imageDescription` read as the deploy reads it, or an `imageId` reference. */
export function stageContainerImage(config: Record<string, unknown>, trigger: Record<string, unknown>): string | undefined {
  if (config.imageDescription !== undefined && config.imageDescription !== null) {
    return resolveContainerImage(imageOf(config.imageDescription, 'imageDescription'), trigger, 'imageDescription');
  }
  return optionalString(config, 'imageId');
}
