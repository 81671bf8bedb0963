/**
 * Lambda bundle size and cold-start init, per handler the platform deploys. Each handler is
 * bundled with esbuild exactly as the platform does (infra/platform/bundling.ts esbuildOptions:
 * minified ESM with code splitting, source maps, SDK bundled) next to an empty handler bundled the
 * same way. Init is the wall time of a fresh `node` process that imports the bundle and exits, the
 * work Lambda's INIT phase does (start the runtime, load the module), with no NODE_OPTIONS as
 * deployed; runs are interleaved across bundles so a busy machine slows all of them alike, and the
 * median is kept. `start KB` is what Node reads and compiles at start (the entry and the chunks it
 * imports statically); chunks reached only by `import()` load when first used (a family's stages,
 * the pattern engine, Step Functions' SDK). Guards: whether undici (an ES import of node:http), the
 * YAML parser or the pattern engine load at start, and that the only SDK clients at start are
 * those the function's start path calls (EXPECTED_CLIENTS_AT_START).
 * Targets, each reported pass/FAIL per function: bundle under 1 MB; init under 3x the empty handler's.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { esbuildOptions } from '../infra/platform/bundling.js';
import { API_HANDLER, type HandlerSpec, STAGE_HANDLERS, TRIGGER_HANDLERS } from '../infra/platform/catalog.js';
import { fileExists, REPO_ROOT } from '../infra/paths.js';
import type { BenchReport } from './report.js';

const RUNS = 15;
const MAX_BYTES = 1024 * 1024;
const MAX_INIT_RATIO = 3;
const EMPTY = 'empty handler';

/** What every engine call uses: the execution record (DynamoDB) and the notifier (SNS). */
const ENGINE_CLIENTS = ['dynamodb', 'sns'];
/** Trigger functions: plus the completed-event bus and the sources' shared secrets (triggers/clients.ts). */
const TRIGGER_CLIENTS = ['dynamodb', 'eventbridge', 'secrets-manager', 'sns'];
/**
 * The SDK clients (`@aws-sdk/client-*`) each function may load at start; any other is a
 * regression (a client reached by a static import where a stage or a rare call needs it).
 */
const EXPECTED_CLIENTS_AT_START: Readonly<Record<string, readonly string[]>> = {
  engine: ENGINE_CLIENTS,
  flow: ENGINE_CLIENTS,
  cloud: ENGINE_CLIENTS,
  canary: ENGINE_CLIENTS,
  external: [...ENGINE_CLIENTS, 'secrets-manager'], // the webhook and Jenkins stages' secret references
  lifecycle: [...TRIGGER_CLIENTS, 'lambda'], // cancelStages: asks the families' functions to clean up
  webhookCallback: ['dynamodb'],
  api: [...TRIGGER_CLIENTS, 'lambda', 'sfn'], // stage cleanups and StopExecution on cancel
};
const clientsAtStart = (b: Bundle) =>
  [...b.startPackages]
    .filter((p) => p.startsWith('@aws-sdk/client-'))
    .map((p) => p.slice('@aws-sdk/client-'.length))
    .sort();

interface Bundle {
  readonly name: string;
  readonly file: string;
  /** Every module file of the bundle (the deployed asset, maps aside). */
  readonly bytes: number;
  /** The entry and the chunks it imports statically: what Node reads and compiles at start. */
  readonly startBytes: number;
  /** Packages in those modules (`yaml at start`, `re2js at start`). */
  readonly startPackages: ReadonlySet<string>;
  readonly metafile: Metafile;
}

const packageOf = (input: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];

/** Every handler file the platform would deploy today, by catalog name. */
function handlers(): Array<{ name: string; spec: HandlerSpec }> {
  const all = [...Object.entries(STAGE_HANDLERS), ...Object.entries(TRIGGER_HANDLERS), ['api', API_HANDLER]] as Array<[string, HandlerSpec]>;
  return all.filter(([, spec]) => fileExists(REPO_ROOT, spec.entry)).map(([name, spec]) => ({ name, spec }));
}

async function bundle(name: string, entry: string, outDir: string): Promise<Bundle> {
  const dir = join(outDir, name.replace(/\W+/g, '-'));
  const file = join(dir, 'index.mjs');
  const result = await build({ ...esbuildOptions(entry, file), metafile: true });
  const outputs = result.metafile.outputs;
  const modules = Object.keys(outputs).filter((path) => path.endsWith('.mjs'));
  // The entry's output, then every chunk reached by static imports from it.
  const atStart = new Set(modules.filter((path) => resolve(path) === file));
  for (const path of atStart) for (const i of outputs[path]!.imports) if (i.kind === 'import-statement' && i.path in outputs) atStart.add(i.path);
  const startPackages = new Set([...atStart].flatMap((path) => Object.keys(outputs[path]!.inputs).map(packageOf)).filter((p) => p !== undefined));
  const size = (paths: Iterable<string>) => [...paths].reduce((sum, path) => sum + outputs[path]!.bytes, 0);
  return { name, file, bytes: size(modules), startBytes: size(atStart), startPackages, metafile: result.metafile };
}

