/** Reading artifacts by type: embedded/base64, s3/object on moto's S3 (only from the buckets the setting lists); a stage field's bound artifact. */
import { CreateBucketCommand, PutObjectCommand, PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { readArtifactText } from '../../../functions/core/artifacts/read.js';
import { ARTIFACTS_FILE_ENV, loadArtifactSettings, parseArtifactSettings } from '../../../functions/core/artifacts/settings.js';
import { boundArtifactFor } from '../../../functions/core/artifacts/stage-artifact.js';
import { resetClientCache, s3Client } from '../../../functions/core/aws-clients.js';
import { StageConfigError } from '../../../functions/core/stage-errors.js';
import { useMoto } from '../../support/moto.js';

useMoto();
const settings = parseArtifactSettings({ s3: { buckets: ['deploy-artifacts'] } });
const readers = { settings };

beforeEach(async () => {
  resetClientCache();
  await s3Client().send(new CreateBucketCommand({ Bucket: 'deploy-artifacts' }));
  await s3Client().send(new CreateBucketCommand({ Bucket: 'other-bucket' }));
});

describe('embedded/base64', () => {
  it('decodes the reference, and refuses one that is not base64', async () => {
    const reference = Buffer.from('{"family":"web"}').toString('base64');
    await expect(readArtifactText({ type: 'embedded/base64', reference }, 'taskDefinitionArtifact', readers)).resolves.toBe('{"family":"web"}');
    await expect(readArtifactText({ type: 'embedded/base64', reference: 'not base64!' }, 'f', readers)).rejects.toThrow(
      "f: the embedded/base64 artifact's reference is not base64",
    );
  });
});

describe('s3/object', () => {
  it('reads s3://bucket/key (a version when given) from a listed bucket', async () => {
    await s3Client().send(new PutBucketVersioningCommand({ Bucket: 'deploy-artifacts', VersioningConfiguration: { Status: 'Enabled' } }));
    const first = await s3Client().send(new PutObjectCommand({ Bucket: 'deploy-artifacts', Key: 'web/task.json', Body: 'one' }));
    await s3Client().send(new PutObjectCommand({ Bucket: 'deploy-artifacts', Key: 'web/task.json', Body: 'two' }));
    await expect(readArtifactText({ type: 's3/object', reference: 's3://deploy-artifacts/web/task.json' }, 'f', readers)).resolves.toBe('two');
    await expect(
      readArtifactText({ type: 's3/object', reference: 's3://deploy-artifacts/web/task.json', version: first.VersionId! }, 'f', readers),
    ).resolves.toBe('one');
  });

  it('refuses a bucket the setting does not list before any call, and names a missing object', async () => {
    await s3Client().send(new PutObjectCommand({ Bucket: 'other-bucket', Key: 'k', Body: 'secret' }));
    await expect(readArtifactText({ type: 's3/object', reference: 's3://other-bucket/k' }, 'taskDefinitionArtifact', readers)).rejects.toThrow(
      "taskDefinitionArtifact: bucket other-bucket is not one the platform's artifacts setting (s3.buckets) lets Gennaker read; it lists deploy-artifacts",
    );
    await expect(readArtifactText({ type: 's3/object', reference: 's3://deploy-artifacts/nope.json' }, 'f', readers)).rejects.toThrow(
      'f: s3://deploy-artifacts/nope.json does not exist',
    );
    await expect(readArtifactText({ type: 's3/object', reference: 'deploy-artifacts/k' }, 'f', readers)).rejects.toThrow(/s3:\/\/<bucket>\/<key>/);
  });

  it('refuses an object larger than it reads', async () => {
    await s3Client().send(new PutObjectCommand({ Bucket: 'deploy-artifacts', Key: 'big', Body: 'x'.repeat(2048) }));
    await expect(readArtifactText({ type: 's3/object', reference: 's3://deploy-artifacts/big' }, 'f', { settings, maxBytes: 1024 })).rejects.toThrow(
      /is 2048 bytes, more than the 1024 read/,
    );
  });
});

describe('types without content', () => {
  it('names docker/image and unknown types', async () => {
    await expect(readArtifactText({ type: 'docker/image', reference: 'r/web:1' }, 'f', readers)).rejects.toThrow(
      /docker\/image artifacts cannot be read .*names an image/,
    );
    await expect(readArtifactText({ type: 'gcs/object', reference: 'gs://b/k' }, 'f', readers)).rejects.toThrow(StageConfigError);
    await expect(readArtifactText({ type: 'http/file', reference: 'http://127.0.0.1/x' }, 'f', readers)).rejects.toThrow(
      'f: http/file artifacts cannot be read by this stage',
    );
  });
});

describe('boundArtifactFor (Orca getBoundArtifactForStage)', () => {
  const trigger = {
    resolvedExpectedArtifacts: [
      {
        id: 'td',
        displayName: 'task def',
        matchArtifact: { type: 's3/object', artifactAccount: 's3-main' },
        boundArtifact: { type: 's3/object', reference: 's3://deploy-artifacts/td.json' },
      },
      { id: 'unbound', matchArtifact: { type: 'docker/image' } },
    ],
  };

  it('finds an expected artifact the trigger bound by id, with its matchArtifact account', () => {
    expect(boundArtifactFor({ artifactId: 'td' }, 'taskDefinitionArtifact', trigger)).toEqual({
      type: 's3/object',
      reference: 's3://deploy-artifacts/td.json',
      artifactAccount: 's3-main',
    });
  });

  it('takes an inline artifact, or the artifact itself, with the stage account when it has none', () => {
    expect(boundArtifactFor({ artifact: { type: 'embedded/base64', reference: 'e30=', name: '' } }, 'f', trigger, 'acct')).toEqual({
      type: 'embedded/base64',
      reference: 'e30=',
      artifactAccount: 'acct',
    });
    expect(boundArtifactFor({ type: 'docker/image', reference: 'r/web:1' }, 'f', trigger)).toEqual({ type: 'docker/image', reference: 'r/web:1' });
  });

  it('names the field and the id it cannot find or that is unbound', () => {
    expect(() => boundArtifactFor({ artifactId: 'nope' }, 'taskDefinitionArtifact', trigger)).toThrow(
      "taskDefinitionArtifact.artifactId: no expected artifact with id 'nope' was resolved for this execution",
    );
    expect(() => boundArtifactFor({ artifactId: 'unbound' }, 'f', trigger)).toThrow("f.artifactId: expected artifact 'unbound' is not bound in this execution");
    expect(() => boundArtifactFor('x', 'f', trigger)).toThrow(/f: must name an artifact/);
    expect(() => boundArtifactFor({}, 'f', trigger)).toThrow(/f: names no artifact/);
  });
});

describe('artifact settings', () => {
  it('refuses a literal github token and a bad bucket name, naming where', () => {
    expect(() => parseArtifactSettings({ github: { accounts: [{ name: 'gh', token: 'ghp_literal' }] } }, 'artifacts.yml')).toThrow(
      /artifacts.yml: github.accounts\[0\].token: must be a secret reference/,
    );
    expect(() => parseArtifactSettings({ s3: { buckets: ['Not_A_Bucket'] } }, 'artifacts.yml')).toThrow(/s3.buckets.0: not an S3 bucket name/);
    expect(() => parseArtifactSettings({ gcs: {} }, 'artifacts.yml')).toThrow(/artifacts.yml/);
  });

  it('loads the bundled file the platform points at (YAML or JSON), and nothing without one', async () => {
    const files: Record<string, string> = { 'a.json': '{"s3":{"buckets":["deploy-artifacts"]}}', 'a.yml': 's3:\n  buckets: [b-one]\n' };
    const read = async (p: string) => files[p] ?? Promise.reject(new Error('ENOENT'));
    expect((await loadArtifactSettings({ [ARTIFACTS_FILE_ENV]: 'a.json' }, read)).s3Buckets).toEqual(['deploy-artifacts']);
    expect((await loadArtifactSettings({ [ARTIFACTS_FILE_ENV]: 'a.yml' }, read)).s3Buckets).toEqual(['b-one']);
    expect((await loadArtifactSettings({}, read)).s3Buckets).toEqual([]);
    await expect(loadArtifactSettings({ [ARTIFACTS_FILE_ENV]: 'gone.json' }, read)).rejects.toThrow(/cannot read GENNAKER_ARTIFACTS_FILE=gone.json/);
  });
});
