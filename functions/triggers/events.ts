/**
 * Event-source triggers (EventBridge, SNS, EventBridge Scheduler) have nobody to answer with a
 * status: bad input is logged with its reason and acknowledged (a retry would not fix it), while
 * AWS failures are thrown so Lambda's retry delivers the event again (the dedupe table makes that
 * safe).
 */
import * as z from 'zod/mini';
import '../../state-machines/zod-messages.js';
import { ERROR_KINDS, GennakerError } from '../../state-machines/errors.js';
import type { Log } from '../core/log.js';

export interface EventSummary {
  readonly source: string;
  readonly outcomes?: readonly unknown[];
  readonly ignored?: string;
  readonly refused?: string;
}

export async function acknowledge(source: string, log: () => Log, work: () => Promise<EventSummary>): Promise<EventSummary> {
  try {
    return await work();
  } catch (error) {
    // By kind, not class: any error the event itself caused is acknowledged, whoever raised it.
    if (error instanceof GennakerError && !ERROR_KINDS[error.kind].redeliver) {
      log().warn('event refused', { source, reason: error.message });
      return { source, refused: error.message };
    }
    throw error;
  }
}

/** The EventBridge envelope. */
export const EventBridgeEnvelope = z.looseObject({
  id: z.string().check(z.minLength(1)),
  'detail-type': z.string(),
  source: z.string(),
  account: z.optional(z.string()),
  region: z.optional(z.string()),
  time: z.optional(z.string()),
  resources: z.optional(z.array(z.string())),
  detail: z.unknown(),
});
export type EventBridgeEvent = z.infer<typeof EventBridgeEnvelope>;
