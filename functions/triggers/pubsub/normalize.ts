/**
 * SNS messages (the Lambda SNS event) → Spinnaker's pubsub trigger object
 * `{type: 'pubsub', pubsubSystem: 'amazon', subscriptionName, messageId, payload, attributes}`.
 * Pure.
 *
 * A pubsub trigger (`{type: 'pubsub', pubsubSystem: 'amazon', subscriptionName, payloadConstraints,
 * attributeConstraints}`) matches messages of the topic it names (name or ARN) whose payload and
 * message attributes satisfy every constraint with Echo's semantics: the key must be present and
 * not null, and the constraint is a regular expression found somewhere in the value.
 */
import * as z from 'zod/mini';
import '../../../state-machines/zod-messages.js';
import type { TriggerConfig } from '../../../state-machines/model/schema.js';
import type { MatchResult } from '../dispatch.js';
import { MalformedEventError } from '../errors.js';
import { carriedPayload, MAX_TRIGGER_PAYLOAD_BYTES } from '../normalized.js';
import { matchesSomewhere } from '../regex.js';
import { isHandledPubsubSystem } from '../../../state-machines/triggers/trigger-types.js';

export interface SnsMessage {
  readonly messageId: string;
  readonly topicArn: string;
  readonly topicName: string;
  readonly subject?: string;
  readonly message: string;
  /** The message as a JSON object, when it is one. */
  readonly payload?: Readonly<Record<string, unknown>>;
  readonly attributes: Readonly<Record<string, string>>;
}

const SnsEvent = z.object({
  Records: z
    .array(
      z.looseObject({
        Sns: z.looseObject({
          MessageId: z.string().check(z.minLength(1)),
          TopicArn: z.string().check(z.minLength(1)),
          Subject: z.nullish(z.string()),
          Message: z.string(),
          MessageAttributes: z.optional(z.record(z.string(), z.looseObject({ Type: z.optional(z.string()), Value: z.optional(z.string()) }))),
        }),
      }),
    )
    .check(z.minLength(1)),
});

export function normalizeSnsEvent(event: unknown): SnsMessage[] {
  const parsed = SnsEvent.safeParse(event);
  if (!parsed.success) {
    throw new MalformedEventError(
      `not an SNS event: ${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ')}`,
    );
  }
  return parsed.data.Records.map(({ Sns }) => {
    let payload: Record<string, unknown> | undefined;
    try {
      const value = JSON.parse(Sns.Message) as unknown;
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) payload = value as Record<string, unknown>;
    } catch {
      payload = undefined;
    }
    const attributes: Record<string, string> = {};
    for (const [name, a] of Object.entries(Sns.MessageAttributes ?? {})) if (a.Value !== undefined) attributes[name] = a.Value;
    return {
      messageId: Sns.MessageId,
      topicArn: Sns.TopicArn,
      topicName: Sns.TopicArn.split(':').at(-1) ?? Sns.TopicArn,
      ...(Sns.Subject ? { subject: Sns.Subject } : {}),
      message: Sns.Message,
      ...(payload ? { payload } : {}),
      attributes,
    };
  });
}

export function pubsubTrigger(message: SnsMessage): Record<string, unknown> {
  return {
    type: 'pubsub',
    pubsubSystem: 'amazon',
    subscriptionName: message.topicName,
    topicArn: message.topicArn,
    messageId: message.messageId,
    ...(message.subject ? { subject: message.subject } : {}),
    ...carriedPayload(message.payload ?? {}),
    // Echo passes a message's `parameters` to the execution as the pipeline's parameters.
    ...(parametersOf(message.payload) ? { parameters: parametersOf(message.payload) } : {}),
    // A message that is not a JSON object is carried as text (payload constraints never match it).
    ...(message.payload === undefined
      ? Buffer.byteLength(message.message) <= MAX_TRIGGER_PAYLOAD_BYTES
        ? { message: message.message }
        : { messageOmitted: `larger than ${MAX_TRIGGER_PAYLOAD_BYTES} bytes` }
      : {}),
    attributes: message.attributes,
  };
}

/** A JSON message's `parameters` object, if it carries one. */
function parametersOf(payload: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> | undefined {
  const parameters = payload?.parameters;
  return typeof parameters === 'object' && parameters !== null && !Array.isArray(parameters) ? (parameters as Record<string, unknown>) : undefined;
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Echo's constraint check: every key present and not null, its pattern found in the value. */
export function constraintsHold(constraints: unknown, values: Readonly<Record<string, unknown>> | undefined): { ok: true } | { ok: false; reason: string } {
  if (constraints === undefined || constraints === null) return { ok: true };
  if (typeof constraints !== 'object' || Array.isArray(constraints)) return { ok: false, reason: 'constraints must be a map of key to pattern' };
  for (const [key, pattern] of Object.entries(constraints)) {
    const value = values?.[key];
    if (value === undefined || value === null) return { ok: false, reason: `'${key}' is missing` };
    if (pattern !== undefined && pattern !== null && !matchesSomewhere(String(pattern), asText(value))) {
      return { ok: false, reason: `'${key}' does not match '${String(pattern)}'` };
    }
  }
  return { ok: true };
}

export function matchPubsubTrigger(config: TriggerConfig, message: SnsMessage): MatchResult {
  const c = config as TriggerConfig & {
    pubsubSystem?: unknown;
    subscriptionName?: unknown;
    topic?: unknown;
    payloadConstraints?: unknown;
    attributeConstraints?: unknown;
  };
  if (c.type === 'pubsub' && !isHandledPubsubSystem(c.pubsubSystem)) return { matched: false };
  const topic = c.subscriptionName ?? c.topic;
  if (topic !== message.topicName && topic !== message.topicArn) return { matched: false };
  const payload = constraintsHold(c.payloadConstraints, message.payload);
  if (!payload.ok) return { matched: false, reason: `payload constraint: ${payload.reason}` };
  const attributes = constraintsHold(c.attributeConstraints, message.attributes);
  if (!attributes.ok) return { matched: false, reason: `attribute constraint: ${attributes.reason}` };
  return { matched: true };
}
