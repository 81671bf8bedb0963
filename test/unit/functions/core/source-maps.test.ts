import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { fileSourceMaps, mapStackTrace } from '../../../../functions/core/source-maps.js';

/** A minified bundle with a map whose handler throws from line 4 of its source. */
async function throwingBundle(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'gennaker-maps-'));
  const entry = join(dir, 'thrower.ts');
  writeFileSync(
    entry,
    ['export function handler(): never {', '  const reason = "boom";', '  // the throw below is line 4', '  throw new Error(reason);', '}', ''].join('\n'),
  );
  const outfile = join(dir, 'index.mjs');
  await build({ entryPoints: [entry], outfile, bundle: true, format: 'esm', platform: 'node', minify: true, sourcemap: true, sourcesContent: false });
  return outfile;
}

describe('mapStackTrace', () => {
  it('maps bundle frames to source lines through the map beside the bundle', async () => {
    const bundle = await throwingBundle();
    // A fresh node without --enable-source-maps, as deployed (the test runner maps stacks itself).
    const script = `const { handler } = await import(${JSON.stringify(pathToFileURL(bundle).href)}); try { handler(); } catch (e) { process.stdout.write(e.stack); }`;
    const stack = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } }).stdout;
    expect(stack).toContain('index.mjs:1:');
    const mapped = mapStackTrace(stack, fileSourceMaps());
    expect(mapped).toMatch(/thrower\.ts:4:\d+/);
    expect(mapped).not.toContain('index.mjs:1:');
  });

  it('leaves frames without a map as they are', () => {
    const stack = 'Error: x\n    at f (node:internal/process/task_queues:95:5)\n    at g (/nowhere/app.js:10:2)';
    expect(mapStackTrace(stack, fileSourceMaps())).toBe(stack);
  });
});
