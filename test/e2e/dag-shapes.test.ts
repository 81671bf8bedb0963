/**
 * Orca's DAG semantics, run for real: a stage starts when all its requisites completed, independent
 * stages overlap, and in a DAG that is not series-parallel nothing waits for a stage it does not need.
 */
import { describe, expect, it } from 'vitest';
import { firstEntered, lastExited, runPipeline, statusOf, useLocalAws, expectValidAsl } from '../support/local.js';

useLocalAws();

const wait = (refId: string, name: string, seconds: number, requisites: string[] = []) => ({
  refId,
  name,
  type: 'wait',
  waitTime: seconds,
  requisiteStageRefIds: requisites,
});

describe('DAG shapes', () => {
  it('runs a linear pipeline in order', async () => {
    const result = await runPipeline({ stages: [wait('1', 'A', 1), wait('2', 'B', 1, ['1']), wait('3', 'C', 0, ['2'])] });
    expect(result.status).toBe('SUCCEEDED');
    expectValidAsl(result.definition);
    expect(firstEntered(result.events, 'B')).toBeGreaterThanOrEqual(lastExited(result.events, 'A'));
    expect(firstEntered(result.events, 'C')).toBeGreaterThanOrEqual(lastExited(result.events, 'B'));
  });

  it('overlaps the two sides of a diamond and joins after both', async () => {
    const result = await runPipeline({
      stages: [wait('1', 'A', 0), wait('2', 'B', 30, ['1']), wait('3', 'C', 30, ['1']), wait('4', 'D', 0, ['2', '3'])],
    });
    expect(result.status).toBe('SUCCEEDED');
    const e = result.events;
    expect(firstEntered(e, 'C')).toBeLessThan(lastExited(e, 'B'));
    expect(firstEntered(e, 'B')).toBeLessThan(lastExited(e, 'C'));
    expect(firstEntered(e, 'D')).toBeGreaterThanOrEqual(Math.max(lastExited(e, 'B'), lastExited(e, 'C')));
  });

  it('keeps full parallelism in an N-shaped DAG (A→C, A→D, B→D)', async () => {
    // B is slow: C needs only A and must not wait for B; D needs both.
    const result = await runPipeline({
      stages: [wait('A', 'A', 0), wait('B', 'B', 60), wait('C', 'C', 0, ['A']), wait('D', 'D', 0, ['A', 'B'])],
    });
    expect(result.status).toBe('SUCCEEDED');
    expectValidAsl(result.definition);
    const e = result.events;
    expect(firstEntered(e, 'C')).toBeLessThan(lastExited(e, 'B'));
    expect(lastExited(e, 'C')).toBeLessThan(lastExited(e, 'B'));
    expect(firstEntered(e, 'D')).toBeGreaterThanOrEqual(lastExited(e, 'B'));
    expect(firstEntered(e, 'D')).toBeGreaterThanOrEqual(lastExited(e, 'A'));
  });

  it('fans out to 50 parallel stages and fans back in', async () => {
    const middle = Array.from({ length: 50 }, (_, i) => wait(`m${i}`, `Fan ${i}`, 30, ['root']));
    const result = await runPipeline({
      stages: [
        wait('root', 'Root', 0),
        ...middle,
        wait(
          'join',
          'Join',
          0,
          middle.map((m) => m.refId),
        ),
      ],
    });
    expect(result.status).toBe('SUCCEEDED');
    expectValidAsl(result.definition);
    const e = result.events;
    const starts = middle.map((m) => firstEntered(e, m.name));
    const ends = middle.map((m) => lastExited(e, m.name));
    // They ran side by side: the local engine runs at most 40 Parallel branches at once (AWS runs
    // all 50), so at least 40 started before the first of them finished.
    const firstEnd = Math.min(...ends);
    expect(starts.filter((s) => s < firstEnd).length).toBeGreaterThanOrEqual(40);
    expect(firstEntered(e, 'Join')).toBeGreaterThanOrEqual(Math.max(...ends));
    expect(Object.values(statusOf(result)).every((s) => s === 'SUCCEEDED')).toBe(true);
  });

  it('runs legacy pipelines without refIds in the order written', async () => {
    const result = await runPipeline({
      stages: [
        { type: 'wait', name: 'First', waitTime: 1 },
        { type: 'wait', name: 'Second', waitTime: 0 },
      ],
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(firstEntered(result.events, 'Second')).toBeGreaterThanOrEqual(lastExited(result.events, 'First'));
  });
});
