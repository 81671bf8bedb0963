/**
 * Delivers the notification types whose address is a credential, as Echo does: Microsoft Teams
 * and Google Chat post to the incoming-webhook URL the notification's `address` holds, Slack to
 * the incoming webhook the operator's notification settings hold (the `address` is the channel).
 * The URL is a secret reference, resolved here, at send time, in a scope that lasts for this one
 * message: a pipeline's reference only if its application may use it (secret-access.ts), the
 * settings' reference as the operator's grant. The value never leaves this function: outcomes and
 * errors name the type and the server's origin, and are scrubbed of every resolved value.
 */
import { SecretScope, type SecretFetcher } from '../core/secrets/scope.js';
import { secretsManagerFetcher } from '../core/secrets/secrets-manager.js';
import { TransientStageError } from '../core/stage-errors.js';
import { GennakerError } from '../../state-machines/errors.js';
import type { SecretAccess } from '../../state-machines/model/secret-access.js';
import type { HttpRequest, HttpSender } from '../core/http/client.js';
import { HttpTransportError } from '../core/http/errors.js';
import { urlOrigin } from '../core/http/redact.js';
import type { NotificationSettings } from './settings.js';

/** One addressed notification, as the SNS topic carries it (functions/core/notifications.ts). */
export interface AddressedNotification {
  /** Spinnaker's notification type (the `channel` attribute). */
  readonly type: string;
  /** As written in the pipeline: a secret reference, a URL, a channel. */
  readonly address?: string;
  readonly application: string;
  readonly subject: string;
  readonly text: string;
}

export interface DeliveryDeps {
  readonly http: HttpSender;
  /** @default Secrets Manager */
  readonly secrets?: SecretFetcher;
  readonly settings?: NotificationSettings;
  /** @default GENNAKER_SECRET_NAME_PREFIX */
  readonly namePrefix?: string;
  /** @default the secretAccess setting bundled beside the function */
  readonly access?: SecretAccess;
}

export type DeliveryOutcome =
  | { readonly delivered: true; readonly status: number }
  /** `retry`: the failure may pass (a 5xx, 429, a connection error, Secrets Manager throttled). */
  | { readonly delivered: false; readonly reason: string; readonly retry: boolean };

/** The types this function sends, given the settings (Slack only with an incoming webhook configured). */
export function deliveredTypes(settings: NotificationSettings = {}): string[] {
  return ['googlechat', 'microsoftteams', ...(settings.slack ? ['slack'] : [])];
}

export async function deliverNotification(notification: AddressedNotification, deps: DeliveryDeps): Promise<DeliveryOutcome> {
  const scope = new SecretScope(deps.secrets ?? secretsManagerFetcher(), deps.namePrefix, {
    application: notification.application,
    ...(deps.access ? { access: deps.access } : {}),
  });
  try {
    const request = await requestFor(notification, deps.settings ?? {}, scope);
    const response = await deps.http(request);
    if (response.status >= 200 && response.status < 300) return { delivered: true, status: response.status };
    return {
      delivered: false,
      reason: scope.scrub(`the ${notification.type} webhook at ${urlOrigin(request.url)} answered ${response.status}`),
      retry: response.status >= 500 || response.status === 429,
    };
  } catch (error) {
    // Not found, refused, timed out: the message may get through later. A bad reference or a refused address will not.
    const retry = error instanceof TransientStageError || error instanceof HttpTransportError;
    return { delivered: false, reason: scope.scrub(`${notification.type} notification: ${(error as Error).message}`), retry };
  }
}

async function requestFor(notification: AddressedNotification, settings: NotificationSettings, scope: SecretScope): Promise<HttpRequest> {
  const headers = { 'Content-Type': 'application/json; charset=utf-8' };
  switch (notification.type) {
    case 'microsoftteams':
      // Echo's Teams message: a MessageCard posted to the connector URL.
      return {
        method: 'POST',
        url: await webhookUrl(notification.address, 'address', scope),
        headers,
        body: JSON.stringify({
          '@type': 'MessageCard',
          '@context': 'https://schema.org/extensions',
          summary: notification.subject,
          title: notification.subject,
          text: notification.text.replace(/\n/g, '\n\n'),
        }),
      };
    case 'googlechat':
      return { method: 'POST', url: await webhookUrl(notification.address, 'address', scope), headers, body: JSON.stringify({ text: notification.text }) };
    case 'slack': {
      if (!settings.slack) throw new NotDeliveredError('no Slack incoming webhook in the notification settings');
      scope.grant(settings.slack);
      return {
        method: 'POST',
        url: await webhookUrl(settings.slack.webhookUrl, 'slack.webhookUrl', scope),
        headers,
        body: JSON.stringify({
          text: notification.text,
          ...(notification.address ? { channel: notification.address } : {}),
          ...(settings.slack.username ? { username: settings.slack.username } : {}),
        }),
      };
    }
    default:
      throw new NotDeliveredError(`${notification.type} notifications are left to the topic's subscribers`);
  }
}

class NotDeliveredError extends GennakerError {
  override readonly name = 'NotDeliveredError';
  override readonly kind = 'input';
}

/** The URL a field holds, its reference resolved; a value that is not an http(s) URL is refused without repeating it. */
async function webhookUrl(written: string | undefined, field: string, scope: SecretScope): Promise<string> {
  if (!written?.trim()) throw new NotDeliveredError(`${field}: empty (give the incoming-webhook URL, as a secret reference)`);
  const url = (await scope.resolve(written.trim(), field)).trim();
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new NotDeliveredError(`${field}: not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new NotDeliveredError(`${field}: not an http(s) URL`);
  return url;
}
