/**
 * Where triggers and the API find pipelines: every pipeline with its triggers, concurrency policy
 * and parameters. In AWS the functions read a JSON manifest the CDK app bundles or passes in
 * (GENNAKER_PIPELINES_MANIFEST: the JSON itself or a file path); locally they read the pipelines/
 * directory (pipeline-files.ts). Manifest documents are read and validated as `gennaker validate`
 * reads them (state-machines/pipeline-document.ts); the CDK app checked their budget when it wrote
 * them, so functions carry neither the compiler nor a YAML parser. Invalid ones are left out and
 * reported as problems, never thrown.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pipeline } from '../../state-machines/model/pipeline.js';
import { formatProblem } from '../../state-machines/model/problems.js';
import { loadPatternEngine } from '../../state-machines/expressions/regex.js';
import { type LoadedPipeline, type PipelineDocument, readPipelineDocument } from '../../state-machines/pipeline-document.js';

const PIPELINES_MANIFEST_ENV = 'GENNAKER_PIPELINES_MANIFEST';
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

/** Entries from loaded pipelines: invalid ones and duplicates become problems; duplicates (same application and id) keep the first. */
export function collect(loaded: readonly LoadedPipeline[], problems: RegistryProblem[] = []): LoadedPipelines {
  const entries: PipelineEntry[] = [];
  const seen = new Map<string, string>();
  for (const one of loaded) {
    if (!one.pipeline) {
      problems.push(...one.errors.map((e) => ({ source: one.source, message: formatProblem(e) })));
      continue;
    }
    const key = `${one.pipeline.application}/${one.pipeline.id}`;
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push({ source: one.source, message: `pipeline ${key} is already defined by ${first}; this one is ignored` });
      continue;
    }
    seen.set(key, one.source);
    entries.push({ pipeline: one.pipeline, disabled: one.disabled, source: one.source });
  }
  return { entries, problems };
}

/** Reads a manifest: `{"pipelines": [...]}` or a bare list of pipeline JSON documents. */
function manifestDocuments(text: string, source = 'manifest'): { documents: PipelineDocument[]; problems: RegistryProblem[] } {
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
  return { documents: (list as unknown[]).map((v, i) => ({ source: `${source}[${i}]`, value: v })), problems: [] };
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
    // Validating pipelines and matching their triggers run user patterns.
    this.loaded ??= loadPatternEngine()
      .then(() => this.load())
      .catch((error: unknown) => {
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
    const source = 'file' in manifest ? manifest.file : (manifest.source ?? 'manifest');
    let text: string;
    if ('file' in manifest) {
      try {
        text = await readFile(manifest.file, 'utf8');
      } catch (error) {
        return { entries: [], problems: [{ source, message: `cannot read: ${(error as Error).message}` }] };
      }
    } else text = manifest.text;
    const { documents, problems } = manifestDocuments(text, source);
    return collect(
      documents.map((doc) => readPipelineDocument(doc)),
      problems,
    );
  });
}

/**
 * The registry a deployed function reads: GENNAKER_PIPELINES_MANIFEST (JSON text, or a file path),
 * else a bundled gennaker-pipelines.json in the working directory; undefined when there is neither.
 */
export function manifestRegistryFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd = process.cwd(),
): LoadingPipelineRegistry | undefined {
  const manifest = env[PIPELINES_MANIFEST_ENV]?.trim();
  if (manifest) {
    return manifest.startsWith('{') || manifest.startsWith('[')
      ? manifestRegistry({ text: manifest, source: PIPELINES_MANIFEST_ENV })
      : manifestRegistry({ file: manifest });
  }
  const bundled = join(cwd, BUNDLED_MANIFEST_FILE);
  return existsSync(bundled) ? manifestRegistry({ file: bundled }) : undefined;
}

/** A function's registry: its manifest; a function deployed without pipelines knows none. */
export function functionRegistryFromEnv(env: Readonly<Record<string, string | undefined>> = process.env, cwd = process.cwd()): LoadingPipelineRegistry {
  return manifestRegistryFromEnv(env, cwd) ?? new StaticPipelineRegistry([]);
}
