/**
 * A compiled state machine as a Graphviz digraph: the graph the Step Functions console draws
 * (states, Next and Default edges solid, Catch edges dashed, Parallel branches as clusters). Pure;
 * `npx tsx docs/graphs/render.ts` writes the pictures in docs/graphs.
 */
import type { AslBranch, AslState } from '../compiler/asl.js';

const quote = (text: string) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

const SHAPES: Record<AslState['Type'], string> = {
  Task: 'box, style="rounded,filled", fillcolor="#e8f0fe"',
  Choice: 'diamond, style=filled, fillcolor="#fff4e5"',
  Wait: 'box, style="dashed,rounded"',
  Pass: 'box',
  Parallel: 'box, style=bold',
  Succeed: 'oval, style=filled, fillcolor="#e6f4ea"',
  Fail: 'oval, style=filled, fillcolor="#fce8e6"',
};

export function aslDot(machine: AslBranch, title = 'state machine'): string {
  const lines = [`digraph ${quote(title)} {`, '  rankdir=TB;', '  node [fontname="Helvetica", fontsize=11];', '  edge [fontname="Helvetica", fontsize=9];'];
  let clusters = 0;
  // State names are unique across the whole machine, branches included, so they serve as node ids.
  const branch = (states: AslBranch['States'], indent: string) => {
    for (const [name, state] of Object.entries(states)) {
      lines.push(`${indent}${quote(name)} [shape=${SHAPES[state.Type]}];`);
      if (state.Type === 'Parallel') {
        for (const sub of state.Branches) {
          lines.push(`${indent}subgraph cluster_${clusters++} {`, `${indent}  style=dotted;`);
          branch(sub.States, `${indent}  `);
          lines.push(`${indent}}`);
          lines.push(`${indent}${quote(name)} -> ${quote(sub.StartAt)} [style=dotted, arrowhead=none];`);
        }
      }
      for (const edge of edgesOf(state)) lines.push(`${indent}${quote(name)} -> ${quote(edge.to)}${edge.attributes ? ` [${edge.attributes}]` : ''};`);
    }
  };
  branch(machine.States, '  ');
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function edgesOf(state: AslState): Array<{ to: string; attributes?: string }> {
  const edges: Array<{ to: string; attributes?: string }> = [];
  if ('Next' in state && state.Next !== undefined) edges.push({ to: state.Next });
  if (state.Type === 'Choice') {
    for (const rule of state.Choices) edges.push({ to: rule.Next, attributes: 'label="wait"' });
    edges.push({ to: state.Default });
  }
  if ((state.Type === 'Task' || state.Type === 'Parallel') && state.Catch) {
    for (const c of state.Catch)
      edges.push({ to: c.Next, attributes: `style=dashed, label=${quote(c.ErrorEquals.map((e) => e.replace('Gennaker.', '')).join(', '))}` });
  }
  return edges;
}
