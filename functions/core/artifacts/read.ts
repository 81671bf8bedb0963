/**
 * Reads an artifact's content, by type, in the function that needs it (as clouddriver's artifact
 * credentials do for Orca):
 *
 * - `embedded/base64`: the reference is the content, base64-encoded.
 * - `s3/object`: `s3://<bucket>/<key>` (version → the object version), read through the S3
 *   client, from a bucket the `artifacts` setting lists only.
 * - `http/file`: the reference is the URL, fetched by the safe HTTP client (address guard on every
 *   hop, pinned connection, size cap).
 * - `github/file`: the contents API URL (`https://api.github.com/repos/<o>/<r>/contents/<path>`),
 *   at `version` (a commit, branch or tag), with the artifact account's token, a secret
 *   reference resolved for this call only.
 *
 * `docker/image` has no content: its reference is the image, used as such by deploys.
 * Errors are StageConfigErrors naming the field (TransientStageError when worth retrying).
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { errorCode } from '../cloud/aws-errors.js';
import type { Artifact } from '../../../state-machines/model/expected-artifacts.js';
import { s3Client } from '../sdk-clients/s3.js';
import type { SecretScope } from '../secrets/scope.js';
import { StageConfigError, TransientStageError } from '../stage-errors.js';
import type { ArtifactSettings } from './settings.js';

/** A GET through a client that checks addresses (the safe client of functions/core/http). */
type ArtifactHttpGet = (url: string, headers: Readonly<Record<string, string>>) => Promise<{ readonly status: number; readonly text: string }>;

export interface ArtifactReaders {
  readonly settings: ArtifactSettings;
  /** For http/file and github/file; without it those types are refused by name. */
  readonly httpGet?: ArtifactHttpGet;
  /** Resolves github tokens; without it only accounts without a token can be read. */
  readonly secrets?: SecretScope;
  /** @default 1 MiB */
  readonly maxBytes?: number;
}

const READABLE_ARTIFACT_TYPES = ['embedded/base64', 's3/object', 'http/file', 'github/file'] as const;

const DEFAULT_MAX_BYTES = 1024 * 1024;
/** S3's codes for an object, version or bucket that is not there, and for one that may not be read: neither a retry fixes. */
const S3_MISSING = new Set(['NoSuchKey', 'NoSuchBucket', 'NotFound', 'NoSuchVersion']);
const S3_REFUSED = new Set(['AccessDenied', 'InvalidObjectState']);
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

export async function readArtifactText(artifact: Artifact, field: string, readers: ArtifactReaders): Promise<string> {
  const reference = artifact.reference;
  if (typeof reference !== 'string' || reference === '') throw new StageConfigError(`${field}: the ${artifact.type ?? ''} artifact has no reference`);
  const maxBytes = readers.maxBytes ?? DEFAULT_MAX_BYTES;
  switch (artifact.type) {
    case 'embedded/base64': {
      const compact = reference.replace(/\s+/g, '');
      if (!BASE64.test(compact)) throw new StageConfigError(`${field}: the embedded/base64 artifact's reference is not base64`);
      const bytes = Buffer.from(compact, 'base64');
      if (bytes.byteLength > maxBytes)
        throw new StageConfigError(`${field}: the embedded artifact is ${bytes.byteLength} bytes, more than the ${maxBytes} read`);
      return bytes.toString('utf8');
    }
    case 's3/object':
      return readS3(artifact, reference, field, readers.settings, maxBytes);
    case 'http/file':
      return readHttp(reference, {}, field, readers, 'http/file');
    case 'github/file':
      return readGitHub(artifact, reference, field, readers);
    default:
      throw new StageConfigError(
        `${field}: ${artifact.type ?? '(no type)'} artifacts cannot be read (readable: ${READABLE_ARTIFACT_TYPES.join(', ')}${artifact.type === 'docker/image' ? '; a docker/image artifact names an image' : ''})`,
      );
  }
}

/** `s3://bucket/key` → bucket and key; undefined when it is not that. */
export function parseS3Reference(reference: string): { bucket: string; key: string } | undefined {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(reference);
  return m ? { bucket: m[1]!, key: m[2]! } : undefined;
}

