/**
 * State names. The Step Functions console shows them as the execution graph, so they are the
 * stage names users wrote, made unique (names are unique across the whole machine, branches
 * included) and cut to the 80-character limit. Claiming names in a fixed order keeps them stable.
 */
const MAX = 80;
const SUFFIX_ROOM = 16;

function cleanName(name: string): string {
  // Control characters are not allowed in state names; collapse whitespace for a tidy graph.
  const cleaned = name
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned.length > 0 ? cleaned : 'Stage';
}

function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

export class StateNamer {
  private readonly taken = new Set<string>();

  /** Claims `name` (cut to fit), adding " #2", " #3"... on a clash. */
  claim(name: string): string {
    const base = cut(cleanName(name), MAX);
    if (!this.taken.has(base)) {
      this.taken.add(base);
      return base;
    }
    for (let n = 2; ; n++) {
      const candidate = `${cut(base, MAX - SUFFIX_ROOM)} #${n}`;
      if (!this.taken.has(candidate)) {
        this.taken.add(candidate);
        return candidate;
      }
    }
  }
}

/** A label short enough that every derived name ("<label> (error)") fits in 80 characters. */
export function stageLabel(name: string): string {
  return cut(cleanName(name), MAX - SUFFIX_ROOM);
}
