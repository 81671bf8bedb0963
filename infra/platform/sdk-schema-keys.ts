/**
 * Makes the AWS SDK's generated schema modules tree-shakeable before esbuild bundles a Lambda.
 *
 * Each v3 client keeps every operation's schema in one module (`dist-es/schemas/schemas_0.js`;
 * EC2's is 1.3 MB). The schemas are plain arrays and would be dropped when unused, but their
 * trait objects use computed keys naming module constants (`{ [_xN]: _TSa }` with
 * `const _xN = "xmlName"`), and esbuild must assume a computed key can run code (a `toString`),
 * so it keeps every schema: a Lambda that sends one EC2 command carried all 550 KB of them.
 * Spelling those keys as the string literals the constants hold changes nothing at run time and
 * lets esbuild drop the schemas no command reaches (one EC2 command: 7 KB).
 *
 * The rewrite is done in place in node_modules, once per installed file (a marker comment makes
 * it idempotent); the test suite runs the SDK's CommonJS build, which this does not touch.
 */
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../paths.js';

const MARKER = '/* gennaker: schema trait keys spelled as literals for tree-shaking */\n';
/** Top-level `const _name = "literal";` declarations, one per line as the SDK generates them. */
const STRING_CONSTANT = /^const (_\w+) = ("(?:[^"\\]|\\.)*");$/gm;
/** A computed key at the start of an object member: `{ [_xN]:` or `, [_xN]:`. */
const COMPUTED_KEY = /([{,]\s*)\[(_\w+)\]:/g;

/** The module with each computed key that names a string constant spelled as that string. */
export function resolveSchemaKeys(source: string): string {
  if (source.startsWith(MARKER)) return source;
  const constants = new Map<string, string>();
  for (const [, name, literal] of source.matchAll(STRING_CONSTANT)) constants.set(name!, literal!);
  const resolved = source.replace(COMPUTED_KEY, (whole, before: string, name: string) => {
    const literal = constants.get(name);
    return literal === undefined ? whole : `${before}${literal}:`;
  });
  return MARKER + resolved;
}

/** The schema modules of every installed v3 client (and the nested clients the credential chain uses). */
export function sdkSchemaModules(nodeModules: string): string[] {
  const scope = join(nodeModules, '@aws-sdk');
  const packages = readdirSync(scope).filter((name) => name.startsWith('client-') || name === 'nested-clients');
  const modules: string[] = [];
  for (const name of packages) {
    const root = join(scope, name, 'dist-es');
    for (const entry of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
      if (/(^|\/)schemas\/schemas_\d+\.js$/.test(entry)) modules.push(join(root, entry));
    }
  }
  return modules.sort();
}

let prepared = false;

/**
 * Rewrites every schema module not yet rewritten; returns how many it changed. Each file is
 * replaced by a rename, so a bundle running at the same time reads the old or the new text.
 */
export function prepareSdkForBundling(nodeModules = join(REPO_ROOT, 'node_modules')): number {
  if (prepared) return 0;
  let changed = 0;
  for (const file of sdkSchemaModules(nodeModules)) {
    const source = readFileSync(file, 'utf8');
    const resolved = resolveSchemaKeys(source);
    if (resolved === source) continue;
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, resolved);
    renameSync(temporary, file);
    changed++;
  }
  prepared = true;
  return changed;
}
