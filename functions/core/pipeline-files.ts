/**
 * Pipeline files: the one directory scan and the one way to load a file or a folder of them,
 * for the CLI, local mode, the CDK app and the registry's directory mode. Each file goes through
 * the one loader (state-machines/load-pipeline.ts). Synchronous because the CDK app builds
 * its constructs synchronously; a folder of pipelines is read once per command or process.
 * Deployed functions never import this module (they read the CDK app's JSON manifest,
 * pipeline-registry.ts): it brings the YAML parser and the compiler.
 */
import { closeSync, type Dirent, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, extname, join, relative } from 'node:path';
import { MAX_PIPELINE_FILE_BYTES, parsePipelineText, pipelineTooLarge } from '../../state-machines/model/parse-text.js';
import { loadPipelineDocument } from '../../state-machines/load-pipeline.js';
import type { LoadedPipeline } from '../../state-machines/pipeline-document.js';
import { collect, LoadingPipelineRegistry, manifestRegistryFromEnv, PIPELINES_DIR_ENV } from './pipeline-registry.js';

export type { LoadedPipeline } from '../../state-machines/pipeline-document.js';

const PIPELINE_FILE_EXTENSIONS: readonly string[] = ['.json', '.yml', '.yaml'];
/** Folders deeper than this are not read (a pipelines folder is shallow; a symlink loop is not). */
const MAX_DEPTH = 8;

function isPipelineFile(name: string): boolean {
  return PIPELINE_FILE_EXTENSIONS.includes(extname(name).toLowerCase());
}

export interface ScannedFolder {
  /** Every pipeline file under the folder, recursively, sorted by path (stable everywhere). */
  readonly files: readonly string[];
  /** Folders that could not be read, and why. */
  readonly problems: ReadonlyArray<{ readonly source: string; readonly message: string }>;
}

/** The one directory scan: *.json, *.yml and *.yaml under a folder, hidden entries skipped. */
export function scanPipelineFolder(dir: string): ScannedFolder {
  const files: string[] = [];
  const problems: Array<{ source: string; message: string }> = [];
  const walk = (path: string, depth: number): void => {
    let items: Dirent[];
    try {
      items = readdirSync(path, { withFileTypes: true });
    } catch (error) {
      problems.push({ source: path, message: `cannot read the folder: ${reason(error)}` });
      return;
    }
    for (const item of items) {
      if (item.name.startsWith('.')) continue;
      const full = join(path, item.name);
      if (item.isDirectory()) {
        if (depth < MAX_DEPTH) walk(full, depth + 1);
      } else if (isPipelineFile(item.name) && regularFile(item, full)) files.push(full);
    }
  };
  walk(dir, 0);
  files.sort((a, b) => relative(dir, a).localeCompare(relative(dir, b)));
  return { files, problems };
}

/**
 * Reads, parses, validates (defaults: the file's name, the clusters' application) and budget-checks
 * one file. A file over the size cap is refused by its size, before it is read.
 */
export function loadPipelineFile(file: string): LoadedPipeline {
  const refused = (message: string): LoadedPipeline => ({ source: file, disabled: false, errors: [{ path: '$', message }], warnings: [] });
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > MAX_PIPELINE_FILE_BYTES) return refused(pipelineTooLarge(file, size));
    const read = readCapped(file, MAX_PIPELINE_FILE_BYTES);
    if (read === undefined) return refused(pipelineTooLarge(file, undefined));
    text = read;
  } catch (error) {
    return refused(`cannot read ${file}: ${reason(error)}`);
  }
  return loadPipelineDocument({ source: file, text, defaultName: basename(file, extname(file)) }, { parseText: parsePipelineText });
}

export interface LoadedFolder {
  /** One result per file, in scan order (valid and invalid). */
  readonly files: readonly LoadedPipeline[];
  /** Folders that could not be read. */
  readonly problems: ScannedFolder['problems'];
}

/** A file, or every pipeline file under a folder. */
export function loadPipelinePath(path: string): LoadedFolder {
  let folder = false;
  try {
    folder = statSync(path).isDirectory();
  } catch {
    // Not there: loadPipelineFile says so.
  }
  if (!folder) return { files: [loadPipelineFile(path)], problems: [] };
  const scanned = scanPipelineFolder(path);
  return { files: scanned.files.map(loadPipelineFile), problems: scanned.problems };
}

export type ValidPipelineFile = LoadedPipeline & { readonly pipeline: NonNullable<LoadedPipeline['pipeline']> };

/** The valid pipelines under a folder (none if it is missing): children a local run may start, lookups by name. */
export function pipelinesIn(dir: string): ValidPipelineFile[] {
  return scanPipelineFolder(dir)
    .files.map(loadPipelineFile)
    .filter((f): f is ValidPipelineFile => f.pipeline !== undefined);
}

/** Every pipeline file under a folder, through the one scan and loader above (local runs, tests). */
export function directoryRegistry(dir: string): LoadingPipelineRegistry {
  return new LoadingPipelineRegistry(async () => {
    const folder = loadPipelinePath(dir);
    return collect(folder.files, [...folder.problems]);
  });
}

/**
 * The registry for a local process: the manifest as deployed functions read it
 * (GENNAKER_PIPELINES_MANIFEST, else a bundled gennaker-pipelines.json in the working directory),
 * else the folder GENNAKER_PIPELINES_DIR or ./pipelines.
 */
export function pipelineRegistryFromEnv(env: Readonly<Record<string, string | undefined>> = process.env, cwd = process.cwd()): LoadingPipelineRegistry {
  return manifestRegistryFromEnv(env, cwd) ?? directoryRegistry(env[PIPELINES_DIR_ENV] ?? join(cwd, 'pipelines'));
}

/** The file's text, or undefined when it has more than `cap` bytes (a device or a file that grew: its size said less). */
function readCapped(file: string, cap: number): string | undefined {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(cap + 1);
    let length = 0;
    for (let n = -1; n !== 0 && length <= cap; length += n) n = readSync(fd, buffer, length, cap + 1 - length, null);
    return length > cap ? undefined : buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

/**
 * A file to read: not a FIFO, socket or device that merely has a pipeline's name (reading a FIFO
 * waits forever). A symlink counts by what it points at; a dangling one stays, so the loader says so.
 */
function regularFile(item: Dirent, path: string): boolean {
  if (item.isFile()) return true;
  if (!item.isSymbolicLink()) return false;
  try {
    return statSync(path).isFile();
  } catch {
    return true;
  }
}

function reason(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}
