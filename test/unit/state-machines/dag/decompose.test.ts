import { describe, expect, it } from 'vitest';
import { decompose } from '../../../../state-machines/dag/decompose.js';
import { buildGraph, findCycle, topologicalOrder } from '../../../../state-machines/dag/graph.js';

const g = (edges: Record<string, string[]>) => buildGraph(Object.entries(edges).map(([refId, requisiteStageRefIds]) => ({ refId, requisiteStageRefIds })));

describe('decompose', () => {
  it('turns a chain into a series', () => {
    expect(decompose(g({ a: [], b: ['a'], c: ['b'] }))).toEqual({
      kind: 'series',
      items: [
        { kind: 'stage', refId: 'a' },
        { kind: 'stage', refId: 'b' },
        { kind: 'stage', refId: 'c' },
      ],
    });
  });

  it('turns a diamond into series(a, parallel(b, c), d)', () => {
    expect(decompose(g({ a: [], b: ['a'], c: ['a'], d: ['b', 'c'] }))).toEqual({
      kind: 'series',
      items: [
        { kind: 'stage', refId: 'a' },
        {
          kind: 'parallel',
          branches: [
            { kind: 'stage', refId: 'b' },
            { kind: 'stage', refId: 'c' },
          ],
        },
        { kind: 'stage', refId: 'd' },
      ],
    });
  });

  it('splits K2,2 (every later stage needs every earlier one) into two parallel steps', () => {
    expect(decompose(g({ a: [], b: [], c: ['a', 'b'], d: ['a', 'b'] }))).toEqual({
      kind: 'series',
      items: [
        {
          kind: 'parallel',
          branches: [
            { kind: 'stage', refId: 'a' },
            { kind: 'stage', refId: 'b' },
          ],
        },
        {
          kind: 'parallel',
          branches: [
            { kind: 'stage', refId: 'c' },
            { kind: 'stage', refId: 'd' },
          ],
        },
      ],
    });
  });

  it('keeps an N (A→C, A→D, B→D) as a mesh where only D awaits the other branch', () => {
    const block = decompose(g({ A: [], B: [], C: ['A'], D: ['A', 'B'] }));
    expect(block.kind).toBe('mesh');
    if (block.kind !== 'mesh') return;
    expect(block.chains.map((c) => c.refIds)).toEqual([
      ['A', 'C'],
      ['B', 'D'],
    ]);
    expect(block.chains[1]!.awaits.get('D')).toEqual(['A']);
    expect(block.chains[0]!.awaits.size).toBe(0);
  });

  it('decomposes around an N: only the non-series-parallel part becomes a mesh', () => {
    const block = decompose(g({ s: [], A: ['s'], B: ['s'], C: ['A'], D: ['A', 'B'], t: ['C', 'D'] }));
    expect(block.kind).toBe('series');
    if (block.kind !== 'series') return;
    expect(block.items.map((b) => b.kind)).toEqual(['stage', 'mesh', 'stage']);
  });

  it('handles a 50-wide fan-out and fan-in', () => {
    const edges: Record<string, string[]> = { root: [] };
    for (let i = 0; i < 50; i++) edges[`m${i}`] = ['root'];
    edges.join = Array.from({ length: 50 }, (_, i) => `m${i}`);
    const block = decompose(g(edges));
    expect(block.kind === 'series' && block.items.map((b) => b.kind)).toEqual(['stage', 'parallel', 'stage']);
  });

  it('decomposes a 1,000-stage chain without deep recursion', () => {
    const edges: Record<string, string[]> = {};
    for (let i = 0; i < 1000; i++) edges[`s${i}`] = i === 0 ? [] : [`s${i - 1}`];
    const block = decompose(g(edges));
    expect(block.kind === 'series' && block.items.length).toBe(1000);
  });
});

describe('graph helpers', () => {
  it('names a cycle as a closed path', () => {
    expect(findCycle(g({ a: ['c'], b: ['a'], c: ['b'] }))).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(g({ a: [], b: ['a'] }))).toBeUndefined();
  });
  it('orders topologically, breaking ties by the order written', () => {
    expect(topologicalOrder(g({ b: [], a: [], c: ['a', 'b'] }))).toEqual(['b', 'a', 'c']);
  });
});
