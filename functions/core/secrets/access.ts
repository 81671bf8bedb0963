/**
 * The secretAccess setting as the resolving functions read it: the JSON file the platform bundles
 * beside them (GENNAKER_SECRET_ACCESS_FILE), read once, on the first reference outside an
 * application's own names; none shared when unset.
 */
import { readFileSync } from 'node:fs';
import { NO_SHARED_SECRETS, parseSecretAccess, SECRET_ACCESS_FILE_ENV, type SecretAccess } from '../../../state-machines/model/secret-access.js';
import { StageConfigError } from '../stage-errors.js';

let loaded: { readonly path: string | undefined; readonly access: SecretAccess } | undefined;

export function secretAccessFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): SecretAccess {
  const path = env[SECRET_ACCESS_FILE_ENV] || undefined;
  if (loaded && loaded.path === path) return loaded.access;
  let access = NO_SHARED_SECRETS;
  if (path) {
    let document: unknown;
    try {
      document = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    } catch (error) {
      throw new StageConfigError(`${SECRET_ACCESS_FILE_ENV}=${path}: cannot read it as JSON: ${(error as Error).name}`);
    }
    access = parseSecretAccess(document, path);
  }
  loaded = { path, access };
  return access;
}
