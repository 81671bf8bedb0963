/**
 * Webhook stages run locally against a real server on 127.0.0.1: the external family with the safe
 * HTTP client (link-local addresses refused, a 2 s timeout) in a LocalRuntime at time scale 100.
 */
import { afterEach, beforeEach } from 'vitest';
import { httpSender } from '../../../../functions/core/http/client.js';
import { MemoryNotifier } from '../../../../functions/core/notifications.js';
import { externalStages, type ExternalDeps } from '../../../../functions/stages/external/index.js';
import { LocalRuntime, type LocalRuntimeOptions } from '../../../../local/runtime.js';
import { useLocalAws } from '../../../support/local.js';
import { startServer, type TestServer } from './http-server.js';

/** The external stage family as a local runtime loads it, calling servers through the safe client. */
export function webhookFamily(deps: ExternalDeps = {}): () => ReturnType<typeof externalStages> {
  return () => externalStages({ http: httpSender({ allowLinkLocal: false, timeoutMs: 2000 }), ...deps });
}

export function webhookRuntime(deps: ExternalDeps = {}, options: LocalRuntimeOptions = {}): LocalRuntime {
  return new LocalRuntime({ timeScale: 100, tickMs: 20, families: [webhookFamily(deps)], ...options });
}

/**
 * For each test: the emulator with its tables, a fresh server, and a runtime with the family's deps
 * for that server (`deps(server.url)`) and a fresh notifier; after it, the runtime idle and the
 * server closed. Read the fields inside tests and hooks.
 */
export function useWebhookRuntime(deps: (serverUrl: string) => ExternalDeps = () => ({})): {
  readonly server: TestServer;
  readonly runtime: LocalRuntime;
  readonly notifier: MemoryNotifier;
} {
  useLocalAws();
  let current: { server: TestServer; runtime: LocalRuntime; notifier: MemoryNotifier } | undefined;
  beforeEach(async () => {
    const server = await startServer();
    const notifier = new MemoryNotifier();
    current = { server, notifier, runtime: webhookRuntime(deps(server.url), { notifier }) };
  });
  afterEach(async () => {
    await current?.runtime.idle();
    await current?.server.close();
    current = undefined;
  });
  const now = () => {
    if (!current) throw new Error('useWebhookRuntime: read it inside a test or hook');
    return current;
  };
  return {
    get server() {
      return now().server;
    },
    get runtime() {
      return now().runtime;
    },
    get notifier() {
      return now().notifier;
    },
  };
}
