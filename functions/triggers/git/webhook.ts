/**
 * A git push webhook delivery: authenticate, normalise, match, start.
 *
 * Authentication: when a secret for the provider is configured (GENNAKER_WEBHOOK_SECRETS_ID) the
 * delivery must verify against it or it is refused with 401 before its body is even parsed. A
 * trigger with its own `secret` (a Secrets Manager reference) additionally matches only deliveries
 * signed with that secret. A delivery nobody can verify starts nothing unless unsigned webhooks are
 * explicitly allowed (GENNAKER_ALLOW_UNSIGNED_WEBHOOKS=true, for local experiments).
 */
import { createHash } from 'node:crypto';
import type { TriggerConfig } from '../../../state-machines/model/schema.js';
import type { TriggerDeps } from '../deps.js';
import { type MatchResult, startMatchingPipelines } from '../dispatch.js';
import { BadSignatureError, MalformedEventError } from '../errors.js';
import { type HttpResult, parseJsonObject, type WebhookRequest } from '../http.js';
import type { Normalized } from '../normalized.js';
import { verifyHubSignature256, verifyToken } from '../signatures.js';
import { matchGitTrigger, sameRepository } from './match.js';
import { type GitPush, type GitSource, gitTrigger, normalizeBitbucket, normalizeGitHub, normalizeGitLab } from './normalize.js';
import { triggerTypesFiredBy } from '../../../state-machines/triggers/trigger-types.js';

const PROVIDERS: Readonly<
  Record<
    GitSource,
    {
      readonly event: string;
      readonly normalize: (event: string | undefined, body: unknown) => Normalized<GitPush>;
      readonly verify: (secret: string, request: WebhookRequest) => boolean;
      /** Headers naming the delivery, as the sender sets them (the first present wins). */
      readonly deliveryIds: readonly string[];
    }
  >
> = {
  github: {
    event: 'x-github-event',
    normalize: normalizeGitHub,
    verify: (secret, r) => verifyHubSignature256(secret, r.rawBody, r.headers['x-hub-signature-256']),
    deliveryIds: ['x-github-delivery'],
  },
  gitlab: {
    event: 'x-gitlab-event',
    normalize: normalizeGitLab,
    verify: (secret, r) => verifyToken(secret, r.headers['x-gitlab-token']),
    // Retries of one event share its Idempotency-Key; X-Gitlab-Event-UUID is new on each.
    deliveryIds: ['idempotency-key'],
  },
  bitbucket: {
    event: 'x-event-key',
    normalize: normalizeBitbucket,
    verify: (secret, r) => verifyHubSignature256(secret, r.rawBody, r.headers['x-hub-signature']),
    // Bitbucket Server / Data Center's, then Bitbucket Cloud's.
    deliveryIds: ['x-request-id', 'x-request-uuid'],
  },
};

/** The provider named in the route, else the one whose event header the delivery carries. */
function gitProviderOf(request: WebhookRequest, named?: string): GitSource {
  const name = named?.toLowerCase();
  if (name === 'github' || name === 'gitlab' || name === 'bitbucket') return name;
  if (name) throw new MalformedEventError(`unknown git provider '${named}' (github, gitlab or bitbucket)`);
  if (request.headers['x-github-event']) return 'github';
  if (request.headers['x-gitlab-event']) return 'gitlab';
  if (request.headers['x-event-key']) return 'bitbucket';
  throw new MalformedEventError('not a GitHub, GitLab or Bitbucket delivery (no event header)');
}

/**
 * What a delivery is deduplicated on first: a hash of the body, which the signature covers. The
 * provider's delivery id is not signed, so a captured body replayed with a new id is the same
 * delivery; the id is claimed too (deliveryIdOf), for a retry whose body differs.
 */
function deliveryKeyOf(request: WebhookRequest): string {
  return `body-${createHash('sha256').update(request.rawBody).digest('hex')}`;
}

/** The id the sender gave this delivery (not signed: it only ever makes a delivery a duplicate). */
function deliveryIdOf(request: WebhookRequest, source: GitSource): string | undefined {
  for (const header of PROVIDERS[source].deliveryIds) {
    const value = request.headers[header]?.trim();
    if (value) return value.slice(0, 200);
  }
  return undefined;
}

/**
 * The JSON of a delivery: GitHub may send it form-encoded (content type
 * application/x-www-form-urlencoded, the JSON in `payload=`); the signature covers the raw body.
 */
function jsonBodyOf(request: WebhookRequest): Buffer {
  const type = request.headers['content-type']?.toLowerCase() ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded')) return request.rawBody;
  const payload = new URLSearchParams(request.rawBody.toString('utf8')).get('payload');
  if (payload === null) throw new MalformedEventError('a form-encoded delivery must carry the JSON in its payload field');
  return Buffer.from(payload, 'utf8');
}

export async function handleGitWebhook(request: WebhookRequest, deps: TriggerDeps, providerName?: string): Promise<HttpResult> {
  const source = gitProviderOf(request, providerName);
  const provider = PROVIDERS[source];
  const sourceSecret = await deps.secrets.forSource(source);
  if (sourceSecret !== undefined && !provider.verify(sourceSecret, request)) {
    throw new BadSignatureError(`the ${source} delivery's signature does not verify with the configured secret`);
  }
  const body = parseJsonObject(jsonBodyOf(request));
  const normalized = provider.normalize(request.headers[provider.event], body);
  if (normalized.kind === 'ignored') {
    deps.log.info('delivery ignored', { source, reason: normalized.reason });
    return { status: 202, body: { source, ignored: normalized.reason } };
  }
  const push = normalized.event;
  let unverified = 0;
  // Authentication comes before any user pattern runs: a trigger's branch pattern is tried only
  // on deliveries that trigger could accept.
  const matcher = async (config: TriggerConfig): Promise<MatchResult> => {
    if (!sameRepository(config, push)) return { matched: false };
    const reference = (config as { secret?: unknown }).secret;
    if (typeof reference === 'string' && reference.length > 0) {
      const secret = await deps.secrets.byReference(reference);
      if (secret === undefined || !provider.verify(secret, request)) {
        unverified++;
        return { matched: false, reason: "the delivery is not signed with the trigger's secret" };
      }
    } else if (sourceSecret === undefined && !deps.secrets.allowUnsigned) {
      unverified++;
      return { matched: false, reason: `unsigned ${source} delivery: configure a webhook secret` };
    }
    return matchGitTrigger(config, push);
  };
  const result = await startMatchingPipelines(
    { source, deliveryKey: deliveryKeyOf(request), deliveryId: deliveryIdOf(request, source), trigger: gitTrigger(push, body) },
    triggerTypesFiredBy('git'),
    matcher,
    deps,
  );
  if (result.outcomes.length === 0 && unverified > 0) {
    throw new BadSignatureError(`the ${source} delivery could not be verified for any trigger it matched`);
  }
  return { status: 202, body: { source, outcomes: result.outcomes } };
}
