/**
 * What a function defers past its cold start, checked on code bundled exactly as deployed
 * (infra/platform/bundling.ts) and run in a fresh node process that has no node_modules to fall
 * back on, as in Lambda: the pattern engine loads only when awaited, and only for work that may
 * run a pattern.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { esbuildOptions } from '../../infra/platform/bundling.js';
import { REPO_ROOT } from '../../infra/paths.js';

const outDir = mkdtempSync(join(tmpdir(), 'gennaker-lazy-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** Bundles `source` (an entry importing repository modules by absolute path); returns the entry file and the files it imports statically. */
async function bundled(name: string, source: string): Promise<{ file: string; atStart: string[] }> {
  const entry = join(outDir, `${name}.ts`);
  writeFileSync(entry, source);
  const file = join(outDir, name, 'index.mjs');
  const { metafile } = await build({ ...esbuildOptions(entry, file), metafile: true });
  const atStart = new Set(Object.keys(metafile.outputs).filter((path) => resolve(path) === file));
  for (const path of atStart)
    for (const i of metafile.outputs[path]!.imports) if (i.kind === 'import-statement' && i.path in metafile.outputs) atStart.add(i.path);
  return { file, atStart: [...atStart].flatMap((path) => Object.keys(metafile.outputs[path]?.inputs ?? {})) };
}

/** Imports the bundle in a fresh node (cwd outside the repository) and returns what its `main()` printed. */
function run(file: string): unknown {
  const script = `const m = await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(JSON.stringify(await m.main()));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: outDir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  expect(child.status, child.stderr).toBe(0);
  return JSON.parse(child.stdout);
}

const regexModule = JSON.stringify(join(REPO_ROOT, 'state-machines', 'expressions', 'regex.ts'));

describe('the pattern engine in a bundle', () => {
  it('GIVEN a bundled function WHEN it starts THEN the engine is not loaded, a config without pattern operations leaves it so, one with them loads it', async () => {
    const { file, atStart } = await bundled(
      'patterns',
      `import { compileUserPattern, loadPatternEngineFor } from ${regexModule};
       const attempt = () => { try { return compileUserPattern('v[0-9]+').matchesWhole('v12'); } catch (e) { return String(e.message); } };
       export async function main() {
         const before = attempt();
         await loadPatternEngineFor({ image: '\${trigger.tag}', note: 'no pattern operation here' });
         const plain = attempt();
         await loadPatternEngineFor({ ok: '\${trigger.branch.matches("release/.*")}' });
         return { before, plain, after: attempt() };
       }`,
    );
    expect(atStart.some((input) => input.includes('node_modules/re2js/'))).toBe(false);
    const result = run(file) as { before: string; plain: string; after: boolean };
    expect(result.before).toContain('the pattern engine is not loaded: await loadPatternEngine()');
    expect(result.plain).toContain('the pattern engine is not loaded');
    expect(result.after).toBe(true);
  });

  it('GIVEN a bundled function WHEN it reads its pipelines THEN the engine is loaded for their trigger patterns', async () => {
    const { file } = await bundled(
      'registry',
      `import { StaticPipelineRegistry } from ${JSON.stringify(join(REPO_ROOT, 'functions', 'core', 'pipeline-registry.ts'))};
       import { compileUserPattern } from ${regexModule};
       export async function main() {
         await new StaticPipelineRegistry([]).list();
         return compileUserPattern('feature/.*').matchesWhole('feature/x');
       }`,
    );
    expect(run(file)).toBe(true);
  });
});
