/**
 * Builds the console (console/src, Preact + dagre) into static files with esbuild: index.html,
 * app.js, app.css. In memory for `gennaker console` and the benchmark; on disk for the CDK asset.
 * The page takes its settings from /config.json at run time, so one build serves every deployment.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, buildSync } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface ConsoleFile {
  readonly path: string;
  readonly contentType: string;
  readonly body: Uint8Array;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

function contentTypeOf(path: string): string {
  return TYPES[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream';
}

const OPTIONS: BuildOptions = {
  entryPoints: { app: join(ROOT, 'src', 'main.tsx') },
  bundle: true,
  format: 'esm',
  target: ['chrome110', 'firefox110', 'safari16'],
  minify: true,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  logLevel: 'silent',
};

/** The console's files, keyed by URL path (`/index.html`, `/app.js`, `/app.css`). */
export async function buildConsole(): Promise<Map<string, ConsoleFile>> {
  const result = await build({ ...OPTIONS, write: false, outdir: '/' });
  const files = new Map<string, ConsoleFile>();
  for (const out of result.outputFiles) {
    const path = out.path.slice(out.path.lastIndexOf('/'));
    files.set(path, { path, contentType: contentTypeOf(path), body: out.contents });
  }
  const html = await readFile(join(ROOT, 'index.html'));
  files.set('/index.html', { path: '/index.html', contentType: contentTypeOf('.html'), body: html });
  return files;
}

/** The same, synchronously: CDK's local asset bundling cannot wait for a promise. */
export function writeConsoleSync(dir: string): void {
  mkdirSync(dir, { recursive: true });
  buildSync({ ...OPTIONS, write: true, outdir: dir });
  copyFileSync(join(ROOT, 'index.html'), join(dir, 'index.html'));
}

/** The console's source folder (what the CDK asset hashes). */
export const CONSOLE_ROOT = ROOT;