/**
 * Milliseconds for a fresh node to start, import the bundle and exit; the import alone; and whether
 * the import loaded undici (Node loads it when an ES module imports node:http: a regression that
 * once cost the external function a quarter of its start, 127 ms against 96).
 */
function initOnce(file: string): { processMs: number; importMs: number; undici: boolean } {
  const script = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(file).href)});const ms=performance.now()-t;process.stdout.write(JSON.stringify({ms,undici:process.moduleLoadList.some((m)=>m.includes('undici'))}));`;
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      POWERTOOLS_SERVICE_NAME: 'gennaker',
    },
    encoding: 'utf8',
  });
  const processMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.status !== 0) throw new Error(`importing ${file} failed: ${child.stderr.slice(-2000)}`);
  const { ms, undici } = JSON.parse(child.stdout) as { ms: number; undici: boolean };
  return { processMs, importMs: ms, undici };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/** The packages that weigh most in a bundle, for the notes. */
function heaviest(metafile: Metafile, count: number): string {
  const byPackage = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const key = packageOf(input) ?? 'gennaker';
      byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...byPackage]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(0)} KB`)
    .join(', ');
}

export async function run(): Promise<BenchReport> {
  const outDir = mkdtempSync(join(tmpdir(), 'gennaker-bundles-'));
  try {
    const emptyEntry = join(outDir, 'empty.ts');
    writeFileSync(emptyEntry, 'export const handler = async (): Promise<unknown> => ({});\n');
    const bundles = [await bundle(EMPTY, emptyEntry, outDir)];
    for (const { name, spec } of handlers()) bundles.push(await bundle(name, join(REPO_ROOT, spec.entry), outDir));

    const samples = new Map<string, { processMs: number[]; importMs: number[]; undici: boolean }>(
      bundles.map((b) => [b.name, { processMs: [], importMs: [], undici: false }]),
    );
    initOnce(bundles[0]!.file); // warm the file system cache and node itself
    for (let i = 0; i < RUNS; i++) {
      for (const b of bundles) {
        const sample = initOnce(b.file);
        samples.get(b.name)!.processMs.push(sample.processMs);
        samples.get(b.name)!.importMs.push(sample.importMs);
        samples.get(b.name)!.undici ||= sample.undici;
      }
    }
    const rows = bundles.map((b) => {
      const s = samples.get(b.name)!;
      const initMs = median(s.processMs);
      // Each round's time over the empty handler's in the same round: drift in machine speed
      // during the run (other load, frequency) cancels out of the ratio.
      const ratio = b.name === EMPTY ? 1 : median(s.processMs.map((ms, round) => ms / samples.get(EMPTY)!.processMs[round]!));
      const sizeOk = b.bytes < MAX_BYTES;
      const initOk = ratio < MAX_INIT_RATIO;
      const clients = clientsAtStart(b);
      const expected = EXPECTED_CLIENTS_AT_START[b.name] ?? TRIGGER_CLIENTS;
      const unexpected = b.name === EMPTY ? [] : clients.filter((c) => !expected.includes(c));
      return {
        handler: b.name,
        'bundle KB': Math.round(b.bytes / 1024),
        'size < 1 MB': sizeOk ? 'pass' : 'FAIL',
        'start KB': Math.round(b.startBytes / 1024),
        'init ms (median)': Math.round(initMs),
        'import ms (median)': Math.round(median(s.importMs)),
        'init / empty': Number(ratio.toFixed(2)),
        'init < 3x empty': initOk ? 'pass' : 'FAIL',
        'undici at start': s.undici ? 'yes' : 'no',
        'yaml at start': b.startPackages.has('yaml') ? 'yes' : 'no',
        're2js at start': b.startPackages.has('re2js') ? 'yes' : 'no',
        'SDK clients at start': clients.join(' ') || '-',
        'only expected clients': unexpected.length === 0 ? 'pass' : `FAIL (${unexpected.join(' ')})`,
        result: b.name === EMPTY || (sizeOk && initOk && unexpected.length === 0) ? 'pass' : 'FAIL',
      };
    });
    const failing = rows.filter((r) => r.result === 'FAIL').map((r) => r.handler);
    const notes = [
      `target: init < ${MAX_INIT_RATIO}x the empty handler's (same run), bundle < 1 MB, only expected SDK clients at start: ${rows.length - 1 - failing.length} of ${rows.length - 1} functions pass${failing.length > 0 ? `; FAIL: ${failing.join(', ')}` : ''}`,
      `${RUNS} interleaved rounds, median; init / empty is the median of each round's ratio; init = fresh node process (${process.version}) that imports the bundle and exits, no NODE_OPTIONS, as deployed (stacks are source-mapped when reported)`,
      ...bundles.filter((b) => b.name !== EMPTY).map((b) => `${b.name}: heaviest parts ${heaviest(b.metafile, 4)}`),
    ];
    return { name: 'bundles', rows, notes };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
