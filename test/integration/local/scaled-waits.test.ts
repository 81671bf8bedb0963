/**
 * Waits in a time-scaled local run last what the stage asked for, on the scaled clock: a stage is
 * called as often as Step Functions would call it, so local runs load the emulator no more than
 * needed and the benchmarks count the transitions AWS would bill.
 */
import { describe, expect, it } from 'vitest';
import { pipelineOf, runPipeline, useLocalAws } from '../../support/local.js';
import { ScaledWaits } from '../../../local/scaled-waits.js';
import { compilePipeline } from '../../../state-machines/compiler/compile.js';

useLocalAws();

describe('waits in a time-scaled local run', () => {
  it('GIVEN a 90 s wait at time scale 300 WHEN it runs THEN the stage is called twice, 0.3 s apart, as in AWS', async () => {
    // WHEN
    const result = await runPipeline({ stages: [{ refId: '1', type: 'wait', name: 'Pause', waitTime: 90 }] }, { timeScale: 300, tickMs: 10 });
    // THEN one call starts the wait (90 s left), one after the Wait ends it; not one per engine tick
    expect(result.status).toBe('SUCCEEDED');
    const calls = result.events.filter((e) => e.type === 'StateEntered' && e.state?.name === 'Pause');
    expect(calls).toHaveLength(2);
    expect(calls[1]!.timestamp - calls[0]!.timestamp).toBeGreaterThanOrEqual(280);
  }, 60_000);

  it('scales the seconds each stage last asked for, per Wait, never below the tick', () => {
    // GIVEN two stages side by side, each with its own Wait
    const definition = compilePipeline(
      pipelineOf({
        stages: [
          { refId: '1', type: 'wait', name: 'A', waitTime: 1 },
          { refId: '2', type: 'wait', name: 'B', waitTime: 1 },
        ],
      }),
    );
    const waits = new ScaledWaits(definition as never, (ms) => ms / 100, 5);
    expect(waits.overrides).toEqual({ 'A · next check': 5, 'B · next check': 5 });
    // WHEN the stages answer
    waits.answered('A', { status: 'RUNNING', waitSeconds: 30 });
    waits.answered('B', { status: 'RUNNING', waitSeconds: 0.1 });
    waits.answered('Start pipeline', { executionId: 'x' });
    // THEN
    expect(waits.overrides).toEqual({ 'A · next check': 300, 'B · next check': 5 });
  });
});
