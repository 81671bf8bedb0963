/**
 * Decomposes a stage DAG into the shapes Step Functions can express directly:
 * series (one after another) and parallel (independent branches). Where the DAG is not
 * series-parallel (it contains an "N": A→C, A→D, B→D) the smallest block that is not becomes a
 * mesh: branches that are chains of direct dependencies, plus explicit awaits for the remaining
 * cross-branch edges, so that no stage ever waits for a stage it does not depend on.
 */
import { type StageGraph, topologicalOrder } from './graph.js';

export type Block =
  | { readonly kind: 'stage'; readonly refId: string }
  | { readonly kind: 'series'; readonly items: readonly Block[] }
  | { readonly kind: 'parallel'; readonly branches: readonly Block[] }
  | { readonly kind: 'mesh'; readonly chains: readonly MeshChain[] };

export interface MeshChain {
  readonly refIds: readonly string[];
  /** For a stage of this chain: the stages of other chains it must wait for first. */
  readonly awaits: ReadonlyMap<string, readonly string[]>;
}

/** Ancestors of every stage, computed once in topological order. */
function ancestorSets(graph: StageGraph, order: readonly string[]): Map<string, Set<string>> {
  const ancestors = new Map<string, Set<string>>();
  for (const id of order) {
    const set = new Set<string>();
    for (const parent of graph.parents.get(id) ?? []) {
      set.add(parent);
      for (const a of ancestors.get(parent) ?? []) set.add(a);
    }
    ancestors.set(id, set);
  }
  return ancestors;
}

export function decompose(graph: StageGraph): Block {
  const order = topologicalOrder(graph);
  const ancestors = ancestorSets(graph, order);
  const position = new Map(order.map((id, i) => [id, i]));
  if (order.length === 0) return { kind: 'series', items: [] };
  return decomposeBlock(order, graph, ancestors, position);
}

function decomposeBlock(block: readonly string[], graph: StageGraph, ancestors: Map<string, Set<string>>, position: Map<string, number>): Block {
  if (block.length === 1) return { kind: 'stage', refId: block[0]! };
  const recurse = (part: readonly string[]) => decomposeBlock(part, graph, ancestors, position);

  const components = connectedComponents(block, graph);
  if (components.length > 1) return { kind: 'parallel', branches: components.map(recurse) };

  const segments = seriesSegments(block, ancestors);
  if (segments.length > 1) {
    const items = segments.map(recurse).flatMap((b) => (b.kind === 'series' ? b.items : [b]));
    return { kind: 'series', items };
  }
  return mesh(block, graph, position);
}

/** Weakly connected components over edges inside the block, each in the block's order. */
function connectedComponents(block: readonly string[], graph: StageGraph): string[][] {
  const members = new Set(block);
  const root = new Map(block.map((id) => [id, id]));
  const find = (id: string): string => {
    let r = id;
    while (root.get(r) !== r) r = root.get(r)!;
    root.set(id, r);
    return r;
  };
  for (const id of block) {
    for (const parent of graph.parents.get(id) ?? []) {
      if (members.has(parent)) root.set(find(id), find(parent));
    }
  }
  const groups = new Map<string, string[]>();
  for (const id of block) {
    const r = find(id);
    groups.set(r, [...(groups.get(r) ?? []), id]);
  }
  return [...groups.values()];
}

/**
 * Splits a topologically ordered block at every position i where each later stage has all earlier
 * stages among its ancestors (so running the later part after the whole earlier part delays nothing).
 */
function seriesSegments(block: readonly string[], ancestors: Map<string, Set<string>>): string[][] {
  const n = block.length;
  // firstMissing[j]: the first earlier position that is not an ancestor of block[j].
  const firstMissing = block.map((id, j) => {
    const anc = ancestors.get(id)!;
    let k = 0;
    while (k < j && anc.has(block[k]!)) k++;
    return k;
  });
  const segments: string[][] = [];
  let start = 0;
  let suffixMin = Number.POSITIVE_INFINITY;
  const cuts: boolean[] = new Array<boolean>(n).fill(false);
  for (let i = n - 1; i >= 1; i--) {
    suffixMin = Math.min(suffixMin, firstMissing[i]!);
    cuts[i] = suffixMin >= i;
  }
  for (let i = 1; i < n; i++) {
    if (cuts[i]) {
      segments.push(block.slice(start, i));
      start = i;
    }
  }
  segments.push(block.slice(start));
  return segments;
}

/** Greedy path cover: each stage extends the chain of its earliest direct requisite still at a chain's end. */
function mesh(block: readonly string[], graph: StageGraph, position: Map<string, number>): Block {
  const members = new Set(block);
  const chainOf = new Map<string, number>();
  const chains: string[][] = [];
  for (const id of block) {
    const parents = (graph.parents.get(id) ?? []).filter((p) => members.has(p)).sort((a, b) => position.get(a)! - position.get(b)!);
    const tail = parents.find((p) => {
      const chain = chains[chainOf.get(p)!]!;
      return chain[chain.length - 1] === p;
    });
    if (tail === undefined) {
      chainOf.set(id, chains.length);
      chains.push([id]);
    } else {
      const index = chainOf.get(tail)!;
      chains[index]!.push(id);
      chainOf.set(id, index);
    }
  }
  return {
    kind: 'mesh',
    chains: chains.map((refIds) => {
      const awaits = new Map<string, string[]>();
      refIds.forEach((id, i) => {
        const predecessor = i > 0 ? refIds[i - 1] : undefined;
        // Same-chain requisites are done already: the chain runs in order.
        const others = (graph.parents.get(id) ?? []).filter((p) => members.has(p) && p !== predecessor && !refIds.includes(p));
        if (others.length > 0) awaits.set(id, others);
      });
      return { refIds, awaits };
    }),
  };
}
