/**
 * AMIs: find them by id or by Gennaker tags (application / version / commit), bake one from an
 * instance, tag, deregister. Creating is idempotent by name: a re-run returns the image it made.
 */
import { CreateImageCommand, CreateTagsCommand, DeregisterImageCommand, DescribeImagesCommand, type Filter, type Image } from '@aws-sdk/client-ec2';
import { awsCall, awsCallOrMissing } from './aws-errors.js';
import type { CloudClients } from './clients.js';
import { InvalidRequestError, ResourceNotFoundError } from './errors.js';
import { TagKeys, tagRecord } from './tags.js';

export interface ImageView {
  readonly imageId: string;
  readonly name: string;
  readonly state: string;
  readonly ownerId?: string;
  readonly creationDate?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly application?: string;
  readonly version?: string;
  readonly commit?: string;
}

function imageView(image: Image): ImageView {
  const tags = tagRecord(image.Tags);
  return {
    imageId: image.ImageId ?? '',
    name: image.Name ?? '',
    state: image.State ?? 'unknown',
    ...(image.OwnerId ? { ownerId: image.OwnerId } : {}),
    ...(image.CreationDate ? { creationDate: image.CreationDate } : {}),
    tags,
    ...(tags[TagKeys.application] ? { application: tags[TagKeys.application] } : {}),
    ...(tags[TagKeys.version] ? { version: tags[TagKeys.version] } : {}),
    ...(tags[TagKeys.commit] ? { commit: tags[TagKeys.commit] } : {}),
  };
}

/** The image, or undefined when it does not exist (or was deregistered). */
export async function findImage(clients: CloudClients, imageId: string): Promise<ImageView | undefined> {
  const response = await awsCallOrMissing({ action: 'describe', resourceType: 'image', resource: imageId }, () =>
    clients.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] })),
  );
  const image = response?.Images?.[0];
  return image ? imageView(image) : undefined;
}

export async function describeImage(clients: CloudClients, imageId: string): Promise<ImageView> {
  const image = await findImage(clients, imageId);
  if (!image) throw new ResourceNotFoundError('image', imageId, `image ${imageId} not found in ${clients.region}`);
  return image;
}

/** An image that instances can be launched from (exists and is available). */
export async function requireLaunchableImage(clients: CloudClients, imageId: string): Promise<ImageView> {
  const image = await describeImage(clients, imageId);
  if (image.state !== 'available') {
    throw new InvalidRequestError(`image ${imageId} in ${clients.region} is ${image.state}, not available`);
  }
  return image;
}

export interface ImageQuery {
  readonly application?: string;
  readonly version?: string;
  readonly commit?: string;
  /** Any other tags that must match exactly. */
  readonly tags?: Readonly<Record<string, string>>;
  /** Image name; `*` and `?` are wildcards. */
  readonly name?: string;
  /** @default ['self'] */
  readonly owners?: readonly string[];
}

function imageFilters(query: ImageQuery): Filter[] {
  const tags: Record<string, string> = { ...(query.tags ?? {}) };
  if (query.application) tags[TagKeys.application] = query.application;
  if (query.version) tags[TagKeys.version] = query.version;
  if (query.commit) tags[TagKeys.commit] = query.commit;
  return [
    ...Object.entries(tags).map(([key, value]) => ({ Name: `tag:${key}`, Values: [value] })),
    ...(query.name ? [{ Name: 'name', Values: [query.name] }] : []),
  ];
}

/** Images matching the query, newest first. */
export async function findImages(clients: CloudClients, query: ImageQuery): Promise<ImageView[]> {
  const filters = imageFilters(query);
  const response = await awsCall({ action: 'find', resourceType: 'images', resource: JSON.stringify(query) }, () =>
    clients.ec2.send(new DescribeImagesCommand({ Owners: [...(query.owners ?? ['self'])], Filters: filters })),
  );
  return (response.Images ?? [])
    .map(imageView)
    .filter((i) => i.state !== 'deregistered')
    .sort((a, b) => (b.creationDate ?? '').localeCompare(a.creationDate ?? ''));
}

export interface CreateImageSpec {
  readonly instanceId: string;
  /** AMI names are unique per account and region; the name is what makes creating idempotent. */
  readonly name: string;
  readonly description?: string;
  readonly tags?: Readonly<Record<string, string>>;
  /** @default false: AWS reboots the instance for a consistent file system */
  readonly noReboot?: boolean;
}

/** Bakes an AMI from an instance. A second call with the same name returns the first image. */
export async function createImage(clients: CloudClients, spec: CreateImageSpec): Promise<ImageView & { created: boolean }> {
  const existing = (await findImages(clients, { name: spec.name }))[0];
  if (existing) return { ...existing, created: false };
  const tags = Object.entries(spec.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
  const response = await awsCall({ action: 'create', resourceType: 'image', resource: `${spec.name} from ${spec.instanceId}` }, () =>
    clients.ec2.send(
      new CreateImageCommand({
        InstanceId: spec.instanceId,
        Name: spec.name,
        ...(spec.description ? { Description: spec.description } : {}),
        NoReboot: spec.noReboot ?? false,
        ...(tags.length > 0 ? { TagSpecifications: [{ ResourceType: 'image', Tags: tags }] } : {}),
      }),
    ),
  );
  const imageId = response.ImageId ?? '';
  const image = await findImage(clients, imageId);
  return {
    ...(image ?? { imageId, name: spec.name, state: 'pending', tags: spec.tags ?? {} }),
    created: true,
  };
}

export async function tagImage(clients: CloudClients, imageId: string, tags: Readonly<Record<string, string>>): Promise<void> {
  const list = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  if (list.length === 0) return;
  await awsCall({ action: 'tag', resourceType: 'image', resource: imageId }, () =>
    clients.ec2.send(new CreateTagsCommand({ Resources: [imageId], Tags: list })),
  );
}

/** Deregisters an image; one that is already gone is fine. */
export async function deregisterImage(clients: CloudClients, imageId: string): Promise<{ deregistered: boolean }> {
  const image = await findImage(clients, imageId);
  if (!image) return { deregistered: false };
  const done = await awsCallOrMissing({ action: 'deregister', resourceType: 'image', resource: imageId }, () =>
    clients.ec2.send(new DeregisterImageCommand({ ImageId: imageId })),
  );
  return { deregistered: done !== undefined };
}
