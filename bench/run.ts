/**
 * `npm run bench`: runs every benchmark module, prints a table each and writes
 * bench/results/<name>.json. `npm run bench -- compile triggers` runs only those.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BenchReport, formatTable } from './report.js';

/** Benchmark modules, each exporting run(): Promise<BenchReport>. Missing ones are skipped. */
const MODULES = ['compile', 'executions', 'canary-judge', 'bundles', 'triggers', 'cloud-calls', 'ecs-calls', 'idempotency', 'lambda', 'console', 'inputs'];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const dir = import.meta.dirname;
  await mkdir(join(dir, 'results'), { recursive: true });
  let failed = false;
  for (const name of MODULES) {
    if (only.length > 0 && !only.includes(name)) continue;
    const file = join(dir, `${name}.ts`);
    if (!existsSync(file)) continue;
    const started = Date.now();
    try {
      const module = (await import(pathToFileURL(file).href)) as { run(): Promise<BenchReport> };
      const report = await module.run();
      process.stdout.write(`\n== ${report.name} (${((Date.now() - started) / 1000).toFixed(1)} s)\n${formatTable(report.rows)}\n`);
      for (const note of report.notes ?? []) process.stdout.write(`  note: ${note}\n`);
      const out = join(dir, 'results', `${report.name}.json`);
      await writeFile(out, `${JSON.stringify({ ...report, date: new Date().toISOString(), node: process.version }, null, 2)}\n`);
      process.stdout.write(`  wrote ${out}\n`);
    } catch (error) {
      failed = true;
      process.stderr.write(`\n== ${name}: failed: ${(error as Error).message}\n`);
    }
  }
  process.exitCode = failed ? 1 : 0;
}

await main();
