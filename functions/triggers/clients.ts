/**
 * Clients this area needs beyond functions/core/aws-clients.ts, made from the same endpoint-aware
 * configuration (so tests and local mode reach the emulator) and cached per container.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { clientConfig } from '../core/client-cache.js';

const cache = new Map<string, unknown>();

function cached<T>(service: string, make: () => T): T {
  const config = clientConfig();
  const key = `${service}|${config.region}|${config.endpoint ?? ''}`;
  let client = cache.get(key) as T | undefined;
  if (!client) {
    client = make();
    cache.set(key, client);
  }
  return client;
}

export const triggerClients = {
  eventBridge: () => cached('events', () => new EventBridgeClient(clientConfig())),
  secretsManager: () => cached('secrets', () => new SecretsManagerClient(clientConfig())),
};

/** Forgets cached clients (tests that change AWS_ENDPOINT_URL). */
export function resetTriggerClients(): void {
  cache.clear();
}
