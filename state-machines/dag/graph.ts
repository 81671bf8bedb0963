/**
 * The stage graph: nodes are refIds, edges point from a requisite stage to the stage that needs it.
 * Orca's rule: a stage starts when all of its requisite stages have completed.
 */
export interface StageNode {
  readonly refId: string;
  readonly requisiteStageRefIds: readonly string[];
}

export interface StageGraph {
  readonly order: readonly string[];
  readonly parents: ReadonlyMap<string, readonly string[]>;
  readonly children: ReadonlyMap<string, readonly string[]>;
}

/** Builds adjacency; assumes refIds are unique and requisites exist (the validator checks that first). */
export function buildGraph(nodes: readonly StageNode[]): StageGraph {
  const parents = new Map<string, string[]>();
  const children = new Map<string, string[]>();
  for (const node of nodes) {
    parents.set(node.refId, [...new Set(node.requisiteStageRefIds)]);
    children.set(node.refId, []);
  }
  for (const node of nodes) {
    for (const parent of parents.get(node.refId) ?? []) children.get(parent)?.push(node.refId);
  }
  return { order: nodes.map((n) => n.refId), parents, children };
}

/** Returns one cycle as a closed path (first refId repeated at the end), or undefined. */
export function findCycle(graph: StageGraph): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  // Iterative DFS so a 10,000-stage chain cannot overflow the call stack.
  for (const root of graph.order) {
    if (state.has(root)) continue;
    const frames: Array<{ id: string; next: number }> = [{ id: root, next: 0 }];
    state.set(root, 'visiting');
    stack.push(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const kids = graph.children.get(frame.id) ?? [];
      if (frame.next < kids.length) {
        const kid = kids[frame.next++]!;
        const seen = state.get(kid);
        if (seen === 'visiting') return [...stack.slice(stack.indexOf(kid)), kid];
        if (seen === undefined) {
          state.set(kid, 'visiting');
          stack.push(kid);
          frames.push({ id: kid, next: 0 });
        }
      } else {
        state.set(frame.id, 'done');
        stack.pop();
        frames.pop();
      }
    }
  }
  return undefined;
}

/** Kahn's algorithm, ties broken by the order stages were written: deterministic. */
export function topologicalOrder(graph: StageGraph): string[] {
  const position = new Map(graph.order.map((id, i) => [id, i]));
  const indegree = new Map(graph.order.map((id) => [id, graph.parents.get(id)?.length ?? 0]));
  const ready = graph.order.filter((id) => indegree.get(id) === 0);
  const result: string[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => position.get(a)! - position.get(b)!);
    const id = ready.shift()!;
    result.push(id);
    for (const kid of graph.children.get(id) ?? []) {
      const left = indegree.get(kid)! - 1;
      indegree.set(kid, left);
      if (left === 0) ready.push(kid);
    }
  }
  return result;
}
