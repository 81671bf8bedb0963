/** `--output json|yaml|table` for every read command: one place that renders data for scripts or people. */
import { Option } from 'commander';
import { stringify } from 'yaml';
import type { Io } from './io.js';

export const OUTPUT_FORMATS = ['table', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const outputOption = () => new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table');

/** Prints `data` as JSON or YAML, or the human lines `table()` makes. */
export function emit(io: Io, format: OutputFormat, data: unknown, table: () => readonly string[]): void {
  if (format === 'json') io.write(`${JSON.stringify(data, null, 2)}\n`);
  else if (format === 'yaml') io.write(stringify(data));
  else for (const line of table()) io.out(line);
}

/** Rows as aligned columns, two spaces apart (the last column is not padded). */
export function columns(rows: ReadonlyArray<readonly string[]>, indent = ''): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => `${indent}${row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i]!) : cell)).join('  ')}`.trimEnd());
}

/** Records as people and scripts may see them: no task tokens. */
export function redact<T>(record: T): T {
  return JSON.parse(JSON.stringify(record, (key, value: unknown) => (key === 'callbackToken' ? undefined : value))) as T;
}
