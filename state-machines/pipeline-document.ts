/**
 * One pipeline document → a valid pipeline, or every problem with it: parse (JSON or YAML text),
 * apply the defaults raw Spinnaker exports need, validate. The one loader (load-pipeline.ts) adds
 * the compiled definition's budget check for `validate`, `run --local` and the CDK app; the
 * trigger/API registry reads the CDK app's manifest with this alone (its documents passed the
 * budget at synth), so functions carry no compiler. Pure: the caller reads the files.
 */
import type { TextParseResult } from './model/parse-text.js';
import type { Pipeline } from './model/pipeline.js';
import type { Problem } from './model/problems.js';
import { validatePipeline } from './model/validate.js';

export interface PipelineDocument {
  /** Where it came from (a file, `manifest[2]`, 'inline definition'), for messages. */
  readonly source: string;
  /** The parsed document... */
  readonly value?: unknown;
  /** ...or its text (JSON or YAML). */
  readonly text?: string;
  /** The pipeline's name when it names none (a file's name without extension). */
  readonly defaultName?: string;
}

export interface LoadedPipeline {
  readonly source: string;
  /** Present only when there are no errors. */
  readonly pipeline?: Pipeline;
  /** Spinnaker's `disabled`: known, but nothing may start it. */
  readonly disabled: boolean;
  /**
   * The document with its defaults written in (application, name): what a manifest carries so a
   * function that reads it without the file name loads the same pipeline. Present with `pipeline`.
   */
  readonly document?: Readonly<Record<string, unknown>>;
  readonly errors: readonly Problem[];
  readonly warnings: readonly Problem[];
}

/** Parses pipeline text (state-machines/model/parse-text.ts; passed in so JSON-only readers need no YAML parser). */
type PipelineTextParser = (text: string, source?: string) => TextParseResult;

/** The application of a raw export that names none: its first deploy cluster's, else 'default'. */
function defaultApplication(raw: unknown): string {
  const stages = (raw as { stages?: unknown } | null)?.stages;
  if (!Array.isArray(stages)) return 'default';
  for (const stage of stages) {
    const clusters = (stage as { clusters?: unknown } | null)?.clusters;
    if (!Array.isArray(clusters)) continue;
    for (const cluster of clusters) {
      const application = (cluster as { application?: unknown } | null)?.application;
      if (typeof application === 'string' && application.length > 0) return application;
    }
  }
  return 'default';
}

export interface ReadOptions {
  /** Parses text documents; without it only parsed values can be read. */
  readonly parseText?: PipelineTextParser | undefined;
}

export function readPipelineDocument(doc: PipelineDocument, options: ReadOptions = {}): LoadedPipeline {
  const { parseText } = options;
  const refused = (errors: readonly Problem[], warnings: readonly Problem[] = []): LoadedPipeline => ({
    source: doc.source,
    disabled: false,
    errors,
    warnings,
  });
  let raw = doc.value;
  if (doc.text !== undefined) {
    if (!parseText) return refused([{ path: '$', message: 'pipeline text cannot be read here: give the parsed document' }]);
    const parsed = parseText(doc.text, doc.source);
    if (parsed.errors.length > 0) return refused(parsed.errors);
    raw = parsed.value;
  }
  const result = validatePipeline(raw, {
    defaults: { application: defaultApplication(raw), ...(doc.defaultName ? { name: doc.defaultName } : {}) },
  });
  if (!result.pipeline) return refused(result.errors, result.warnings);
  const pipeline = result.pipeline;
  const record = raw as Record<string, unknown>;
  return {
    source: doc.source,
    pipeline,
    disabled: record.disabled === true,
    document: { ...record, application: pipeline.application, name: pipeline.name, id: pipeline.id },
    errors: [],
    warnings: result.warnings,
  };
}
