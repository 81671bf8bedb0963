/**
 * The task definition revision an ECS server group runs: one per deploy, in the family named like
 * the service (`<cluster>-vNNN`, as Spinnaker's ECS provider does). Registering is the one call that
 * would leave an orphan after a crash, so a re-run first looks at the family's latest revision and
 * reuses it when it carries this deploy's key.
 */
import {
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  type DescribeTaskDefinitionCommandOutput,
  RegisterTaskDefinitionCommand,
  type ContainerDefinition,
  type RegisterTaskDefinitionCommandInput,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { awsCall, awsCallOrMissing, errorCode } from '../cloud/aws-errors.js';
import type { CloudClients } from '../cloud/clients.js';
import { InvalidRequestError } from '../cloud/errors.js';
import { TagKeys } from '../cloud/tags.js';

interface ContainerSpec {
  readonly name: string;
  readonly image: string;
  readonly port?: number;
  readonly environment?: Readonly<Record<string, string>>;
  readonly dockerLabels?: Readonly<Record<string, string>>;
  readonly logDriver?: string;
  readonly logOptions?: Readonly<Record<string, string>>;
}

export interface TaskDefinitionSpec {
  readonly family: string;
  /** The containers this deploy sets (image, port, env...); the first is the load-balanced one. */
  readonly containers: readonly ContainerSpec[];
  /** Task CPU units (Deck's computeUnits) and memory MiB (reservedMemory). */
  readonly cpu?: number;
  readonly memory?: number;
  readonly networkMode: 'awsvpc' | 'bridge' | 'host';
  readonly fargate: boolean;
  readonly taskRoleArn?: string;
  readonly executionRoleArn?: string;
  /** A task definition to start from (an artifact); containers above replace their images. */
  readonly base?: Partial<RegisterTaskDefinitionCommandInput>;
  readonly tags: Readonly<Record<string, string>>;
}

const record = (r: Readonly<Record<string, string>> | undefined) => Object.entries(r ?? {}).map(([name, value]) => ({ name, value }));

/** The RegisterTaskDefinition input. Pure; a container named in `containers` but absent from `base` is an error. */
function taskDefinitionInput(spec: TaskDefinitionSpec): RegisterTaskDefinitionCommandInput {
  const fromBase = spec.base?.containerDefinitions ?? [];
  if (fromBase.length > 0) {
    const names = fromBase.map((c) => c.name);
    const unknown = spec.containers.filter((c) => !names.includes(c.name)).map((c) => c.name);
    if (unknown.length > 0)
      throw new InvalidRequestError(
        `task definition ${spec.family}: container ${unknown.join(', ')} is not in the task definition (it has ${names.join(', ')})`,
      );
  }
  const own = (c: ContainerSpec): ContainerDefinition => ({
    name: c.name,
    image: c.image,
    essential: true,
    ...(c.port !== undefined ? { portMappings: [{ containerPort: c.port, protocol: 'tcp' as const }] } : {}),
    ...(c.environment && Object.keys(c.environment).length > 0 ? { environment: record(c.environment) } : {}),
    ...(c.dockerLabels && Object.keys(c.dockerLabels).length > 0 ? { dockerLabels: { ...c.dockerLabels } } : {}),
    ...(c.logDriver ? { logConfiguration: { logDriver: c.logDriver as never, options: { ...(c.logOptions ?? {}) } } } : {}),
  });
  const containers: ContainerDefinition[] =
    fromBase.length > 0
      ? fromBase.map((b) => {
          const c = spec.containers.find((x) => x.name === b.name);
          return c ? { ...b, image: c.image } : b;
        })
      : spec.containers.map(own);
  return {
    ...spec.base,
    family: spec.family,
    containerDefinitions: containers,
    networkMode: spec.base?.networkMode ?? spec.networkMode,
    ...(spec.fargate ? { requiresCompatibilities: ['FARGATE' as const] } : {}),
    // A task definition artifact's own sizes win over the stage's (Deck keeps computeUnits/reservedMemory beside it).
    ...(spec.cpu !== undefined && spec.base?.cpu === undefined ? { cpu: String(spec.cpu) } : {}),
    ...(spec.memory !== undefined && spec.base?.memory === undefined ? { memory: String(spec.memory) } : {}),
    ...(spec.taskRoleArn ? { taskRoleArn: spec.taskRoleArn } : {}),
    ...(spec.executionRoleArn ? { executionRoleArn: spec.executionRoleArn } : {}),
    // The artifact's own tags stay; Gennaker's (deploy key, managed-by) win.
    tags: [
      ...(spec.base?.tags ?? []).filter((t) => !(t.key !== undefined && t.key in spec.tags)),
      ...Object.entries(spec.tags).map(([key, value]) => ({ key, value })),
    ],
  };
}

/** The family's latest ACTIVE revision, with its tags; undefined when it has none. */
async function latestRevision(clients: CloudClients, family: string): Promise<DescribeTaskDefinitionCommandOutput | undefined> {
  try {
    return await awsCallOrMissing({ action: 'describe', resourceType: 'task definition', resource: family }, () =>
      clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: family, include: ['TAGS'] })),
    );
  } catch (error) {
    // ECS answers a family without ACTIVE revisions with ClientException "Unable to describe task definition".
    if (errorCode(error) === 'ClientException' || errorCode((error as { cause?: unknown }).cause) === 'ClientException') return undefined;
    throw error;
  }
}

/** Registers the revision, or finds the one an earlier run of the same deploy registered. Returns its ARN. */
export async function ensureTaskDefinition(clients: CloudClients, spec: TaskDefinitionSpec): Promise<{ arn: string; created: boolean }> {
  const deployKey = spec.tags[TagKeys.deployKey];
  const latest = await latestRevision(clients, spec.family);
  const tags = Object.fromEntries((latest?.tags ?? []).map((t) => [t.key ?? '', t.value] as const));
  if (deployKey && latest?.taskDefinition?.taskDefinitionArn && tags[TagKeys.deployKey] === deployKey) {
    return { arn: latest.taskDefinition.taskDefinitionArn, created: false };
  }
  const input = taskDefinitionInput(spec);
  const response = await awsCall({ action: 'register', resourceType: 'task definition', resource: spec.family }, () =>
    clients.ecs.send(new RegisterTaskDefinitionCommand(input)),
  );
  return { arn: response.taskDefinition?.taskDefinitionArn ?? '', created: true };
}

/** Deregisters a revision; one already inactive or gone is fine. */
export async function deregisterTaskDefinition(clients: CloudClients, arn: string): Promise<void> {
  try {
    await awsCallOrMissing({ action: 'deregister', resourceType: 'task definition', resource: arn }, () =>
      clients.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn })),
    );
  } catch (error) {
    if (errorCode(error) === 'ClientException') return;
    throw error;
  }
}

/** What ECS answers about a revision but does not take back when registering one. */
const READ_ONLY = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
] as const;

/** A registered revision as the input that registers a copy of it (clone starts from the source's). Pure. */
export function registrationOf(definition: TaskDefinition): Partial<RegisterTaskDefinitionCommandInput> {
  const copy: Record<string, unknown> = { ...definition };
  for (const key of READ_ONLY) delete copy[key];
  return copy;
}

/** A revision by ARN (a service's); a missing one is a ResourceNotFoundError. */
export async function describeTaskDefinition(clients: CloudClients, arn: string): Promise<TaskDefinition> {
  const response = await awsCall({ action: 'describe', resourceType: 'task definition', resource: arn }, () =>
    clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn })),
  );
  if (!response.taskDefinition) throw new InvalidRequestError(`task definition ${arn} not found`);
  return response.taskDefinition;
}
