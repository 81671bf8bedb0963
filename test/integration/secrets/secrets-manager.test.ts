/**
 * The Secrets Manager fetcher against moto: a secret that is not there reads as absent (the scope
 * then names the reference), one that is reads as its text, and any other refusal says why without
 * the SDK's message.
 */
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetClientCache, secretsManagerClient } from '../../../functions/core/aws-clients.js';
import { secretsManagerFetcher } from '../../../functions/core/secrets/secrets-manager.js';
import { useMoto } from '../../support/moto.js';

useMoto();
beforeEach(() => resetClientCache());

const reference = (secretId: string) => ({ text: `encrypted:secrets-manager!r:us-east-1!s:${secretId}`, region: 'us-east-1', secretId });

describe('secretsManagerFetcher', () => {
  it('reads a secret that is there, and a missing one as absent', async () => {
    await secretsManagerClient().send(new CreateSecretCommand({ Name: 'gennaker/app/token', SecretString: 'value-123' }));
    const fetch = secretsManagerFetcher();
    await expect(fetch(reference('gennaker/app/token'))).resolves.toEqual({ text: 'value-123' });
    await expect(fetch(reference('gennaker/app/missing'))).resolves.toBeUndefined();
  });
});
