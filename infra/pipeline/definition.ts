/**
 * A pipeline definition as the CDK app receives it: an object, or the path of a JSON or YAML file.
 * Read, parse, validate; any problem fails synth with every `path: message` the validator found.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parsePipelineText, type Pipeline, type Problem, validatePipeline } from '../../state-machines/index.js';
import { PipelineDefinitionError } from '../errors.js';

export type PipelineDefinition = string | Record<string, unknown>;

export interface LoadedPipeline {
  readonly pipeline: Pipeline;
  readonly warnings: readonly Problem[];
  /** The file, or 'inline definition'. */
  readonly source: string;
}

export const PIPELINE_FILE_EXTENSIONS = ['.json', '.yml', '.yaml'] as const;

export function loadPipeline(definition: PipelineDefinition): LoadedPipeline {
  const source = typeof definition === 'string' ? definition : 'inline definition';
  let raw: unknown = definition;
  let defaults: { name?: string } = {};
  if (typeof definition === 'string') {
    let text: string;
    try {
      text = readFileSync(definition, 'utf8');
    } catch (error) {
      throw new PipelineDefinitionError(source, [{ path: '$', message: `cannot read the file: ${(error as Error).message}` }], { cause: error });
    }
    const parsed = parsePipelineText(text, basename(definition));
    if (parsed.errors.length > 0) throw new PipelineDefinitionError(source, parsed.errors);
    raw = parsed.value;
    // A Spinnaker export without a name takes the file's.
    defaults = { name: basename(definition, extname(definition)) };
  }
  const result = validatePipeline(raw, { defaults });
  if (!result.pipeline) throw new PipelineDefinitionError(source, result.errors);
  return { pipeline: result.pipeline, warnings: result.warnings, source };
}
