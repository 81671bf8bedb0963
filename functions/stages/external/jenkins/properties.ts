/**
 * A build's property file, read into the stage outputs as Orca does: `.json` as JSON, `.yml` /
 * `.yaml` as YAML, anything else as Java properties (key=value, key: value or key value; `#` and
 * `!` comments; backslash line continuations and escapes, \uXXXX included). Pure. Async only
 * because the YAML parser is loaded when a YAML file is first read, not at start.
 */
import { PropertyFileError } from '../errors.js';

export async function parsePropertyFile(fileName: string, text: string): Promise<Record<string, unknown>> {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.json')) return asObject(fileName, () => JSON.parse(text) as unknown);
  if (lower.endsWith('.yml') || lower.endsWith('.yaml')) {
    return asObject(fileName, async () => {
      const { parse } = await import('yaml');
      return parse(text) as unknown;
    });
  }
  return parseJavaProperties(text);
}

async function asObject(fileName: string, parse: () => unknown): Promise<Record<string, unknown>> {
  let value: unknown;
  try {
    value = await parse();
  } catch (error) {
    throw new PropertyFileError(`property file ${fileName} cannot be parsed: ${(error as Error).message}`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new PropertyFileError(`property file ${fileName} must hold an object of keys and values`);
  return { ...(value as Record<string, unknown>) };
}

/** java.util.Properties.load, for text. */
export function parseJavaProperties(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const line of logicalLines(text)) {
    const { key, value } = splitLine(line);
    result[unescape(key)] = unescape(value);
  }
  return result;
}

/** Lines joined across continuations, without blank and comment lines, leading whitespace removed. */
function logicalLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  const out: string[] = [];
  let pending: string | undefined;
  for (const raw of lines) {
    const line = raw.replace(/^[ \t\f]+/, '');
    if (pending === undefined && (line === '' || line.startsWith('#') || line.startsWith('!'))) continue;
    const joined = (pending ?? '') + line;
    if (endsWithOddBackslashes(joined)) {
      pending = joined.slice(0, -1);
      continue;
    }
    pending = undefined;
    out.push(joined);
  }
  if (pending !== undefined && pending !== '') out.push(pending);
  return out;
}

function endsWithOddBackslashes(line: string): boolean {
  let count = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) count++;
  return count % 2 === 1;
}

function splitLine(line: string): { key: string; value: string } {
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break;
    i++;
  }
  const key = line.slice(0, i);
  let j = i;
  while (j < line.length && /[ \t\f]/.test(line[j]!)) j++;
  if (j < line.length && (line[j] === '=' || line[j] === ':')) {
    j++;
    while (j < line.length && /[ \t\f]/.test(line[j]!)) j++;
  }
  return { key, value: line.slice(j) };
}

function unescape(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, escaped: string) => {
    if (escaped.length === 5) return String.fromCharCode(Number.parseInt(escaped.slice(1), 16));
    switch (escaped) {
      case 't':
        return '\t';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 'f':
        return '\f';
      default:
        return escaped;
    }
  });
}
