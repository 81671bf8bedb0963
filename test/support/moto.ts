/**
 * Gives a test file its own moto_server: started once, reset before every test, stopped at the end.
 * Sets AWS_ENDPOINT_URL and fake credentials so the real SDK clients talk to it.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startMoto, type MotoServer, type StartOptions } from '../../local/moto.js';

/** The emulator's extras a test file asks for (e.g. Lambda's provisioned concurrency API). */
export type MotoExtras = Pick<StartOptions, 'lambdaProvisionedConcurrency'>;

export function useMoto(extras: MotoExtras = {}): { readonly endpoint: string; server(): MotoServer } {
  let server: MotoServer | undefined;
  beforeAll(async () => {
    server = await startMoto({ ...extras, onProgress: (line) => process.stderr.write(`${line}\n`) });
    process.env.AWS_ENDPOINT_URL = server.endpoint;
    process.env.AWS_REGION = 'us-east-1';
    process.env.AWS_ACCESS_KEY_ID = 'testing';
    process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  }, 10 * 60_000); // a first run on a fresh machine installs the emulator
  beforeEach(async () => {
    await server?.reset();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return {
    get endpoint() {
      if (!server) throw new Error('moto not started yet: use it inside a test or hook');
      return server.endpoint;
    },
    server() {
      if (!server) throw new Error('moto not started yet');
      return server;
    },
  };
}
