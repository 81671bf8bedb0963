/** What a source's normaliser returns: an event to match, or why the delivery starts nothing. */
import type * as z from 'zod/mini';
import { MalformedEventError } from './errors.js';

export type Normalized<T> = { readonly kind: 'event'; readonly event: T } | { readonly kind: 'ignored'; readonly reason: string };

export const ignored = (reason: string): { kind: 'ignored'; reason: string } => ({ kind: 'ignored', reason });

/** Parses with a zod schema, turning problems into one MalformedEventError naming the fields. */
export function parseOrRefuse<S extends z.ZodMiniType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new MalformedEventError(`not a ${what}: ${problems.join('; ')}`);
}

export function equalsIgnoreCase(a: unknown, b: unknown): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
}

/** Serialised size of a value in bytes (for keeping trigger objects small). */
export function jsonSize(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? '');
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** The state machine input and the execution item are capped; a payload this large is left out. */
export const MAX_TRIGGER_PAYLOAD_BYTES = 64 * 1024;

/** `{payload}` when it is small enough to carry, else a marker that it was left out. */
export function carriedPayload(payload: unknown): Record<string, unknown> {
  return jsonSize(payload) <= MAX_TRIGGER_PAYLOAD_BYTES ? { payload } : { payloadOmitted: `larger than ${MAX_TRIGGER_PAYLOAD_BYTES} bytes` };
}
