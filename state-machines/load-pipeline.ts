/**
 * The one pipeline loader behind `gennaker validate`, local runs and the CDK app: a document read
 * and validated (pipeline-document.ts), then compiled to check the definition's budget (a pipeline
 * that validates may still be too big to deploy as one state machine). Pure.
 */
import { compilePipeline, definitionProblems } from './compiler/compile.js';
import { type LoadedPipeline, type PipelineDocument, type ReadOptions, readPipelineDocument } from './pipeline-document.js';

export function loadPipelineDocument(doc: PipelineDocument, options: ReadOptions = {}): LoadedPipeline {
  const read = readPipelineDocument(doc, options);
  if (!read.pipeline) return read;
  const budget = definitionProblems(compilePipeline(read.pipeline));
  return budget.length > 0 ? { source: read.source, disabled: false, errors: budget, warnings: read.warnings } : read;
}
