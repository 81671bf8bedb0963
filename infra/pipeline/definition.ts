/**
 * A pipeline definition as the CDK app receives it: an object, or the path of a JSON or YAML file.
 * Loaded by the one pipeline loader (functions/core/pipeline-files.ts, state-machines/load-pipeline.ts)
 * that `gennaker validate`, local runs and the trigger registry use; any problem fails synth with
 * every `path: message` it found.
 */
import { loadPipelineFile } from '../../functions/core/pipeline-files.js';
import type { Pipeline, Problem } from '../../state-machines/index.js';
import { loadPipelineDocument } from '../../state-machines/load-pipeline.js';
import { PipelineDefinitionError } from '../errors.js';

export type PipelineDefinition = string | Record<string, unknown>;

export interface LoadedPipeline {
  readonly pipeline: Pipeline;
  readonly warnings: readonly Problem[];
  /** The file, or 'inline definition'. */
  readonly source: string;
  /** The document with its defaults written in, as the trigger functions' manifest carries it. */
  readonly document: Readonly<Record<string, unknown>>;
}

export function loadPipeline(definition: PipelineDefinition): LoadedPipeline {
  const loaded = typeof definition === 'string' ? loadPipelineFile(definition) : loadPipelineDocument({ source: 'inline definition', value: definition });
  if (!loaded.pipeline || !loaded.document) throw new PipelineDefinitionError(loaded.source, loaded.errors);
  return { pipeline: loaded.pipeline, warnings: loaded.warnings, source: loaded.source, document: loaded.document };
}
