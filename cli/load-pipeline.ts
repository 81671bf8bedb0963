/** Reads a pipeline file (JSON or YAML) and validates it, defaulting names for raw Spinnaker exports. */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { compilePipeline, definitionProblems } from '../state-machines/compiler/compile.js';
import { parsePipelineText } from '../state-machines/model/parse-text.js';
import type { Pipeline } from '../state-machines/model/pipeline.js';
import type { Problem } from '../state-machines/model/problems.js';
import { validatePipeline } from '../state-machines/model/validate.js';

export interface LoadedPipeline {
  readonly file: string;
  readonly pipeline?: Pipeline;
  readonly errors: Problem[];
  readonly warnings: Problem[];
}

/** Raw exports often lack application/name: take them from the deploy clusters and the file name. */
function defaultsFor(file: string, raw: unknown): { application: string; name: string } {
  const name = basename(file, extname(file));
  const stages = (raw as { stages?: Array<{ clusters?: Array<{ application?: string }>; application?: string }> })?.stages;
  const fromCluster = Array.isArray(stages)
    ? stages.flatMap((s) => (Array.isArray(s?.clusters) ? s.clusters : [])).find((c) => typeof c?.application === 'string')?.application
    : undefined;
  return { application: fromCluster ?? 'default', name };
}

export async function loadPipeline(file: string): Promise<LoadedPipeline> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return { file, errors: [{ path: '$', message: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }], warnings: [] };
  }
  const parsed = parsePipelineText(text, file);
  if (parsed.errors.length > 0) return { file, errors: parsed.errors, warnings: [] };
  const result = validatePipeline(parsed.value, { defaults: defaultsFor(file, parsed.value) });
  // A pipeline that validates may still be too big to deploy as one state machine.
  const budget = result.pipeline ? definitionProblems(compilePipeline(result.pipeline)) : [];
  if (budget.length > 0) return { file, errors: budget, warnings: result.warnings };
  return { file, ...(result.pipeline ? { pipeline: result.pipeline } : {}), errors: result.errors, warnings: result.warnings };
}
