/**
 * Where triggers and the API find pipelines: every pipeline with its triggers, concurrency policy
 * and parameters. In AWS the functions read a JSON manifest the CDK app bundles or passes in
 * (GENNAKER_PIPELINES_MANIFEST: the JSON itself or a file path); locally they read the pipelines/
 * directory. Either way each pipeline is parsed and validated like `gennaker validate` does;
 * invalid ones are left out and reported as problems, never thrown.
 */
import { type Dirent, existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { parsePipelineText } from '../../state-machines/model/parse-text.js';
import type { Pipeline } from '../../state-machines/model/pipeline.js';
import { formatProblem } from '../../state-machines/model/problems.js';
import { validatePipeline } from '../../state-machines/model/validate.js';

export const PIPELINES_MANIFEST_ENV = 'GENNAKER_PIPELINES_MANIFEST';
export const PIPELINES_DIR_ENV = 'GENNAKER_PIPELINES_DIR';
/** The manifest file a function bundle may carry next to its code. */
export const BUNDLED_MANIFEST_FILE = 'gennaker-pipelines.json';

export interface PipelineEntry {
  readonly pipeline: Pipeline;
  /** Spinnaker's `disabled`: the pipeline is known but nothing may start it. */
  readonly disabled: boolean;
  /** Where it was read from (a file, or the manifest and index), for messages. */
  readonly source: string;
}

export interface RegistryProblem {
  readonly source: string;
  readonly message: string;
}

export interface PipelineRegistry {
  /** Every valid pipeline, disabled ones included (callers skip them). */
  list(): Promise<readonly PipelineEntry[]>;
  /** A pipeline by application and id or name; undefined when unknown. */
  get(application: string, idOrName: string): Promise<PipelineEntry | undefined>;
  /** What was left out while loading, and why. */
  problems(): Promise<readonly RegistryProblem[]>;
}

export interface LoadedPipelines {
  readonly entries: readonly PipelineEntry[];
  readonly problems: readonly RegistryProblem[];
}

/** A document to load: raw pipeline JSON/YAML already parsed, or text to parse. */
export interface PipelineDocument {
  readonly source: string;
  readonly value?: unknown;
  readonly text?: string;
  /** Used when the pipeline names no `name` (e.g. the file name). */
  readonly defaultName?: string;
}

/** Parses pipeline JSON/YAML text with positions (the YAML parser: loaded only where text is read). */
export type PipelineTextParser = typeof parsePipelineText;

/**
 * Parses and validates documents into entries; text documents need `parseText`. Pure; duplicates
 * (same application and id) keep the first.
 */
export function loadPipelineDocuments(documents: readonly PipelineDocument[], parseText?: PipelineTextParser): LoadedPipelines {
  const entries: PipelineEntry[] = [];
  const problems: RegistryProblem[] = [];
  const seen = new Map<string, string>();
  for (const doc of documents) {
    let value = doc.value;
    if (doc.text !== undefined) {
      if (!parseText) {
        problems.push({ source: doc.source, message: 'pipeline text cannot be read here: give the parsed document' });
        continue;
      }
      const parsed = parseText(doc.text, doc.source);
      if (parsed.errors.length > 0) {
        problems.push(...parsed.errors.map((e) => ({ source: doc.source, message: formatProblem(e) })));
        continue;
      }
      value = parsed.value;
    }
    const result = validatePipeline(value, doc.defaultName ? { defaults: { name: doc.defaultName } } : {});
    if (!result.pipeline) {
      problems.push(...result.errors.map((e) => ({ source: doc.source, message: formatProblem(e) })));
      continue;
    }
    const pipeline = result.pipeline;
    const key = `${pipeline.application}/${pipeline.id}`;
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push({ source: doc.source, message: `pipeline ${key} is already defined by ${first}; this one is ignored` });
      continue;
    }
    seen.set(key, doc.source);
    const disabled = typeof value === 'object' && value !== null && (value as { disabled?: unknown }).disabled === true;
    entries.push({ pipeline, disabled, source: doc.source });
  }
  return { entries, problems };
}

/** Reads a manifest: `{"pipelines": [...]}` or a bare list of pipeline JSON documents. */
export function manifestDocuments(text: string, source = 'manifest'): { documents: PipelineDocument[]; problems: RegistryProblem[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { documents: [], problems: [{ source, message: `not valid JSON: ${(error as Error).message}` }] };
  }
  const list = Array.isArray(value) ? value : (value as { pipelines?: unknown } | null)?.pipelines;
  if (!Array.isArray(list)) {
    return { documents: [], problems: [{ source, message: 'expected {"pipelines": [...]} or a list of pipelines' }] };
  }
  return { documents: list.map((v, i) => ({ source: `${source}[${i}]`, value: v })), problems: [] };
}

