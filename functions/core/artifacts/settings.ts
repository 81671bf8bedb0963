/**
 * Where artifacts may be read from: the platform's `artifacts` setting (YAML or JSON), bundled
 * beside the functions that read artifacts and named by GENNAKER_ARTIFACTS_FILE (or inline JSON in
 * GENNAKER_ARTIFACTS):
 *
 *   s3:
 *     buckets: [my-deploy-artifacts]     # s3/object artifacts come from these buckets only (IAM grants s3:GetObject on exactly them)
 *   github:
 *     accounts:
 *       - name: my-github-artifact-account   # an artifact's artifactAccount
 *         token: encrypted:secrets-manager!r:us-east-1!s:gennaker/github!k:token
 *
 * A token is a secret reference (kork-secrets syntax), resolved by the call that reads the
 * artifact and never stored; literal tokens are refused here.
 */
import { readFile } from 'node:fs/promises';
import * as z from 'zod/mini';
import '../../../state-machines/zod-messages.js';
import { referencesIn } from '../../../state-machines/model/secret-references.js';
import { GennakerError } from '../../../state-machines/errors.js';
import { parseConfigText } from '../config-text.js';

export const ARTIFACTS_ENV = 'GENNAKER_ARTIFACTS';
export const ARTIFACTS_FILE_ENV = 'GENNAKER_ARTIFACTS_FILE';

class ArtifactSettingsError extends GennakerError {
  override readonly kind = 'input';
}

// S3's bucket naming rules (3-63 characters, lower case, digits, dots and hyphens).
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const SettingsSchema = z.strictObject({
  s3: z.optional(z.strictObject({ buckets: z.array(z.string().check(z.regex(BUCKET, 'not an S3 bucket name'))) })),
  github: z.optional(
    z.strictObject({
      accounts: z.array(z.strictObject({ name: z.string().check(z.minLength(1)), token: z.optional(z.string().check(z.minLength(1))) })),
    }),
  ),
});

export interface ArtifactSettings {
  /** Buckets s3/object artifacts may be read from. */
  readonly s3Buckets: readonly string[];
  /** GitHub artifact accounts by name: the token's secret reference (none: anonymous reads). */
  readonly githubAccounts: ReadonlyMap<string, { readonly token?: string }>;
}

export const NO_ARTIFACT_SETTINGS: ArtifactSettings = { s3Buckets: [], githubAccounts: new Map() };

export function parseArtifactSettings(document: unknown, source = ARTIFACTS_FILE_ENV): ArtifactSettings {
  if (document === undefined || document === null) return NO_ARTIFACT_SETTINGS;
  const parsed = SettingsSchema.safeParse(document);
  if (!parsed.success) {
    throw new ArtifactSettingsError(`${source}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(artifacts)'}: ${i.message}`).join('; ')}`);
  }
  const problems: string[] = [];
  const accounts = new Map<string, { token?: string }>();
  parsed.data.github?.accounts.forEach((a, i) => {
    if (accounts.has(a.name)) problems.push(`github.accounts[${i}].name: '${a.name}' is named twice`);
    if (a.token !== undefined) {
      const refs = referencesIn(a.token);
      if (refs.length === 0)
        problems.push(
          `github.accounts[${i}].token: must be a secret reference (encrypted:secrets-manager!r:<region>!s:<name>[!k:<key>]), never the token itself`,
        );
      for (const ref of refs) if ('problem' in ref) problems.push(`github.accounts[${i}].token: bad secret reference: ${ref.problem}`);
    }
    accounts.set(a.name, a.token !== undefined ? { token: a.token } : {});
  });
  if (problems.length > 0) throw new ArtifactSettingsError(`${source}: ${problems.join('; ')}`);
  return { s3Buckets: [...new Set(parsed.data.s3?.buckets ?? [])], githubAccounts: accounts };
}

/** The settings this process was given (none when neither variable is set). */
export async function loadArtifactSettings(
  env: Readonly<Record<string, string | undefined>> = process.env,
  readText: (path: string) => Promise<string> = (p) => readFile(p, 'utf8'),
): Promise<ArtifactSettings> {
  const inline = env[ARTIFACTS_ENV];
  const path = env[ARTIFACTS_FILE_ENV];
  if (!inline && !path) return NO_ARTIFACT_SETTINGS;
  const source = inline ? ARTIFACTS_ENV : path!;
  let text: string;
  try {
    text = inline ?? (await readText(path!));
  } catch (error) {
    throw new ArtifactSettingsError(`cannot read ${ARTIFACTS_FILE_ENV}=${path}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = await parseConfigText(text);
  } catch (error) {
    throw new ArtifactSettingsError(`${source}: not valid YAML or JSON: ${(error as Error).message}`);
  }
  return parseArtifactSettings(document, source);
}
