/**
 * Spinnaker's generic `webhook` trigger (Echo's WebhookEventMonitor): POST /webhooks/webhook/{source}
 * with any JSON body starts the pipelines whose webhook trigger names that source and whose
 * payloadConstraints hold (every key present, its pattern found in the value); the body is the
 * trigger's `payload` and its `parameters` object the execution's parameters. Docker Hub's push
 * webhook works through it (source e.g. `dockerhub`); as in Echo, constraints name top-level keys,
 * and a key holding an object is matched against its JSON text.
 *
 * Authentication: a secret for the source (GENNAKER_WEBHOOK_SECRETS_ID, key `webhook:<source>`)
 * must verify as an HMAC (X-Hub-Signature-256) or as a token (`X-Webhook-Token` header or `token`
 * query parameter, for senders like Docker Hub that cannot sign); without one, deliveries are
 * refused unless unsigned webhooks are explicitly allowed (local experiments).
 */
import { createHash } from 'node:crypto';
import type { TriggerConfig } from '../../../state-machines/model/schema.js';
import { triggerTypesFiredBy } from '../../../state-machines/triggers/trigger-types.js';
import type { TriggerDeps } from '../deps.js';
import { type MatchResult, startMatchingPipelines } from '../dispatch.js';
import { BadSignatureError, MalformedEventError } from '../errors.js';
import { type HttpResult, parseJsonObject, type WebhookRequest } from '../http.js';
import { carriedPayload, equalsIgnoreCase } from '../normalized.js';
import { constraintsHold } from '../pubsub/normalize.js';
import { verifyHubSignature256, verifyToken } from '../signatures.js';

const SOURCE = /^[A-Za-z0-9._-]{1,100}$/;

function secretKeyFor(source: string): string {
  return `webhook:${source}`;
}

function verified(secret: string, request: WebhookRequest): boolean {
  return (
    verifyHubSignature256(secret, request.rawBody, request.headers['x-hub-signature-256']) ||
    verifyToken(secret, request.headers['x-webhook-token'] ?? request.query.token)
  );
}

function matchWebhookTrigger(config: TriggerConfig, source: string, payload: Readonly<Record<string, unknown>>): MatchResult {
  const c = config as TriggerConfig & { source?: unknown; payloadConstraints?: unknown };
  if (!equalsIgnoreCase(c.source, source)) return { matched: false };
  const held = constraintsHold(c.payloadConstraints, payload);
  return held.ok ? { matched: true } : { matched: false, reason: `payload constraint: ${held.reason}` };
}

/** The trigger object Echo builds: type, source, the payload, and the payload's parameters. */
function webhookTrigger(source: string, payload: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const parameters = payload.parameters;
  return {
    type: 'webhook',
    source,
    ...carriedPayload(payload),
    ...(typeof parameters === 'object' && parameters !== null && !Array.isArray(parameters) ? { parameters } : {}),
  };
}

export async function handleGenericWebhook(request: WebhookRequest, deps: TriggerDeps, sourceName?: string): Promise<HttpResult> {
  const source = (sourceName ?? '').trim();
  if (!SOURCE.test(source)) throw new MalformedEventError(`webhook source '${source}' must be 1-100 letters, digits, '.', '_' or '-'`);
  const secret = await deps.secrets.forSource(secretKeyFor(source));
  if (secret !== undefined ? !verified(secret, request) : !deps.secrets.allowUnsigned) {
    throw new BadSignatureError(
      secret !== undefined
        ? `the ${source} webhook delivery does not verify with its secret`
        : `no secret is configured for webhook source '${source}' (${secretKeyFor(source)}): unsigned deliveries are refused`,
    );
  }
  const payload = parseJsonObject(request.rawBody);
  const result = await startMatchingPipelines(
    // Deduplicated on the body, which the signature covers (a redelivery sends the same body).
    {
      source: secretKeyFor(source),
      deliveryKey: `body-${createHash('sha256').update(request.rawBody).digest('hex')}`,
      trigger: webhookTrigger(source, payload),
    },
    triggerTypesFiredBy('webhook'),
    (config) => matchWebhookTrigger(config, source, payload),
    deps,
  );
  return { status: 202, body: { source, outcomes: result.outcomes } };
}
