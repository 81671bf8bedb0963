/**
 * The tags Gennaker writes on server groups and images (prefix `gennaker:`), and reading them back.
 * They record where a server group came from (application, cluster, execution, image, version, the
 * group it replaced) and what enable needs after a disable (its target groups). Pure.
 */
import { InvalidRequestError } from './errors.js';
import type { ParsedServerGroup } from './naming.js';

export const TAG_PREFIX = 'gennaker:';

export const TagKeys = {
  application: 'gennaker:application',
  cluster: 'gennaker:cluster',
  stack: 'gennaker:stack',
  detail: 'gennaker:detail',
  serverGroup: 'gennaker:server-group',
  executionId: 'gennaker:execution-id',
  imageId: 'gennaker:image-id',
  version: 'gennaker:version',
  build: 'gennaker:build',
  commit: 'gennaker:commit',
  replaces: 'gennaker:replaces',
  /** The image the cluster ran before this group (what a previous-image rollback goes back to). */
  previousImageId: 'gennaker:previous-image-id',
  /** Identifies one deploy (e.g. execution id + stage): a re-run finds the group it already made. */
  deployKey: 'gennaker:deploy-key',
  /** "true" / "false", written by enable / disable. */
  enabled: 'gennaker:enabled',
  /** ECS: "min/max" of a service (ECS keeps only the desired count). */
  minMax: 'gennaker:min-max',
  /** ECS: the desired count a disabled service goes back to when enabled (present = disabled). */
  enabledDesired: 'gennaker:enabled-desired',
  /** `gennaker:target-group:1`, `:2`, ... hold the target group ARNs the group is enabled into. */
  targetGroupPrefix: 'gennaker:target-group:',
} as const;

/** AWS limits: 50 tags per Auto Scaling group, keys ≤ 128 and values ≤ 256 characters. */
const MAX_TAGS = 50;
const MAX_KEY_LENGTH = 128;
const MAX_VALUE_LENGTH = 256;

export interface Tag {
  readonly key: string;
  readonly value: string;
  /** Copied onto the group's instances. */
  readonly propagateAtLaunch: boolean;
}

/** Where a server group came from, recorded in its tags. */
export interface DeployMetadata {
  readonly executionId?: string;
  readonly version?: string;
  readonly build?: string;
  readonly commit?: string;
  /** The server group this one replaces (the previous one in the cluster, or the clone source). */
  readonly replaces?: string;
  readonly deployKey?: string;
  /** The image of the group this one replaces, kept for rollback after that group is gone. */
  readonly previousImageId?: string;
}

export interface ServerGroupTagsInput {
  readonly name: ParsedServerGroup;
  readonly imageId: string;
  readonly metadata: DeployMetadata;
  readonly targetGroupArns: readonly string[];
  readonly enabled: boolean;
  /** The user's own tags; they may not use the `gennaker:` prefix. */
  readonly extra?: Readonly<Record<string, string>>;
}

function tag(key: string, value: string | undefined, propagateAtLaunch: boolean): Tag[] {
  return value === undefined || value === '' ? [] : [{ key, value, propagateAtLaunch }];
}

export function targetGroupTags(targetGroupArns: readonly string[]): Tag[] {
  return targetGroupArns.map((arn, index) => ({
    key: `${TagKeys.targetGroupPrefix}${index + 1}`,
    value: arn,
    propagateAtLaunch: false,
  }));
}

/** All tags of a new server group; throws InvalidRequestError when AWS would refuse them. */
export function serverGroupTags(input: ServerGroupTagsInput): Tag[] {
  const { name, metadata } = input;
  const tags: Tag[] = [
    ...tag('Name', name.name, true),
    ...tag(TagKeys.application, name.app, true),
    ...tag(TagKeys.cluster, name.cluster, true),
    ...tag(TagKeys.stack, name.stack, true),
    ...tag(TagKeys.detail, name.detail, true),
    ...tag(TagKeys.serverGroup, name.name, true),
    ...tag(TagKeys.imageId, input.imageId, false),
    ...tag(TagKeys.version, metadata.version, true),
    ...tag(TagKeys.build, metadata.build, false),
    ...tag(TagKeys.commit, metadata.commit, false),
    ...tag(TagKeys.executionId, metadata.executionId, false),
    ...tag(TagKeys.replaces, metadata.replaces, false),
    ...tag(TagKeys.deployKey, metadata.deployKey, false),
    ...tag(TagKeys.previousImageId, metadata.previousImageId, false),
    ...tag(TagKeys.enabled, String(input.enabled), false),
    ...targetGroupTags(input.targetGroupArns),
  ];
  for (const [key, value] of Object.entries(input.extra ?? {})) {
    if (key.startsWith(TAG_PREFIX)) {
      throw new InvalidRequestError(`tag ${key} on server group ${name.name}: the ${TAG_PREFIX} prefix is reserved`);
    }
    if (tags.some((t) => t.key === key)) continue; // ours win (Name)
    tags.push({ key, value, propagateAtLaunch: true });
  }
  checkTags(tags, `server group ${name.name}`);
  return tags;
}

function checkTags(tags: readonly Tag[], owner: string): void {
  const problems: string[] = [];
  if (tags.length > MAX_TAGS) problems.push(`${tags.length} tags, AWS allows ${MAX_TAGS}`);
  for (const t of tags) {
    if (t.key.length === 0 || t.key.length > MAX_KEY_LENGTH) problems.push(`tag key "${t.key}" must be 1-${MAX_KEY_LENGTH} characters`);
    if (t.value.length > MAX_VALUE_LENGTH) problems.push(`tag ${t.key} value is longer than ${MAX_VALUE_LENGTH} characters`);
  }
  if (problems.length > 0) throw new InvalidRequestError(`tags of ${owner}: ${problems.join('; ')}`);
}

/** Tag list (any AWS shape with Key/Value) → record. */
export function tagRecord(tags: readonly { Key?: string; Value?: string }[] | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key !== undefined) record[t.Key] = t.Value ?? '';
  return record;
}

/** The target group ARNs recorded on a server group, in order. */
export function recordedTargetGroups(tags: Readonly<Record<string, string>>): string[] {
  return Object.entries(tags)
    .filter(([key]) => key.startsWith(TagKeys.targetGroupPrefix))
    .map(([key, value]) => [Number(key.slice(TagKeys.targetGroupPrefix.length)), value] as const)
    .sort(([a], [b]) => a - b)
    .map(([, value]) => value);
}

/** Image tags: application, version, commit (and the user's own). */
export function imageTags(input: {
  readonly application?: string;
  readonly version?: string;
  readonly commit?: string;
  readonly build?: string;
  readonly extra?: Readonly<Record<string, string>>;
}): Record<string, string> {
  const record: Record<string, string> = { ...(input.extra ?? {}) };
  if (input.application) record[TagKeys.application] = input.application;
  if (input.version) record[TagKeys.version] = input.version;
  if (input.commit) record[TagKeys.commit] = input.commit;
  if (input.build) record[TagKeys.build] = input.build;
  return record;
}
