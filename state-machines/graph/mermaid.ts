/** The stage DAG as a Mermaid flowchart (`gennaker graph`). Pure. */
import type { Pipeline } from '../model/pipeline.js';

const escape = (text: string) => text.replace(/"/g, '#quot;').replace(/[<>]/g, (c) => (c === '<' ? '#lt;' : '#gt;'));

export function mermaidGraph(pipeline: Pipeline): string {
  const ids = new Map(pipeline.stages.map((s, i) => [s.refId, `s${i}`]));
  const lines = ['flowchart LR'];
  for (const stage of pipeline.stages) {
    const notes = [
      stage.type,
      stage.failurePolicy !== 'haltPipeline' ? `on failure: ${stage.failurePolicy}` : undefined,
      stage.enabledExpression !== undefined ? 'conditional' : undefined,
      stage.executionWindow ? 'window' : undefined,
    ].filter(Boolean);
    lines.push(`  ${ids.get(stage.refId)}["${escape(stage.name)}<br/><small>${escape(notes.join(', '))}</small>"]`);
  }
  for (const stage of pipeline.stages) {
    for (const parent of stage.requisiteStageRefIds) lines.push(`  ${ids.get(parent)} --> ${ids.get(stage.refId)}`);
  }
  return `${lines.join('\n')}\n`;
}
