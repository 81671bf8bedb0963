/**
 * Stack traces mapped to source lines, read only when an error is reported.
 *
 * `--enable-source-maps` makes Node read and index a bundle's whole source map while it loads the
 * bundle: 10–20 ms of every cold start for maps of 1–1.5 MB, paid even when nothing fails. A
 * deployed function instead maps an error's frames here, the first time one is reported, with
 * Node's own SourceMap class; frames without a map (Node internals, local runs from source) are
 * left as they are.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/** `at fn (file:///var/task/index.mjs:1:2345)` and `at /var/task/index.mjs:1:2345`. */
const FRAME_LOCATION = /((?:file:\/\/)?\/[^\s():]+\.m?js):(\d+):(\d+)/g;

export type SourceMapLoader = (file: string) => SourceMap | undefined;

/** The stack with each bundle position replaced by `source:line:column`. Pure given `mapFor`. */
export function mapStackTrace(stack: string, mapFor: SourceMapLoader): string {
  return stack.replace(FRAME_LOCATION, (whole, location: string, line: string, column: string) => {
    const map = mapFor(location.startsWith('file://') ? fileURLToPath(location) : location);
    if (!map) return whole;
    const entry = map.findEntry(Number(line) - 1, Number(column) - 1);
    if (!('originalSource' in entry) || !entry.originalSource) return whole;
    const source = entry.originalSource.replace(/^(?:\.\.\/)+/, '');
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}

/** Reads `<file>.map` beside each bundle once; undefined when there is none or it is unreadable. */
export function fileSourceMaps(): SourceMapLoader {
  const maps = new Map<string, SourceMap | undefined>();
  return (file) => {
    if (!maps.has(file)) {
      let map: SourceMap | undefined;
      try {
        map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]);
      } catch {
        map = undefined;
      }
      maps.set(file, map);
    }
    return maps.get(file);
  };
}

let shared: SourceMapLoader | undefined;

/** The error's stack mapped through the bundle's source map, or undefined when it has none. */
export function sourceMappedStack(error: unknown): string | undefined {
  const stack = (error as { stack?: unknown } | null)?.stack;
  if (typeof stack !== 'string') return undefined;
  shared ??= fileSourceMaps();
  return mapStackTrace(stack, shared);
}
