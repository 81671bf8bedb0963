/** Where the project's files are, resolved from this module so synth works from any working directory. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the folder holding package.json, functions/ and infra/. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The lock file NodejsFunction hashes and bundles against. */

/** True when `relativePath` (from `root`) names an existing file. */
export function fileExists(root: string, relativePath: string): boolean {
  return existsSync(join(root, relativePath));
}
