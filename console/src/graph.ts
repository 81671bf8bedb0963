/**
 * The stage graph's layout: dagre (a maintained layered-graph layout) ranks the pipeline's DAG from
 * requisiteStageRefIds left to right, so parallel branches stand side by side in their own rows, as
 * in Deck. Pure: stages in, positions out.
 */
import dagre from '@dagrejs/dagre';

export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 58;

interface LaidOutNode {
  readonly refId: string;
  /** Top-left corner. */
  readonly x: number;
  readonly y: number;
}

interface LaidOutEdge {
  readonly from: string;
  readonly to: string;
  readonly points: ReadonlyArray<{ readonly x: number; readonly y: number }>;
}

export interface Layout {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly LaidOutNode[];
  readonly edges: readonly LaidOutEdge[];
}

export function layoutStages(stages: ReadonlyArray<{ readonly refId: string; readonly requisiteStageRefIds: readonly string[] }>): Layout {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 48, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  const known = new Set(stages.map((s) => s.refId));
  for (const s of stages) g.setNode(s.refId, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const s of stages) for (const parent of s.requisiteStageRefIds) if (known.has(parent)) g.setEdge(parent, s.refId);
  dagre.layout(g);
  const nodes = stages.map((s) => {
    const n = g.node(s.refId) as { x: number; y: number }; // dagre's layout sets them
    return { refId: s.refId, x: n.x - NODE_WIDTH / 2, y: n.y - NODE_HEIGHT / 2 };
  });
  const edges = g.edges().map((e) => ({ from: e.v, to: e.w, points: (g.edge(e) as { points?: Array<{ x: number; y: number }> }).points ?? [] }));
  const graph = g.graph() as { width?: number; height?: number };
  return { width: graph.width ?? 0, height: graph.height ?? 0, nodes, edges };
}
