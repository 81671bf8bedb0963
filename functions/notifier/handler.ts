/**
 * Lambda subscribed to the notification topic for the types whose address is a credential
 * (delivery.ts; the subscription's filter policy lets only those through). One SNS record per
 * invocation: a failure that may pass is thrown so Lambda retries the asynchronous delivery (then
 * the dead-letter queue); one that will not (a bad reference, a refused address) is logged and
 * acknowledged. Logs carry the type, application, pipeline and outcome, never an address.
 *
 * Environment: GENNAKER_SECRET_NAME_PREFIX, GENNAKER_SECRET_ACCESS_FILE, GENNAKER_NOTIFICATION_SETTINGS_FILE.
 */
import { readFileSync } from 'node:fs';
import type { SNSEvent, SNSEventRecord } from 'aws-lambda';
import { httpSender } from '../core/http/client.js';
import { type Log, powertoolsLog } from '../core/log.js';
import { lambdaHandler } from '../core/lambda-wrapper.js';
import { type AddressedNotification, deliverNotification, type DeliveryDeps } from './delivery.js';
import { NOTIFICATION_SETTINGS_FILE_ENV, type NotificationSettings, parseNotificationSettings } from './settings.js';
import { GennakerError } from '../../state-machines/errors.js';

/** A delivery that may pass later: thrown so Lambda retries the invocation (the reason names no value). */
class NotificationRetryError extends GennakerError {
  override readonly name = 'NotificationRetryError';
  override readonly kind = 'transient';
}

/** The addressed copy SnsNotifier publishes (a `channel` attribute); undefined for anything else. */
function notificationOfSnsRecord(record: SNSEventRecord): AddressedNotification | undefined {
  const attribute = (name: string) => record.Sns.MessageAttributes?.[name]?.Value;
  const type = attribute('channel');
  const application = attribute('application');
  if (!type || !application) return undefined;
  const address = attribute('address');
  return { type, application, subject: record.Sns.Subject ?? `[Gennaker] ${application}`, text: record.Sns.Message, ...(address ? { address } : {}) };
}

export interface NotifierDeps extends DeliveryDeps {
  readonly log: Log;
}

export async function handleNotifications(event: SNSEvent, deps: NotifierDeps): Promise<void> {
  for (const record of event.Records ?? []) {
    const notification = notificationOfSnsRecord(record);
    if (!notification) {
      deps.log.warn('not an addressed notification: ignored', { messageId: record.Sns?.MessageId });
      continue;
    }
    const fields = { type: notification.type, application: notification.application, pipeline: record.Sns.MessageAttributes?.pipeline?.Value };
    const outcome = await deliverNotification(notification, deps);
    if (outcome.delivered) {
      deps.log.info('notification delivered', { ...fields, status: outcome.status });
    } else if (outcome.retry) {
      deps.log.warn('notification not delivered; retried', { ...fields, reason: outcome.reason });
      throw new NotificationRetryError(outcome.reason);
    } else {
      deps.log.error('notification not delivered', { ...fields, reason: outcome.reason });
    }
  }
}

function settingsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): NotificationSettings {
  const path = env[NOTIFICATION_SETTINGS_FILE_ENV];
  return path ? parseNotificationSettings(JSON.parse(readFileSync(path, 'utf8')) as unknown, path) : {};
}

let deps: NotifierDeps | undefined;

export const handler = lambdaHandler(async (event: SNSEvent): Promise<void> => {
  deps ??= { http: httpSender(), settings: settingsFromEnv(), log: powertoolsLog() };
  await handleNotifications(event, deps);
});
