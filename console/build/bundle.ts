/**
 * Builds the console (console/src, Preact + dagre) into static files with esbuild: index.html,
 * app.js, app.css. In memory for `gennaker console` and the benchmark; on disk for the CDK asset.
 * The page takes its settings from /config.json at run time, so one build serves every deployment.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

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

export function contentTypeOf(path: string): string {
  return TYPES[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream';
}

/** The console's files, keyed by URL path (`/index.html`, `/app.js`, `/app.css`). */
export async function buildConsole(options: { readonly minify?: boolean } = {}): Promise<Map<string, ConsoleFile>> {
  const result = await build({
    entryPoints: { app: join(ROOT, 'src', 'main.tsx') },
    bundle: true,
    format: 'esm',
    target: ['chrome110', 'firefox110', 'safari16'],
    minify: options.minify ?? true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    write: false,
    outdir: '/',
    logLevel: 'silent',
  });
  const files = new Map<string, ConsoleFile>();
  for (const out of result.outputFiles) {
    const path = out.path.slice(out.path.lastIndexOf('/'));
    files.set(path, { path, contentType: contentTypeOf(path), body: out.contents });
  }
  const html = await readFile(join(ROOT, 'index.html'));
  files.set('/index.html', { path: '/index.html', contentType: contentTypeOf('.html'), body: html });
  return files;
}

/** Writes the build to a folder (the CDK app's asset for the bucket). */
export async function writeConsole(dir: string): Promise<string[]> {
  const files = await buildConsole();
  await mkdir(dir, { recursive: true });
  await Promise.all([...files.values()].map((f) => writeFile(join(dir, f.path), f.body)));
  return [...files.keys()];
}
