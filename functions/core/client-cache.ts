/**
 * Client configuration and the per-container client cache. Every client honours AWS_ENDPOINT_URL,
 * so the same code talks to moto_server in tests and local mode and to AWS in production. Clients
 * are cached per (service, region, endpoint, credentials key) because Lambda reuses them.
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';

export interface ClientOptions {
  readonly region?: string;
  /** Fixed credentials, or a provider the SDK calls (and refreshes by `expiration`), e.g. for an assumed role. */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Distinguishes cached clients that use different assumed-role credentials. */
  readonly credentialsKey?: string;
}

export interface BaseClientConfig {
  region: string;
  endpoint?: string;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  maxAttempts: number;
}

export function defaultRegion(): string {
  return process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
}

export function clientConfig(options: ClientOptions = {}): BaseClientConfig {
  const endpoint = process.env.AWS_ENDPOINT_URL;
  return {
    region: options.region ?? defaultRegion(),
    ...(endpoint ? { endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    // The SDK's standard retry mode backs off with jitter on throttling and transient errors.
    maxAttempts: Number(process.env.GENNAKER_AWS_MAX_ATTEMPTS ?? 5),
  };
}

const cache = new Map<string, unknown>();

export function cached<T>(service: string, options: ClientOptions, make: (config: BaseClientConfig) => T): T {
  const config = clientConfig(options);
  const key = `${service}|${config.region}|${config.endpoint ?? ''}|${options.credentialsKey ?? ''}`;
  let client = cache.get(key) as T | undefined;
  if (!client) {
    client = make(config);
    cache.set(key, client);
  }
  return client;
}

/** Forgets cached clients, e.g. after a test changed AWS_ENDPOINT_URL. */
export function resetClientCache(): void {
  cache.clear();
}
