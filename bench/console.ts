/**
 * The console's budget: first load under 200 KB gzipped (everything the page fetches before it can
 * draw: index.html, app.js, app.css, config.json), and a 50-stage run's graph on screen in under
 * 1 s in headless Chromium (navigation start to all 50 stage nodes laid out, median of 7 cold
 * loads) against `gennaker console`'s server and the emulator. Over budget fails the bench.
 */
import { gzipSync } from 'node:zlib';
import { buildConsole } from '../console/build/bundle.js';
import { StaticPipelineRegistry } from '../functions/core/pipeline-registry.js';
import { startConsoleServer } from '../local/console-server.js';
import { startMoto } from '../local/moto.js';
import { validatePipeline } from '../state-machines/model/validate.js';
import { launchChromium } from '../test/support/browser.js';
import type { BenchReport } from './report.js';

const FIRST_LOAD_BUDGET_KB = 200;
const PAINT_BUDGET_MS = 1000;
const LOADS = 7;

/** A judgment, then 7 parallel branches of 7 stages: 50 stages, waiting at the first. */
function fiftyStages() {
  const stages: Array<Record<string, unknown>> = [{ refId: 'gate', type: 'manualJudgment', name: 'Gate' }];
  for (let b = 0; b < 7; b++) {
    for (let s = 0; s < 7; s++) {
      stages.push({
        refId: `b${b}s${s}`,
        type: 'wait',
        name: `Branch ${b} step ${s}`,
        waitTime: 1,
        requisiteStageRefIds: [s === 0 ? 'gate' : `b${b}s${s - 1}`],
      });
    }
  }
  const result = validatePipeline({ application: 'bench', name: 'fifty', stages });
  if (!result.pipeline) throw new Error(result.errors.map((e) => e.message).join('; '));
  return result.pipeline;
}

export async function run(): Promise<BenchReport> {
  const files = await buildConsole();
  const sizes = [...files.values()].map((f) => ({ path: f.path, raw: f.body.length, gzip: gzipSync(f.body).length }));
  const config = gzipSync(JSON.stringify({ auth: 'none', localMode: true })).length;
  const firstLoadKb = (sizes.reduce((n, s) => n + s.gzip, 0) + config) / 1024;

  const moto = await startMoto();
  const server = await startConsoleServer({ port: 0, pipelinesDir: '.', endpoint: moto.endpoint, registry: new StaticPipelineRegistry([fiftyStages()]) });
  const browser = await launchChromium();
  const paints: number[] = [];
  try {
    const started = (await (await fetch(`${server.url}/api/pipelines/bench/fifty/executions`, { method: 'POST', body: '{}' })).json()) as {
      executionId: string;
    };
    const url = `${server.url}/executions/${started.executionId}`;
    for (let i = 0; i < 50; i++) {
      const view = (await (await fetch(`${server.url}/api/executions/${started.executionId}`)).json()) as { stages?: Array<{ status: string }> };
      if (view.stages?.[0]?.status === 'RUNNING') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    for (let i = 0; i < LOADS; i++) {
      const page = await browser.context.newPage();
      await page.goto(url, { waitUntil: 'commit' });
      // performance.now() counts from this navigation's start.
      // A function, not a string: the page's CSP forbids eval. (Typed loosely: this tsconfig has no DOM.)
      const at = await page.waitForFunction(
        () => {
          const w = globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } }; performance: { now(): number } };
          return w.document.querySelectorAll('.stage-node').length === 50 ? w.performance.now() : false;
        },
        undefined,
        {
          polling: 'raf',
          timeout: 10_000,
        },
      );
      paints.push(Number(await at.jsonValue()));
      await page.close();
    }
    await fetch(`${server.url}/api/executions/${started.executionId}/cancel`, { method: 'POST', body: '{}' });
  } finally {
    await browser.close();
    await server.close();
    await moto.stop();
  }
  paints.sort((a, b) => a - b);
  const median = paints[Math.floor(paints.length / 2)]!;
  const rows = [
    ...sizes.map((s) => ({ measure: `${s.path} (KB)`, raw: s.raw / 1024, gzip: s.gzip / 1024, budget: '', ok: '' })),
    { measure: 'first load, gzipped (KB)', raw: '', gzip: firstLoadKb, budget: FIRST_LOAD_BUDGET_KB, ok: firstLoadKb < FIRST_LOAD_BUDGET_KB ? 'yes' : 'NO' },
    { measure: '50-stage run on screen, median (ms)', raw: '', gzip: median, budget: PAINT_BUDGET_MS, ok: median < PAINT_BUDGET_MS ? 'yes' : 'NO' },
    { measure: '50-stage run on screen, slowest (ms)', raw: '', gzip: paints[paints.length - 1]!, budget: '', ok: '' },
  ];
  if (firstLoadKb >= FIRST_LOAD_BUDGET_KB || median >= PAINT_BUDGET_MS) {
    throw new Error(
      `console over budget: first load ${firstLoadKb.toFixed(1)} KB gzipped (budget ${FIRST_LOAD_BUDGET_KB}), 50-stage paint ${median.toFixed(0)} ms (budget ${PAINT_BUDGET_MS})`,
    );
  }
  return {
    name: 'console',
    rows,
    notes: [
      `${LOADS} loads of one run page in headless Chromium (${paints.map((p) => p.toFixed(0)).join(', ')} ms): navigation start to 50 laid-out stage nodes, including config.json, the API read and dagre`,
    ],
  };
}
