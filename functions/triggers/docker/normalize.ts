/**
 * ECR image pushes (EventBridge "ECR Image Action", action PUSH, result SUCCESS) → Spinnaker's
 * docker trigger object `{type: 'docker', account, organization, repository, tag, digest,
 * registry, image}`. Pure.
 *
 * Matching follows Echo's docker trigger: the repository must be the pushed one (`org/name`, or
 * the full `registry/org/name`), the tag must match the trigger's tag as a whole-string regular
 * expression (no tag: any tag but `latest`; a push without a tag fires nothing), and an account,
 * when given, must name the pushing account (its 12-digit id, its registry host, or a name mapped
 * to the id by GENNAKER_DOCKER_ACCOUNTS).
 */
import * as z from 'zod/mini';
import '../../../state-machines/zod-messages.js';
import type { TriggerConfig } from '../../../state-machines/model/schema.js';
import type { MatchResult } from '../dispatch.js';
import type { EventBridgeEvent } from '../events.js';
import { ignored, type Normalized, parseOrRefuse } from '../normalized.js';
import { matchesWhole } from '../regex.js';

export interface ImagePush {
  readonly eventId: string;
  readonly accountId: string;
  readonly region: string;
  readonly registry: string;
  readonly repository: string;
  readonly organization?: string;
  readonly tag?: string;
  readonly digest: string;
}

const Detail = z.looseObject({
  'action-type': z.string(),
  result: z.string(),
  'repository-name': z.string().check(z.minLength(1)),
  'image-digest': z.string().check(z.minLength(1)),
  'image-tag': z.optional(z.string()),
});

export function normalizeEcrPush(event: EventBridgeEvent): Normalized<ImagePush> {
  if (event.source !== 'aws.ecr' || event['detail-type'] !== 'ECR Image Action') {
    return ignored(`not an ECR image action (${event.source} / ${event['detail-type']})`);
  }
  const d = parseOrRefuse(Detail, event.detail, 'ECR image action');
  if (d['action-type'] !== 'PUSH') return ignored(`ECR ${d['action-type']} actions do not trigger pipelines`);
  if (d.result !== 'SUCCESS') return ignored(`push result ${d.result}`);
  const accountId = event.account ?? '';
  const region = event.region ?? '';
  const repository = d['repository-name'];
  const slash = repository.lastIndexOf('/');
  return {
    kind: 'event',
    event: {
      eventId: event.id,
      accountId,
      region,
      registry: `${accountId}.dkr.ecr.${region}.amazonaws.com`,
      repository,
      ...(slash > 0 ? { organization: repository.slice(0, slash) } : {}),
      ...(d['image-tag'] ? { tag: d['image-tag'] } : {}),
      digest: d['image-digest'],
    },
  };
}

/** Echo's docker/image artifact of a push: name `<registry>/<repository>`, the tag (or digest) as version and in the reference. */
function pushedImageArtifact(push: ImagePush): Record<string, string> {
  const name = `${push.registry}/${push.repository}`;
  return {
    type: 'docker/image',
    name,
    version: push.tag ?? push.digest,
    reference: push.tag ? `${name}:${push.tag}` : `${name}@${push.digest}`,
  };
}

export function dockerTrigger(push: ImagePush): Record<string, unknown> {
  return {
    type: 'docker',
    account: push.accountId,
    registry: push.registry,
    repository: push.repository,
    ...(push.organization ? { organization: push.organization } : {}),
    ...(push.tag ? { tag: push.tag } : {}),
    digest: push.digest,
    image: `${push.registry}/${push.repository}${push.tag ? `:${push.tag}` : `@${push.digest}`}`,
    source: 'ecr',
    artifacts: [pushedImageArtifact(push)],
  };
}

/** `{"ecr-prod": "123456789012"}`: Spinnaker docker account names → AWS account ids. */
export type AccountIds = Readonly<Record<string, string>>;

export function matchDockerTrigger(config: TriggerConfig, push: ImagePush, accountIds: AccountIds = {}): MatchResult {
  const c = config as TriggerConfig & { repository?: unknown; tag?: unknown; account?: unknown; registry?: unknown; organization?: unknown };
  if (typeof c.repository !== 'string' || c.repository.length === 0) return { matched: false };
  const repository = c.repository.replace(/^[^/]+\.amazonaws\.com\//, '');
  if (repository !== push.repository) return { matched: false };
  if (typeof c.registry === 'string' && c.registry !== '' && c.registry !== push.registry) {
    return { matched: false, reason: `registry ${push.registry} is not ${c.registry}` };
  }
  if (typeof c.account === 'string' && c.account !== '') {
    const id = accountIds[c.account] ?? c.account;
    if (id !== push.accountId && id !== push.registry) return { matched: false, reason: `account ${push.accountId} is not ${c.account}` };
  }
  // Echo's DockerEventHandler: a push without a tag fires nothing; a trigger without a tag
  // pattern fires for every tag except `latest`.
  if (!push.tag) return { matched: false, reason: 'the push has no tag' };
  const tag = typeof c.tag === 'string' ? c.tag.trim() : '';
  if (tag === '') return push.tag === 'latest' ? { matched: false, reason: "a trigger without a tag pattern does not fire for 'latest'" } : { matched: true };
  if (tag !== push.tag && !matchesWhole(tag, push.tag)) return { matched: false, reason: `tag '${push.tag}' does not match '${tag}'` };
  return { matched: true };
}

export function parseAccountIds(text: string | undefined): AccountIds {
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}
