/** Reads the real payload samples in ./fixtures (see fixtures/SOURCES.md). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(import.meta.dirname, 'fixtures');

export function fixtureText(path: string): string {
  return readFileSync(join(DIR, path), 'utf8');
}

export function fixture<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(fixtureText(path)) as T;
}
