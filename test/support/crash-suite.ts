/**
 * The crash idempotency suite, one for every family of scenarios (server groups, Lambda functions):
 * each scenario runs once cleanly, then once per mutating call it made with the handler crashing
 * right after that call, and must end with the same status and the same emulator state. Split over
 * files so they run in parallel.
 */
import { describe, expect, it } from 'vitest';
import type { MotoServer } from '../../local/moto.js';
import type { InjectionPoint } from './faults.js';
import { stageOf, type HarnessRun } from './cloud-stages/harness.js';

/** What a scenario family's runs need of the emulator. */
export type Emulator = Pick<MotoServer, 'reset'>;

interface CrashCase {
  readonly name: string;
  /** The status the stage ends with, clean and crashed alike. */
  readonly expectStatus: string;
}

/** A family's two runs of a scenario, each from a freshly reset emulator. */
export interface CrashRuns<S extends CrashCase> {
  clean(scenario: S): Promise<{ readonly run: HarnessRun; readonly world: unknown; readonly points: readonly InjectionPoint[] }>;
  crashed(scenario: S, point: InjectionPoint): Promise<{ readonly run: HarnessRun; readonly world: unknown; readonly triggered: number }>;
}

export function crashSuite<S extends CrashCase>(
  title: string,
  suite: {
    /** Starts the emulator for the file (useLocalAws, useLambdaAws). */
    readonly emulator: () => { server(): MotoServer };
    readonly runs: (server: () => MotoServer) => CrashRuns<S>;
    readonly scenarios: readonly S[];
  },
): void {
  const moto = suite.emulator();
  const runs = suite.runs(() => moto.server());
  let total = 0;

  describe(title, () => {
    it.each(suite.scenarios.map((s) => [s.name, s] as const))(
      '%s converges after a crash right after each mutating call',
      async (_name, scenario) => {
        const clean = await runs.clean(scenario);
        expect(stageOf(clean.run, '1').status, stageOf(clean.run, '1').error).toBe(scenario.expectStatus);
        expect(clean.points.length).toBeGreaterThan(0);
        for (const point of clean.points) {
          const crashed = await runs.crashed(scenario, point);
          const where = `${scenario.name}: crash after ${point.command} #${point.occurrence}`;
          expect(crashed.triggered, where).toBe(1);
          expect(crashed.run.crashes, where).toBeGreaterThanOrEqual(1);
          expect(stageOf(crashed.run, '1').status, where).toBe(scenario.expectStatus);
          expect(crashed.world, where).toEqual(clean.world);
        }
        total += clean.points.length;
        console.log(
          `crash idempotency: ${scenario.name}: ${clean.points.length} injection points (${[...new Set(clean.points.map((p) => p.command))].join(', ')})`,
        );
      },
      // Progressive scenarios replay dozens of injection points; a loaded 2-core machine needs minutes.
      900_000,
    );

    it('reports the injection points covered', () => {
      console.log(`crash idempotency (${title}): ${total} injection points covered in ${suite.scenarios.length} scenarios`);
      expect(total).toBeGreaterThan(0);
    });
  });
}