async function readS3(artifact: Artifact, reference: string, field: string, settings: ArtifactSettings, maxBytes: number): Promise<string> {
  const where = parseS3Reference(reference);
  if (!where) throw new StageConfigError(`${field}: an s3/object reference is s3://<bucket>/<key>, not ${JSON.stringify(reference)}`);
  if (!settings.s3Buckets.includes(where.bucket)) {
    const listed = settings.s3Buckets.length > 0 ? `it lists ${settings.s3Buckets.join(', ')}` : 'it lists none';
    throw new StageConfigError(`${field}: bucket ${where.bucket} is not one the platform's artifacts setting (s3.buckets) lets Gennaker read; ${listed}`);
  }
  const version = typeof artifact.version === 'string' && artifact.version !== '' ? artifact.version : undefined;
  let out;
  try {
    out = await s3Client().send(new GetObjectCommand({ Bucket: where.bucket, Key: where.key, ...(version ? { VersionId: version } : {}) }));
  } catch (error) {
    const name = errorCode(error) ?? '';
    if (S3_MISSING.has(name)) throw new StageConfigError(`${field}: ${reference}${version ? ` (version ${version})` : ''} does not exist`);
    if (S3_REFUSED.has(name)) throw new StageConfigError(`${field}: ${reference} cannot be read (${name})`);
    throw new TransientStageError(`${field}: ${reference} cannot be read now (${name || 'error'})`, { cause: error });
  }
  if ((out.ContentLength ?? 0) > maxBytes) {
    out.Body?.transformToWebStream()
      .cancel()
      .catch(() => undefined);
    throw new StageConfigError(`${field}: ${reference} is ${out.ContentLength} bytes, more than the ${maxBytes} read`);
  }
  const bytes = (await out.Body?.transformToByteArray()) ?? new Uint8Array();
  if (bytes.byteLength > maxBytes) throw new StageConfigError(`${field}: ${reference} is more than the ${maxBytes} bytes read`);
  return Buffer.from(bytes).toString('utf8');
}

async function readHttp(url: string, headers: Readonly<Record<string, string>>, field: string, readers: ArtifactReaders, type: string): Promise<string> {
  if (!readers.httpGet) throw new StageConfigError(`${field}: ${type} artifacts cannot be read by this stage`);
  let response;
  try {
    response = await readers.httpGet(url, headers);
  } catch (error) {
    const e = error as { kind?: string; message?: string };
    const message = `${field}: the ${type} artifact cannot be read: ${e.message ?? String(error)}`;
    throw e.kind === 'transient' ? new TransientStageError(message, { cause: error }) : new StageConfigError(message, { cause: error });
  }
  if (response.status >= 500 || response.status === 429) throw new TransientStageError(`${field}: the ${type} artifact's server answered ${response.status}`);
  if (response.status < 200 || response.status > 299) throw new StageConfigError(`${field}: the ${type} artifact's server answered ${response.status}`);
  return response.text;
}

async function readGitHub(artifact: Artifact, reference: string, field: string, readers: ArtifactReaders): Promise<string> {
  const accountName = artifact.artifactAccount;
  const account = accountName ? readers.settings.githubAccounts.get(accountName) : undefined;
  if (accountName && !account) {
    const known = [...readers.settings.githubAccounts.keys()];
    throw new StageConfigError(
      `${field}: github artifact account '${accountName}' is not in the platform's artifacts setting (${known.length > 0 ? known.join(', ') : 'it names none'})`,
    );
  }
  let url: URL;
  try {
    url = new URL(reference);
  } catch {
    throw new StageConfigError(`${field}: a github/file reference is the contents API URL (https://api.github.com/repos/<owner>/<repo>/contents/<path>)`);
  }
  const version = typeof artifact.version === 'string' && artifact.version !== '' ? artifact.version : undefined;
  if (version) url.searchParams.set('ref', version);
  // The raw media type answers with the file itself, not its base64 in JSON.
  const headers: Record<string, string> = { accept: 'application/vnd.github.raw+json', 'user-agent': 'gennaker' };
  if (account?.token) {
    if (!readers.secrets) throw new StageConfigError(`${field}: github account '${accountName}' has a token, but this stage cannot read secrets`);
    headers.authorization = `token ${await readers.secrets.resolve(account.token, `artifacts setting github.accounts '${accountName}'.token`)}`;
  }
  return readHttp(url.toString(), headers, field, readers, 'github/file');
}
