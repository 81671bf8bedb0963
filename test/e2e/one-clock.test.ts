/**
 * One clock: a time-scaled local run records wall-clock times, so a judgment written from another
 * shell (the CLI as a separate process) leaves every duration real and never negative.
 */
import { describe, expect, it } from 'vitest';
import { LocalRuntime } from '../../local/runtime.js';
import { renderTree } from '../../local/progress.js';
import { cli } from '../support/cli-process.js';
import { pipelineOf, useLocalAws } from '../support/local.js';
import { sleep } from '../../local/clock.js';

const moto = useLocalAws();

describe('one clock', () => {
  it('durations are real whoever writes them, in a time-scaled run', async () => {
    const runtime = new LocalRuntime({ timeScale: 100, judge: { kind: 'external' } });
    const began = Date.now();
    const run = runtime.start(
      pipelineOf({
        stages: [
          { refId: '1', type: 'wait', name: 'Half a minute', waitTime: 30 },
          { refId: '2', type: 'manualJudgment', name: 'Approve', requisiteStageRefIds: ['1'], judgmentInputs: [{ value: 'yes' }] },
        ],
      }),
    );
    for (;;) {
      const view = await runtime.store.load(run.executionId).catch(() => undefined);
      if (view?.stages[1]?.context.judgmentStatus === 'waiting') break;
      await sleep(50);
    }
    await sleep(300);
    const judged = await cli(['judge', run.executionId, 'Approve', 'continue', '--input', 'yes'], { env: { AWS_ENDPOINT_URL: moto.endpoint } });
    expect(judged.err).toBe('');
    expect(judged.code).toBe(0);
    const result = await run.result;
    const realElapsed = Date.now() - began;
    expect(result.status).toBe('SUCCEEDED');
    const [wait, judge] = result.execution.stages;
    for (const s of [wait!, judge!]) {
      expect(s.endTime! - s.startTime!).toBeGreaterThanOrEqual(0);
      expect(s.endTime! - s.startTime!).toBeLessThanOrEqual(realElapsed);
    }
    // 30 s at 100x is 0.3 s of real time; the record says so, not 30 s.
    expect(wait!.endTime! - wait!.startTime!).toBeLessThan(10_000);
    expect(result.execution.startTime).toBeGreaterThanOrEqual(began - 1000);
    expect(result.execution.endTime!).toBeLessThanOrEqual(Date.now());
    // The tree says the durations are real and what the scale was.
    expect(renderTree(result.execution, Date.now(), { timeScale: 100 })[0]).toMatch(/SUCCEEDED {2}\d+(\.\d)? s \(real time; waits ran 100x faster\)/);
  }, 120_000);
});
