/** The child pipelines a pipeline's `pipeline` stages start, as far as synth can know them. */
import type { Pipeline } from '../../state-machines/index.js';

export type ChildReference =
  /** Names one pipeline: `key` is "application/pipeline id or name". */
  | { readonly kind: 'static'; readonly key: string; readonly stage: string }
  /** The pipeline is an expression: any pipeline of the application (or of any, when that is an expression too). */
  | { readonly kind: 'dynamic'; readonly application?: string; readonly stage: string };

const isExpression = (value: string) => value.includes('${');

export function childReferences(pipeline: Pipeline): ChildReference[] {
  const references: ChildReference[] = [];
  for (const stage of pipeline.stages) {
    if (stage.type !== 'pipeline') continue;
    const target = stage.config.pipeline;
    const app = stage.config.application;
    const application = typeof app === 'string' && app.length > 0 ? app : pipeline.application;
    const label = `${pipeline.application}/${pipeline.name} stage '${stage.name}'`;
    if (typeof target !== 'string') continue; // the validator requires it; nothing to resolve
    if (isExpression(application)) references.push({ kind: 'dynamic', stage: label });
    else if (isExpression(target)) references.push({ kind: 'dynamic', application, stage: label });
    else references.push({ kind: 'static', key: `${application}/${target}`, stage: label });
  }
  return references;
}
