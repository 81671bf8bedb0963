/**
 * http/file and github/file artifacts through the cloud stages' reader (the safe HTTP client of
 * functions/core/http), against real HTTP servers on 127.0.0.1; a GitHub account's token is a secret
 * reference read from moto's Secrets Manager for the call.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readArtifactText } from '../../../functions/core/artifacts/read.js';
import { parseArtifactSettings } from '../../../functions/core/artifacts/settings.js';
import { resetClientCache, secretsManagerClient } from '../../../functions/core/aws-clients.js';
import { SecretScope } from '../../../functions/core/secrets/scope.js';
import { secretsManagerFetcher } from '../../../functions/core/secrets/secrets-manager.js';
import { cloudEnv } from '../../../functions/stages/cloud/deps.js';
import { useMoto } from '../../support/moto.js';

useMoto();
let server: Server;
let base: string;
const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    if (req.url === '/files/task.json') return void res.end('{"family":"web"}');
    if (req.url === '/moved') return void res.writeHead(302, { location: '/files/task.json' }).end();
    if (req.url === '/to-metadata') return void res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    if (req.url?.startsWith('/repos/acme/deploy/contents/ecs/task.json')) {
      if (req.headers.authorization !== 'token ghs_artifact_token') return void res.writeHead(401).end('{"message":"Bad credentials"}');
      return void res.end('{"family":"from-github"}');
    }
    res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen.length = 0;
  resetClientCache();
});

const settings = parseArtifactSettings({
  github: { accounts: [{ name: 'gh', token: 'encrypted:secrets-manager!r:us-east-1!s:gennaker/github!k:token' }, { name: 'anonymous' }] },
});
const readersFor = (secrets?: SecretScope) => cloudEnv({ artifactSettings: async () => settings }).artifactReaders(secrets ? { secrets } : {});

describe('http/file', () => {
  it('reads the URL through the safe client, following a redirect', async () => {
    const readers = await readersFor();
    await expect(readArtifactText({ type: 'http/file', reference: `${base}/files/task.json` }, 'f', readers)).resolves.toBe('{"family":"web"}');
    await expect(readArtifactText({ type: 'http/file', reference: `${base}/moved` }, 'f', readers)).resolves.toBe('{"family":"web"}');
  });

  it('refuses a redirect to the metadata service and names an error status', async () => {
    const readers = await readersFor();
    await expect(readArtifactText({ type: 'http/file', reference: `${base}/to-metadata` }, 'taskDefinitionArtifact', readers)).rejects.toThrow(
      /taskDefinitionArtifact: the http\/file artifact cannot be read: .*169\.254\.169\.254|credential/i,
    );
    await expect(readArtifactText({ type: 'http/file', reference: `${base}/nope` }, 'f', readers)).rejects.toThrow(
      "f: the http/file artifact's server answered 404",
    );
  });
});

describe('github/file', () => {
  it('reads the contents URL at the version, with the account token resolved from Secrets Manager for the call', async () => {
    await secretsManagerClient().send(new CreateSecretCommand({ Name: 'gennaker/github', SecretString: JSON.stringify({ token: 'ghs_artifact_token' }) }));
    const secrets = new SecretScope(secretsManagerFetcher());
    const readers = await readersFor(secrets);
    const artifact = { type: 'github/file', artifactAccount: 'gh', version: 'abc123', reference: `${base}/repos/acme/deploy/contents/ecs/task.json` };
    await expect(readArtifactText(artifact, 'f', readers)).resolves.toBe('{"family":"from-github"}');
    expect(seen[0]!.url).toBe('/repos/acme/deploy/contents/ecs/task.json?ref=abc123');
    expect(seen[0]!.headers.accept).toBe('application/vnd.github.raw+json');
    // The engine scrubs what the scope resolved from anything it records.
    expect(secrets.scrub('token ghs_artifact_token')).toBe('token <redacted>');
  });

  it('names an account the setting does not have, and sends no token for one without', async () => {
    const readers = await readersFor(new SecretScope(secretsManagerFetcher()));
    const reference = `${base}/repos/acme/deploy/contents/ecs/task.json`;
    await expect(readArtifactText({ type: 'github/file', artifactAccount: 'other', reference }, 'f', readers)).rejects.toThrow(
      "f: github artifact account 'other' is not in the platform's artifacts setting (gh, anonymous)",
    );
    await expect(readArtifactText({ type: 'github/file', artifactAccount: 'anonymous', reference }, 'f', readers)).rejects.toThrow(
      "f: the github/file artifact's server answered 401",
    );
    expect(seen.at(-1)!.headers.authorization).toBeUndefined();
  });
});
