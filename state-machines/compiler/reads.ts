/**
 * Which stages a stage call reads, decided at compile time so the call costs the same in a
 * 200-stage pipeline as in a 10-stage one: besides its own stage and requisites, the stages its
 * expressions name and the stages its type looks at (stage-types/registry.ts `reads`), or `all`
 * when that cannot be told from the pipeline (a free variable may be any completed stage's output).
 */
import { collectReferences } from '../expressions/references.js';
import type { StageGraph } from '../dag/graph.js';
import type { Pipeline, Stage } from '../model/pipeline.js';
import type { StagePayload } from '../contract/engine.js';
import { stageTypeInfo } from '../stage-types/index.js';

export function stageReads(stage: Stage, pipeline: Pipeline, graph: StageGraph): StagePayload['reads'] {
  const enabled =
    stage.enabledExpression === undefined ? null : stage.enabledExpression.includes('${') ? stage.enabledExpression : `\${${stage.enabledExpression}}`;
  const references = collectReferences({ config: stage.config, enabled });
  if (references.opaque) return 'all';
  const byType = stageTypeInfo(stage.type)?.reads?.(stage.config) ?? {};
  if (byType === 'all') return 'all';

  const wanted = new Set<string>(references.stageRefIds);
  const names = new Set([...references.stageNames, ...references.judgments, ...(byType.stageNames ?? [])]);
  for (const other of pipeline.stages) if (names.has(other.name)) wanted.add(other.refId);
  if (byType.upstream) for (const ancestor of ancestorsOf(stage.refId, graph)) wanted.add(ancestor);

  const known = new Set([stage.refId, ...stage.requisiteStageRefIds]);
  // Pipeline order, so the same pipeline always compiles to the same bytes.
  return pipeline.stages.map((s) => s.refId).filter((refId) => wanted.has(refId) && !known.has(refId));
}

function ancestorsOf(refId: string, graph: StageGraph): Set<string> {
  const seen = new Set<string>();
  const pending = [...(graph.parents.get(refId) ?? [])];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    pending.push(...(graph.parents.get(next) ?? []));
  }
  return seen;
}
