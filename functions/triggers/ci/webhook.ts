/**
 * CI build notifications: POST /webhooks/jenkins/{master} (Jenkins notification plugin) and
 * POST /webhooks/build/{master} (the generic build-finished webhook).
 *
 * Authentication with the source's secret (GENNAKER_WEBHOOK_SECRETS_ID keys `jenkins`, `build`):
 * an X-Hub-Signature-256 HMAC of the body, or the secret as a token in X-Gennaker-Token or the
 * `token` query parameter (the notification plugin can only configure a URL).
 */
import type { TriggerDeps } from '../deps.js';
import { startMatchingPipelines } from '../dispatch.js';
import { BadSignatureError, MalformedEventError } from '../errors.js';
import { type HttpResult, parseJsonObject, type WebhookRequest } from '../http.js';
import { verifyHubSignature256, verifyToken } from '../signatures.js';
import { matchBuildTrigger } from './match.js';
import { buildTrigger, normalizeBuildWebhook, normalizeJenkinsNotification } from './normalize.js';
import { triggerTypesFiredBy } from '../../../state-machines/triggers/trigger-types.js';

export type BuildSource = 'jenkins' | 'build';

async function authenticateBuildDelivery(source: BuildSource, request: WebhookRequest, deps: TriggerDeps): Promise<void> {
  const secret = await deps.secrets.forSource(source);
  if (secret === undefined) {
    if (deps.secrets.allowUnsigned) return;
    throw new BadSignatureError(`no ${source} webhook secret is configured: unsigned deliveries are refused`);
  }
  const signature = request.headers['x-hub-signature-256'];
  const ok =
    signature !== undefined
      ? verifyHubSignature256(secret, request.rawBody, signature)
      : verifyToken(secret, request.headers['x-gennaker-token'] ?? request.query.token);
  if (!ok) throw new BadSignatureError(`the ${source} delivery's signature or token does not verify`);
}

export async function handleBuildWebhook(source: BuildSource, request: WebhookRequest, deps: TriggerDeps, master?: string): Promise<HttpResult> {
  await authenticateBuildDelivery(source, request, deps);
  const body = parseJsonObject(request.rawBody);
  if (source === 'jenkins' && !master) throw new MalformedEventError('the route names no Jenkins master (/webhooks/jenkins/{master})');
  const normalized = source === 'jenkins' ? normalizeJenkinsNotification(master!, body) : normalizeBuildWebhook(master, body);
  if (normalized.kind === 'ignored') {
    deps.log.info('delivery ignored', { source, reason: normalized.reason });
    return { status: 202, body: { source, ignored: normalized.reason } };
  }
  const build = normalized.event;
  const result = await startMatchingPipelines(
    { source: 'jenkins', deliveryKey: `${build.master}/${build.job}#${build.buildNumber}`, trigger: buildTrigger(build) },
    triggerTypesFiredBy('ci'),
    (config) => matchBuildTrigger(config, build),
    deps,
  );
  return { status: 202, body: { source, outcomes: result.outcomes } };
}
