/**
 * The one YAML reader (pipeline files, settings files): the `yaml` package, with duplicate keys
 * found in linear time. The package's own check (`uniqueKeys: true`, its default) compares each
 * new key with every earlier key of its map, quadratic in the keys: a 20,000-key mapping took
 * seconds. Here the package only parses, and one pass over the tree keeps a set per map.
 */
import { isMap, isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';

interface YamlProblem {
  readonly message: string;
  /** 1-based, where known. */
  readonly line?: number;
  readonly column?: number;
}

export interface YamlReadResult {
  readonly value?: unknown;
  readonly problems: readonly YamlProblem[];
}

/** Counts the key visits of the duplicate check (tests prove it linear with it). */
export interface KeyCheckCounter {
  keys: number;
}

/** Aliases expanded at most this often: a "billion laughs" document is refused. */
const MAX_ALIAS_COUNT = 100;

export function readYaml(text: string, counter?: KeyCheckCounter): YamlReadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: false, lineCounter });
  const at = (offset: number | undefined): Pick<YamlProblem, 'line' | 'column'> => {
    if (offset === undefined) return {};
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((e) => ({
        message: e.message.split('\n')[0]!,
        ...(e.linePos?.[0] ? { line: e.linePos[0].line, column: e.linePos[0].col } : {}),
      })),
    };
  }
  const duplicates = duplicateKeys(doc, counter).map((d) => ({ message: `map keys must be unique: ${JSON.stringify(d.key)} appears again`, ...at(d.offset) }));
  if (duplicates.length > 0) return { problems: duplicates };
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), problems: [] };
  } catch (error) {
    return { problems: [{ message: (error as Error).message }] };
  }
}

/** The document, or an Error naming the first problem and where (for settings files). */
export function parseYamlOrThrow(text: string): unknown {
  const { value, problems } = readYaml(text);
  const first = problems[0];
  if (first) throw new Error(`${first.line !== undefined ? `line ${first.line}, column ${first.column}: ` : ''}${first.message}`);
  return value;
}

/**
 * Repeated scalar keys of every map, in one pass: each map's keys go into a Map keyed by the
 * scalar's value (as the package compares them: 1 and '1' differ). Complex keys are not compared.
 */
function duplicateKeys(doc: Document, counter?: KeyCheckCounter): Array<{ key: unknown; offset?: number }> {
  const found: Array<{ key: unknown; offset?: number }> = [];
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return;
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (counter) counter.keys++;
        const key = pair.key;
        if (!isScalar(key)) continue;
        if (seen.has(key.value)) found.push({ key: key.value, ...(key.range ? { offset: key.range[0] } : {}) });
        else seen.add(key.value);
      }
    },
  });
  return found;
}
