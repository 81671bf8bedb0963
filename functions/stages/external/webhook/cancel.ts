/**
 * Best-effort cancellation of a webhook's remote work, as Orca's MonitorWebhookTask.onCancel does:
 * only when the stage sent its request and a cancelEndpoint is configured. For the cancel path
 * (lifecycle handler, `gennaker cancel`), which passes the stage's evaluated config and context.
 */
import { HttpTransportError, ResponseTooLargeError, UnsafeUrlError } from '../../../core/http/errors.js';
import type { HttpSender } from '../../../core/http/client.js';
import type { SavedContext } from '../../../core/stage-api.js';
import { urlOrigin } from '../../../core/http/redact.js';
import { parseWebhookConfig } from './config.js';
import { WEBHOOK } from './stage.js';

export type CancelOutcome = { readonly sent: false; readonly reason: string } | { readonly sent: true; readonly statusCode?: number; readonly error?: string };

/** Never throws: a failed cancellation is reported, not raised. */
export async function cancelWebhook(config: Readonly<Record<string, unknown>>, context: SavedContext, http: HttpSender): Promise<CancelOutcome> {
  const parsed = parseWebhookConfig(config);
  if (!parsed.value) return { sent: false, reason: `invalid webhook config: ${parsed.problems.join('; ')}` };
  const cancel = parsed.value.cancel;
  if (!cancel) return { sent: false, reason: 'no cancelEndpoint configured' };
  const webhook = WEBHOOK.of(context).webhook;
  if (webhook?.statusCodeValue === undefined) return { sent: false, reason: 'the webhook request was never answered, nothing to cancel' };
  const headers = { ...parsed.value.headers };
  if (cancel.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
  try {
    const response = await http({ method: cancel.method, url: cancel.url, headers, ...(cancel.body !== undefined ? { body: cancel.body } : {}) });
    return response.status >= 200 && response.status < 300
      ? { sent: true, statusCode: response.status }
      : { sent: true, statusCode: response.status, error: `cancel endpoint ${urlOrigin(cancel.url)} answered ${response.status}` };
  } catch (error) {
    if (error instanceof UnsafeUrlError) return { sent: false, reason: error.message };
    if (error instanceof HttpTransportError && error.notSent) return { sent: false, reason: error.message };
    if (error instanceof HttpTransportError || error instanceof ResponseTooLargeError) return { sent: true, error: error.message };
    return { sent: true, error: (error as Error).message ?? String(error) };
  }
}
