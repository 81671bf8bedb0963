/**
 * Bounded work for bad input: reading YAML with Gennaker's duplicate-key check (one pass, a set per
 * map) against the yaml package's own check (uniqueKeys: true, each key compared with every earlier
 * one), on flat mappings of growing size. Ours should grow linearly, the package's quadratically.
 */
import { parseDocument } from 'yaml';
import { readYaml } from '../state-machines/model/yaml-text.js';
import type { BenchReport } from './report.js';

function ms(run: () => unknown): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

export async function run(): Promise<BenchReport> {
  const rows: BenchReport['rows'] = [];
  for (const keys of [2_500, 5_000, 10_000, 20_000]) {
    const text = Array.from({ length: keys }, (_, i) => `k${i}: ${i}`).join('\n');
    const ours = ms(() => readYaml(text));
    const pkg = ms(() => parseDocument(text, { uniqueKeys: true }));
    rows.push({ keys, 'readYaml ms': ours, 'readYaml µs/key': (ours * 1000) / keys, 'uniqueKeys:true ms': pkg, 'uniqueKeys µs/key': (pkg * 1000) / keys });
  }
  return {
    name: 'inputs',
    rows,
    notes: ['µs per key stays flat for readYaml (linear) and grows with the key count for the package check (quadratic)'],
  };
}
