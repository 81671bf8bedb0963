/**
 * Average ranks (R's `rank(ties.method = "average")`) together with the tie-group sizes the
 * normal approximation needs for its variance correction.
 */

export interface Ranking {
  /** 1-based ranks in input order; tied values share the mean of their positions. */
  readonly ranks: Float64Array;
  /** Sum over tie groups of (t^3 - t); 0 when every value is distinct. */
  readonly tieCorrection: number;
  readonly hasTies: boolean;
}

export function averageRanks(values: ArrayLike<number>): Ranking {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => (values[i] as number) - (values[j] as number));
  const ranks = new Float64Array(n);
  let tieCorrection = 0;
  let start = 0;
  while (start < n) {
    const value = values[order[start] as number] as number;
    let end = start + 1;
    while (end < n && values[order[end] as number] === value) end++;
    const size = end - start;
    // Positions start+1 .. end, so their mean is (start + 1 + end) / 2: always a multiple of 0.5.
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k] as number] = rank;
    tieCorrection += size * size * size - size;
    start = end;
  }
  return { ranks, tieCorrection, hasTies: tieCorrection > 0 };
}
