/**
 * Compiler benchmarks: compile time and definition size for 10 / 100 / 1,000-stage pipelines
 * (against JSON.stringify of the same definition as a baseline in the same run), and what the
 * example pipelines cost when run: state transitions, history events and dollars per execution.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { resetClientCache } from '../functions/core/aws-clients.js';
import { ensureTables } from '../functions/core/tables.js';
import { loadPipelineFile } from '../functions/core/pipeline-files.js';
import { startMoto } from '../local/moto.js';
import { LocalRuntime, type LocalRunResult } from '../local/runtime.js';
import { useEndpoint } from '../local/environment.js';
import { localCloud } from '../local/sandbox.js';
import { compilePipeline } from '../state-machines/compiler/compile.js';
import type { Pipeline } from '../state-machines/model/pipeline.js';
import { validatePipeline } from '../state-machines/model/validate.js';
import { DOLLARS_PER_TRANSITION, HISTORY_EVENTS_PER_EXECUTION, HISTORY_EVENTS_PER_STATE } from './history-model.js';
import type { BenchReport } from './report.js';

/**
 * A pipeline of n plain stages. `diamonds`: groups of three, a head followed by two stages side by
 * side that the next head joins, so Parallel states appear as in real pipelines.
 */
export function syntheticPipeline(n: number, shape: 'diamonds' | 'linear' = 'diamonds'): Pipeline {
  const requisitesOf = (i: number): string[] => {
    if (i === 0) return [];
    if (shape === 'linear') return [String(i)];
    const position = i % 3;
    if (position === 1) return [String(i)]; // first side stage needs the head
    if (position === 2) return [String(i - 1)]; // second side stage needs the head too
    return [String(i - 1), String(i)].filter((r) => Number(r) > 0); // next head joins both sides
  };
  const stages = Array.from({ length: n }, (_, i) => ({
    refId: String(i + 1),
    name: `Stage ${i + 1}`,
    type: 'checkPreconditions',
    requisiteStageRefIds: requisitesOf(i),
    preconditions: [{ type: 'expression', context: { expression: '${true}' } }],
  }));
  const result = validatePipeline({ application: 'bench', name: `synthetic-${n}-${shape}`, stages });
  if (!result.pipeline) throw new Error(result.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  return result.pipeline;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timeIt(fn: () => unknown, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

function stateTypes(definition: { States: Record<string, Record<string, unknown>> }): Map<string, string> {
  const types = new Map<string, string>();
  const walk = (states: Record<string, Record<string, unknown>>) => {
    for (const [name, state] of Object.entries(states)) {
      types.set(name, String(state.Type));
      if (state.Type === 'Parallel') for (const b of state.Branches as Array<{ States: Record<string, Record<string, unknown>> }>) walk(b.States);
    }
  };
  walk(definition.States);
  return types;
}

/** Transitions (states entered) and estimated history events, from the local engine's event log. */
export function costOf(result: LocalRunResult): { transitions: number; historyEvents: number; dollars: number } {
  const types = stateTypes(result.definition as never);
  const entered = result.events.filter((e) => e.type === 'StateEntered');
  const transitions = entered.length;
  const historyEvents =
    HISTORY_EVENTS_PER_EXECUTION +
    entered.reduce((sum, e) => sum + (HISTORY_EVENTS_PER_STATE[types.get(e.state?.name ?? '') ?? 'Task'] ?? 2), 0) +
    result.events.filter((e) => e.type === 'StateRetried').length * 3;
  return { transitions, historyEvents, dollars: transitions * DOLLARS_PER_TRANSITION };
}

async function runCost(pipeline: Pipeline, runtime: LocalRuntime, prepare?: (p: Pipeline) => Promise<unknown>) {
  await prepare?.(pipeline);
  const result = await runtime.start(pipeline, { parameters: {} }).result;
  await runtime.idle();
  return { result, ...costOf(result) };
}

export async function run(): Promise<BenchReport> {
  const rows: BenchReport['rows'] = [];
  const notes: string[] = [];
  for (const n of [10, 100, 1000]) {
    const pipeline = syntheticPipeline(n);
    const runs = n >= 1000 ? 5 : 20;
    const compileMs = timeIt(() => compilePipeline(pipeline), runs);
    const definition = compilePipeline(pipeline);
    const baselineMs = timeIt(() => JSON.stringify(definition), runs);
    // Deployed definitions are compact JSON; that is what Step Functions' 1 MB limit counts.
    const bytes = Buffer.byteLength(JSON.stringify(definition));
    rows.push({
      case: `compile ${n} stages`,
      'compile ms': compileMs,
      'baseline ms (JSON.stringify)': baselineMs,
      'definition KB': bytes / 1024,
      target: n === 1000 ? `< 1000 ms: ${compileMs < 1000 ? 'pass' : 'FAIL'}` : '',
    });
  }
  const big = JSON.stringify(compilePipeline(syntheticPipeline(200)));
  rows.push({
    case: 'definition 200 stages',
    'definition KB': Buffer.byteLength(big) / 1024,
    target: `< 1 MB: ${Buffer.byteLength(big) < 1024 * 1024 ? 'pass' : 'FAIL'}`,
  });

  const moto = await startMoto();
  try {
    useEndpoint(moto.endpoint);
    resetClientCache();
    await ensureTables();
    // The demo bakes and deploys: run with the cloud family against the local sandbox, as npm start does.
    const cloud = localCloud();
    const runtime = new LocalRuntime({
      timeScale: 1000,
      judge: { kind: 'auto', judgment: 'continue' },
      tickMs: 5,
      families: cloud.families,
      preconditions: cloud.preconditions,
    });
    const empty = validatePipeline({ application: 'bench', name: 'empty', stages: [] }).pipeline!;
    const overhead = await runCost(empty, runtime);
    const examples: Array<[string, Pipeline]> = [];
    for (const file of ['pipelines/demo.yml', 'test/fixtures/spinnaker-examples/018.json', 'test/fixtures/spinnaker-examples/105.json']) {
      try {
        readFileSync(file);
      } catch {
        continue;
      }
      const loaded = loadPipelineFile(file);
      if (loaded.pipeline) examples.push([file, loaded.pipeline]);
    }
    examples.push(['synthetic 200 plain stages (linear)', syntheticPipeline(200, 'linear')]);
    examples.push(['synthetic 200 plain stages (diamonds)', syntheticPipeline(200)]);
    for (const [label, pipeline] of examples) {
      const cost = await runCost(pipeline, runtime, (p) => cloud.before(p));
      const perStage = (cost.transitions - overhead.transitions) / Math.max(1, pipeline.stages.length);
      rows.push({
        case: `run ${label}`,
        status: cost.result.status,
        stages: pipeline.stages.length,
        transitions: cost.transitions,
        'transitions/stage': perStage,
        'history events': cost.historyEvents,
        '$/execution': cost.dollars,
        target: label.includes('200')
          ? `< 25,000 events: ${cost.historyEvents < 25_000 ? 'pass' : 'FAIL'}; plain stage <= 4 transitions: ${perStage <= 4 ? 'pass' : 'FAIL'}`
          : '',
      });
    }
    notes.push(`pipeline overhead (start, complete, status): ${overhead.transitions} transitions`);
    notes.push('history events are estimated from state entries with bench/history-model.ts (the local engine logs entries and exits only)');
    notes.push('waiting stages add one Task, one Choice and one Wait per poll; the demo waits and polls, so it costs more than plain stages');
  } finally {
    await moto.stop();
  }
  return { name: 'compile', rows, notes };
}
