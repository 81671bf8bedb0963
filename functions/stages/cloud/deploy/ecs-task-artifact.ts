/**
 * Deck's `useTaskDefinitionArtifact`: the task definition comes from an artifact (the JSON of a
 * RegisterTaskDefinition request, or `aws ecs describe-task-definition` output), as Spinnaker's ECS
 * provider reads it. The deploy registers it in the service's family, with the images
 * `containerMappings` give to the containers they name; other containers keep their images.
 * Checked in prepare, before anything is created: a document that does not parse, or a container
 * name it does not have, fails the stage naming the field.
 */
import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { boundArtifactFor } from '../../../core/artifacts/stage-artifact.js';
import { type ArtifactReaders, readArtifactText } from '../../../core/artifacts/read.js';
import { StageConfigError } from '../../../core/stage-api.js';
import type { EcsSettings } from './ecs-config.js';

/** What DescribeTaskDefinition answers that a registration does not take. */
const READ_ONLY = ['taskDefinitionArn', 'revision', 'status', 'requiresAttributes', 'compatibilities', 'registeredAt', 'registeredBy', 'deregisteredAt'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The registration a task definition document describes. Pure; `field` names the artifact in errors. */
function parseTaskDefinitionDocument(text: string, field: string, where: string): Partial<RegisterTaskDefinitionCommandInput> {
  let document: unknown;
  try {
    document = JSON.parse(text) as unknown;
  } catch (error) {
    throw new StageConfigError(`${field}: the task definition artifact (${where}) is not valid JSON: ${(error as Error).message}`);
  }
  // describe-task-definition output wraps it.
  if (isObject(document) && isObject(document.taskDefinition) && document.containerDefinitions === undefined) document = document.taskDefinition;
  if (!isObject(document))
    throw new StageConfigError(`${field}: the task definition artifact (${where}) must be a JSON object (a RegisterTaskDefinition request)`);
  const containers = document.containerDefinitions;
  if (!Array.isArray(containers) || containers.length === 0)
    throw new StageConfigError(`${field}: the task definition artifact (${where}) has no containerDefinitions`);
  const names = new Set<string>();
  containers.forEach((c, i) => {
    if (!isObject(c) || typeof c.name !== 'string' || c.name === '')
      throw new StageConfigError(`${field}: the task definition artifact (${where}) containerDefinitions[${i}] has no name`);
    if (names.has(c.name)) throw new StageConfigError(`${field}: the task definition artifact (${where}) names container ${c.name} twice`);
    names.add(c.name);
  });
  return Object.fromEntries(Object.entries(document).filter(([k]) => !READ_ONLY.includes(k)));
}

/** Every container name the deploy refers to must be one of the document's, or the stage fails naming it. */
function checkContainerNames(base: Partial<RegisterTaskDefinitionCommandInput>, ecs: EcsSettings, prefix: string): void {
  const names = (base.containerDefinitions ?? []).map((c) => c.name ?? '');
  const has = (name: string) => names.includes(name);
  const listed = names.join(', ');
  ecs.images.forEach((m, i) => {
    if (!has(m.containerName))
      throw new StageConfigError(
        `${prefix}containerMappings[${i}].containerName: ${m.containerName} is not in the task definition artifact (it has ${listed})`,
      );
  });
  ecs.targetGroups.forEach((t, i) => {
    if (!has(t.containerName))
      throw new StageConfigError(
        `${prefix}targetGroupMappings[${i}].containerName: ${t.containerName} is not in the task definition artifact (it has ${listed})`,
      );
  });
}

/** Reads, parses and checks the stage's task definition artifact. */
export async function taskDefinitionFromArtifact(
  ecs: EcsSettings,
  trigger: Readonly<Record<string, unknown>>,
  readers: ArtifactReaders,
  prefix: string,
): Promise<Partial<RegisterTaskDefinitionCommandInput>> {
  const field = `${prefix}taskDefinitionArtifact`;
  const { ref, account } = ecs.taskDefinitionArtifact!;
  const artifact = boundArtifactFor(ref, field, trigger, account);
  const text = await readArtifactText(artifact, field, readers);
  // An embedded artifact's reference is its content: name it by type (and name) instead.
  const where = artifact.type === 'embedded/base64' ? `embedded/base64${artifact.name ? ` ${artifact.name}` : ''}` : `${artifact.type} ${artifact.reference}`;
  const base = parseTaskDefinitionDocument(text, field, where);
  checkContainerNames(base, ecs, prefix);
  return base;
}
