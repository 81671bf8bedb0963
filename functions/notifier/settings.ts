/**
 * The notification settings an operator gives the platform (Echo's `slack:` block): where Slack
 * messages go. `webhookUrl` is a Slack incoming webhook (Echo's `slack.token` with
 * `useIncomingWebhook`), written as a secret reference since the URL is the credential; a
 * pipeline's `slack` notification names the channel in `address`, as in Spinnaker.
 */
import * as z from 'zod/mini';
import '../../state-machines/zod-messages.js';
import { GennakerError } from '../../state-machines/errors.js';
import { jsonPath } from '../../state-machines/model/problems.js';

/** The settings file the notifier reads (bundled as JSON beside it). */
export const NOTIFICATION_SETTINGS_FILE_ENV = 'GENNAKER_NOTIFICATION_SETTINGS_FILE';

const NotificationSettingsSchema = z.strictObject({
  slack: z.optional(
    z.strictObject({
      /** A Slack incoming-webhook URL, as a secret reference. */
      webhookUrl: z.string().check(z.minLength(1)),
      /** Posted as the message's sender name. */
      username: z.optional(z.string()),
    }),
  ),
});

export type NotificationSettings = z.infer<typeof NotificationSettingsSchema>;

class NotificationSettingsError extends GennakerError {
  override readonly name = 'NotificationSettingsError';
  override readonly kind = 'input';
}

export function parseNotificationSettings(document: unknown, source = NOTIFICATION_SETTINGS_FILE_ENV): NotificationSettings {
  const parsed = NotificationSettingsSchema.safeParse(document ?? {});
  if (!parsed.success) {
    throw new NotificationSettingsError(`${source}: ${parsed.error.issues.map((i) => `${jsonPath(i.path)}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}