function lookup(entries: readonly PipelineEntry[], application: string, idOrName: string): PipelineEntry | undefined {
  return (
    entries.find((e) => e.pipeline.application === application && e.pipeline.id === idOrName) ??
    entries.find((e) => e.pipeline.application === application && e.pipeline.name === idOrName)
  );
}

/** A registry over a loader, loaded once (a Lambda container keeps it for its lifetime). */
export class LoadingPipelineRegistry implements PipelineRegistry {
  private loaded?: Promise<LoadedPipelines>;

  constructor(private readonly load: () => Promise<LoadedPipelines>) {}

  async list(): Promise<readonly PipelineEntry[]> {
    return (await this.loadOnce()).entries;
  }

  async get(application: string, idOrName: string): Promise<PipelineEntry | undefined> {
    return lookup(await this.list(), application, idOrName);
  }

  async problems(): Promise<readonly RegistryProblem[]> {
    return (await this.loadOnce()).problems;
  }

  /** Forgets what was loaded; the next call reads again. */
  reload(): void {
    this.loaded = undefined;
  }

  private loadOnce(): Promise<LoadedPipelines> {
    this.loaded ??= this.load().catch((error: unknown) => {
      this.loaded = undefined;
      throw error;
    });
    return this.loaded;
  }
}

/** Pipelines given in code (tests, local runs that already hold validated pipelines). */
export class StaticPipelineRegistry extends LoadingPipelineRegistry {
  constructor(pipelines: ReadonlyArray<Pipeline | PipelineEntry>) {
    const entries = pipelines.map((p) => ('pipeline' in p ? p : { pipeline: p, disabled: false, source: 'static' }));
    super(async () => ({ entries, problems: [] }));
  }
}

/** The manifest as JSON text (inline) or read from a file. */
export function manifestRegistry(manifest: { text: string; source?: string } | { file: string }): LoadingPipelineRegistry {
  return new LoadingPipelineRegistry(async () => {
    const source = 'file' in manifest ? manifest.file : manifest.source ?? 'manifest';
    let text: string;
    if ('file' in manifest) {
      try {
        text = await readFile(manifest.file, 'utf8');
      } catch (error) {
        return { entries: [], problems: [{ source, message: `cannot read: ${(error as Error).message}` }] };
      }
    } else text = manifest.text;
    const { documents, problems } = manifestDocuments(text, source);
    const loaded = loadPipelineDocuments(documents);
    return { entries: loaded.entries, problems: [...problems, ...loaded.problems] };
  });
}

const PIPELINE_EXTENSIONS = new Set(['.json', '.yml', '.yaml']);

/** Every *.json / *.yml / *.yaml under a directory (recursively); a file without `name` is named after itself. */
export function directoryRegistry(dir: string): LoadingPipelineRegistry {
  return new LoadingPipelineRegistry(async () => {
    const documents: PipelineDocument[] = [];
    const problems: RegistryProblem[] = [];
    const walk = async (path: string, depth: number): Promise<void> => {
      let items: Dirent[];
      try {
        items = (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
      } catch (error) {
        problems.push({ source: path, message: `cannot read directory: ${(error as Error).message}` });
        return;
      }
      for (const item of items) {
        if (item.name.startsWith('.')) continue;
        const full = join(path, item.name);
        if (item.isDirectory()) {
          if (depth < 8) await walk(full, depth + 1);
        } else if (PIPELINE_EXTENSIONS.has(extname(item.name).toLowerCase())) {
          try {
            documents.push({ source: full, text: await readFile(full, 'utf8'), defaultName: basename(item.name, extname(item.name)) });
          } catch (error) {
            problems.push({ source: full, message: `cannot read: ${(error as Error).message}` });
          }
        }
      }
    };
    await walk(dir, 0);
    // Functions read the JSON manifest; only directories (local runs) bring the YAML parser in.
    const { parsePipelineText } = await import('../../state-machines/model/parse-text.js');
    const loaded = loadPipelineDocuments(documents, parsePipelineText);
    return { entries: loaded.entries, problems: [...problems, ...loaded.problems] };
  });
}

/**
 * The registry for this process: GENNAKER_PIPELINES_MANIFEST (JSON text, or a file path), else a
 * bundled gennaker-pipelines.json in the working directory, else GENNAKER_PIPELINES_DIR or ./pipelines.
 */
export function pipelineRegistryFromEnv(env: Readonly<Record<string, string | undefined>> = process.env, cwd = process.cwd()): LoadingPipelineRegistry {
  const manifest = env[PIPELINES_MANIFEST_ENV]?.trim();
  if (manifest) {
    return manifest.startsWith('{') || manifest.startsWith('[')
      ? manifestRegistry({ text: manifest, source: PIPELINES_MANIFEST_ENV })
      : manifestRegistry({ file: manifest });
  }
  const bundled = join(cwd, BUNDLED_MANIFEST_FILE);
  if (existsSync(bundled)) return manifestRegistry({ file: bundled });
  return directoryRegistry(env[PIPELINES_DIR_ENV] ?? join(cwd, 'pipelines'));
}
