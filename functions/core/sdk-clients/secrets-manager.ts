import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { cached, type ClientOptions } from '../client-cache.js';

export function secretsManagerClient(o: ClientOptions = {}) {
  return cached('secretsmanager', o, (c) => new SecretsManagerClient(c));
}
