/**
 * Webhook signature checks. Pure; every comparison is constant-time (crypto.timingSafeEqual over
 * equal-length buffers), so a caller cannot learn a secret byte by byte from response times.
 *
 *   GitHub     X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, raw body)>
 *   Bitbucket  X-Hub-Signature:     sha256=<hex HMAC-SHA256(secret, raw body)> (when a secret is set)
 *   GitLab     X-Gitlab-Token:      the secret itself
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** `sha256=<hex>` for a body and secret, as GitHub and Bitbucket compute it. */
export function hubSignature256(secret: string, body: Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Checks a `sha256=<hex>` header over the exact body bytes. */
export function verifyHubSignature256(secret: string, body: Uint8Array, header: string | undefined): boolean {
  if (!header || secret.length === 0) return false;
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!match) return false;
  const given = Buffer.from(match[1]!.toLowerCase(), 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Compares a shared token with the secret; hashing first makes the lengths equal and hides the secret's length. */
export function verifyToken(secret: string, token: string | undefined): boolean {
  if (token === undefined || secret.length === 0) return false;
  const a = createHash('sha256').update(token, 'utf8').digest();
  const b = createHash('sha256').update(secret, 'utf8').digest();
  return timingSafeEqual(a, b);
}
