/**
 * Webhook secrets from Secrets Manager, cached briefly per container. Values are only ever handed
 * to the signature checks: never logged, never stored, never put into a trigger object.
 *
 * GENNAKER_WEBHOOK_SECRETS_ID names one secret for the webhook sources: a JSON object
 * {"github": "...", "gitlab": "...", "bitbucket": "...", "jenkins": "...", "build": "..."}, or a
 * plain string used for every source. A git trigger's own `secret` names another secret (id or
 * ARN) that deliveries for that trigger must also be signed with.
 */
import { GetSecretValueCommand, ResourceNotFoundException, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Clock } from '../core/stage-api.js';
import { systemClock } from '../core/stage-api.js';
import { triggerClients } from './clients.js';

export const WEBHOOK_SECRETS_ENV = 'GENNAKER_WEBHOOK_SECRETS_ID';
const ALLOW_UNSIGNED_ENV = 'GENNAKER_ALLOW_UNSIGNED_WEBHOOKS';

export interface SecretSource {
  /** The secret's string value; undefined when no such secret exists. */
  get(secretId: string): Promise<string | undefined>;
}

export class SecretsManagerSource implements SecretSource {
  private readonly cache = new Map<string, { value: string | undefined; until: number }>();
  /** One request per secret at a time: a burst of deliveries shares it. */
  private readonly pending = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly client: () => SecretsManagerClient = triggerClients.secretsManager,
    private readonly clock: Clock = systemClock,
    private readonly ttlMs = 5 * 60_000,
  ) {}

  async get(secretId: string): Promise<string | undefined> {
    const hit = this.cache.get(secretId);
    if (hit && hit.until > this.clock.now()) return hit.value;
    let request = this.pending.get(secretId);
    if (!request) {
      request = this.fetch(secretId).finally(() => this.pending.delete(secretId));
      this.pending.set(secretId, request);
    }
    return request;
  }

  private async fetch(secretId: string): Promise<string | undefined> {
    let value: string | undefined;
    try {
      const out = await this.client().send(new GetSecretValueCommand({ SecretId: secretId }));
      value = out.SecretString ?? (out.SecretBinary ? Buffer.from(out.SecretBinary).toString('utf8') : undefined);
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      value = undefined;
    }
    this.cache.set(secretId, { value, until: this.clock.now() + this.ttlMs });
    return value;
  }
}

/** Where a webhook source's shared secret comes from. */
export interface WebhookSecrets {
  /** The secret for a source (github, gitlab, bitbucket, jenkins, build); undefined if none is configured. */
  forSource(source: string): Promise<string | undefined>;
  /** A trigger's own secret by reference; undefined if it does not resolve. */
  byReference(reference: string): Promise<string | undefined>;
  /** Deliveries nobody can verify are accepted only when this is set (local experiments). */
  readonly allowUnsigned: boolean;
}

export function webhookSecrets(source: SecretSource, options: { secretsId?: string; allowUnsigned?: boolean } = {}): WebhookSecrets {
  return {
    allowUnsigned: options.allowUnsigned ?? false,
    async forSource(name) {
      if (!options.secretsId) return undefined;
      const value = await source.get(options.secretsId);
      if (value === undefined) return undefined;
      const trimmed = value.trim();
      if (!trimmed.startsWith('{')) return value;
      try {
        const map = JSON.parse(trimmed) as Record<string, unknown>;
        const entry = map[name];
        return typeof entry === 'string' && entry.length > 0 ? entry : undefined;
      } catch {
        return undefined;
      }
    },
    async byReference(reference) {
      return source.get(reference);
    },
  };
}

export function webhookSecretsFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
  source: SecretSource = new SecretsManagerSource(),
): WebhookSecrets {
  const secretsId = env[WEBHOOK_SECRETS_ENV];
  return webhookSecrets(source, { ...(secretsId ? { secretsId } : {}), allowUnsigned: env[ALLOW_UNSIGNED_ENV] === 'true' });
}
