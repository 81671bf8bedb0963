/** The run's stage graph: dagre's layout of the DAG, edges in SVG, each stage a focusable button. */
import { useMemo } from 'preact/hooks';
import { elapsed } from '../format.js';
import { layoutStages, NODE_HEIGHT, NODE_WIDTH } from '../graph.js';
import { statusClass, statusLabel } from '../status.js';
import type { StageDetails } from '../../../functions/api/views.js';

export function StageGraph({
  stages,
  selected,
  onSelect,
  now,
}: {
  readonly stages: readonly StageDetails[];
  readonly selected?: string;
  readonly onSelect: (refId: string) => void;
  readonly now: number;
}) {
  // The shape only changes with the DAG, not with statuses: lay it out once per shape.
  const shape = stages.map((s) => `${s.refId}<${s.requisiteStageRefIds.join(',')}`).join(';');
  const layout = useMemo(() => layoutStages(stages), [shape]);
  const byRef = new Map(stages.map((s) => [s.refId, s]));
  return (
    <div class="graph-scroll">
      <div class="graph" style={{ width: `${layout.width}px`, height: `${layout.height}px` }} role="group" aria-label="Stages">
        <svg class="edges" width={layout.width} height={layout.height} aria-hidden="true">
          {layout.edges.map((e) => (
            <polyline key={`${e.from}-${e.to}`} points={e.points.map((p) => `${p.x},${p.y}`).join(' ')} />
          ))}
        </svg>
        {layout.nodes.map((n) => {
          const s = byRef.get(n.refId)!;
          return (
            <button
              key={n.refId}
              type="button"
              class={`stage-node ${statusClass(s.status)} ${selected === s.refId ? 'selected' : ''}`}
              style={{ left: `${n.x}px`, top: `${n.y}px`, width: `${NODE_WIDTH}px`, height: `${NODE_HEIGHT}px` }}
              aria-pressed={selected === s.refId}
              aria-label={`${s.name}: ${statusLabel(s.status)}`}
              data-ref-id={s.refId}
              data-status={s.status}
              onClick={() => onSelect(s.refId)}
            >
              <span class="stage-name">{s.name}</span>
              <span class="stage-meta">
                {statusLabel(s.status)} {elapsed(s.startTime, s.endTime, now)}
              </span>
            </button>
          );
        })}
      </div>
    </div>
  );
}
