/**
 * Which execution records a command works on: AWS_ENDPOINT_URL when set explicitly, else the local
 * environment when it is up (from any folder inside the project), else AWS when credentials are
 * configured, else the records saved by finished local runs.
 */
import { GENNAKER } from '../local/command-name.js';
import { resetClientCache } from '../functions/core/aws-clients.js';
import { ExecutionStore } from '../functions/core/execution-store.js';
import { type LocalEnvironment, readEnvironment, useEndpoint } from '../local/environment.js';

export type Target =
  | { readonly kind: 'emulator'; readonly store: ExecutionStore; readonly environment?: LocalEnvironment }
  | { readonly kind: 'aws'; readonly store: ExecutionStore }
  | { readonly kind: 'saved' };

export async function target(): Promise<Target> {
  if (process.env.AWS_ENDPOINT_URL) return { kind: 'emulator', store: new ExecutionStore() };
  const environment = await readEnvironment();
  if (environment) {
    useEndpoint(environment.endpoint);
    resetClientCache();
    return { kind: 'emulator', store: new ExecutionStore(), environment };
  }
  if (process.env.AWS_ACCESS_KEY_ID || process.env.AWS_PROFILE) return { kind: 'aws', store: new ExecutionStore() };
  return { kind: 'saved' };
}

export const NO_ENVIRONMENT = `no local environment is up ('${GENNAKER} local up', or run a pipeline with '${GENNAKER} run --local'), and no AWS endpoint or credentials are configured (--api <url> or GENNAKER_API_URL for a deployed stack)`;
