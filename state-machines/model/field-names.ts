/**
 * "Did you mean": the known field closest to a misspelt one. Spinnaker exports carry many UI-only
 * fields (Deck's `isNew`, `comments`, ...), so a field nobody reads is only worth a word when it is
 * nearly the name of one that is read: same letters in another case, or one or two edits away.
 */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** The known name a field most likely meant, or undefined when it is known or near none. */
export function closestKnownField(field: string, known: ReadonlySet<string>): string | undefined {
  if (known.has(field) || field.length > 64) return undefined;
  const lower = field.toLowerCase();
  let best: { name: string; d: number } | undefined;
  for (const name of known) {
    const d = name.toLowerCase() === lower ? 0 : distance(lower, name.toLowerCase());
    if (best === undefined || d < best.d) best = { name, d };
  }
  if (!best) return undefined;
  const allowed = best.d === 0 ? 0 : field.length >= 8 ? 2 : field.length >= 4 ? 1 : -1;
  return best.d <= allowed ? best.name : undefined;
}
