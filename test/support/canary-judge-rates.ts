/**
 * The canary judge's error rates (`npm run bench -- canary-judge` prints them; a unit test holds
 * them to bounds): how often the per-metric classifier raises a false alarm when canary
 * and baseline come from the same distribution, and how often it catches a 10% shift of the mean,
 * for each direction setting and each tolerance basis. Samples are drawn with a seeded PRNG
 * (mulberry32 + Box-Muller), so every run sees the same data and prints the same rates.
 */
import { classifyMetric, type MetricDirection, type ToleranceBasis } from '../../functions/core/canary-analysis/judge/index.js';

export interface BenchResult {
  name: string;
  rows: Array<Record<string, string | number>>;
  notes?: string[];
}

const SEED = 0x5eed_ca4a;
const PAIRS = 500;
const POINTS = 60;
const MEAN = 100;
const SD = 10;
const SHIFT = 0.1;

/** mulberry32: a small, fast 32-bit PRNG with a full 2^32 period; returns [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Normal deviates by the Box-Muller transform (both of each pair are used). */
export function normalSampler(uniform: () => number): (mean: number, sd: number) => number {
  let spare: number | undefined;
  return (mean, sd) => {
    if (spare !== undefined) {
      const z = spare;
      spare = undefined;
      return mean + sd * z;
    }
    const u1 = 1 - uniform(); // (0, 1]: log(u1) is finite
    const u2 = uniform();
    const radius = Math.sqrt(-2 * Math.log(u1));
    spare = radius * Math.sin(2 * Math.PI * u2);
    return mean + sd * radius * Math.cos(2 * Math.PI * u2);
  };
}

interface Pair {
  readonly control: number[];
  readonly same: number[];
  readonly up: number[];
  readonly down: number[];
}

function drawPairs(): Pair[] {
  const normal = normalSampler(mulberry32(SEED));
  const draw = (mean: number): number[] => Array.from({ length: POINTS }, () => normal(mean, SD));
  return Array.from({ length: PAIRS }, () => ({
    control: draw(MEAN),
    same: draw(MEAN),
    up: draw(MEAN + MEAN * SHIFT),
    down: draw(MEAN - MEAN * SHIFT),
  }));
}

export async function run(): Promise<BenchResult> {
  const started = performance.now();
  const pairs = drawPairs();
  const rows: Array<Record<string, string | number>> = [];
  const directions: MetricDirection[] = ['either', 'increase', 'decrease'];
  const bases: ToleranceBasis[] = ['control-mean', 'estimate'];

  for (const toleranceBasis of bases) {
    for (const direction of directions) {
      const t0 = performance.now();
      const flagged = (experiment: keyof Pair): number => {
        let count = 0;
        for (const pair of pairs) {
          const { classification } = classifyMetric(pair[experiment], pair.control, { direction, toleranceBasis });
          if (classification === 'High' || classification === 'Low') count++;
        }
        return count / pairs.length;
      };
      const falseAlarm = flagged('same');
      const detectUp = flagged('up');
      const detectDown = flagged('down');
      rows.push({
        toleranceBasis,
        direction,
        falseAlarmRate: round(falseAlarm),
        detectionRateUp10: round(detectUp),
        detectionRateDown10: round(detectDown),
        classifications: pairs.length * 3,
        ms: Math.round(performance.now() - t0),
      });
    }
  }

  const totalMs = Math.round(performance.now() - started);
  return {
    name: 'canary-judge',
    rows,
    notes: [
      `${PAIRS} pairs of ${POINTS} points, normal(mean ${MEAN}, sd ${SD}), seed 0x${SEED.toString(16)}; ` +
        `shifted samples have mean ${MEAN + MEAN * SHIFT} (up) or ${MEAN - MEAN * SHIFT} (down).`,
      'Defaults: tolerance 0.25, confidence 0.98, effect sizes 1.0; 60 points per sample means the ' +
        'normal approximation (R uses the exact distribution below 50).',
      'A rate is the fraction of pairs classified High or Low; detection counts either label, so a ' + 'direction that ignores the shift shows 0.',
      'control-mean: band = ±0.25 × control mean (±25 here), so a 10% shift is tolerated by design; ' +
        'estimate: band = ±0.25 × |estimate| (Kayenta), which flags any statistically clear shift.',
      `total ${totalMs} ms including data generation.`,
    ],
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
