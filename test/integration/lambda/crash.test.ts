/** Crash idempotency of the Lambda stages: see crash-scenarios.ts. */
import { describe, expect, it } from 'vitest';
import { resetClientCache } from '../../../functions/core/aws-clients.js';
import { ensureTables } from '../../../functions/core/tables.js';
import { stageOf } from '../../support/cloud-stages/harness.js';
import { cleanRun, crashedRun, type LambdaScenario } from '../../support/lambda/crash-scenarios.js';
import { LAMBDA_SCENARIOS } from '../../support/lambda/scenarios.js';
import { lambdaWorld } from '../../support/lambda/fixtures.js';
import { useLambdaAws } from '../../support/lambda/emulator.js';

describe('Lambda stages converge after a crash right after each mutating call', () => {
  const moto = useLambdaAws();
  const fresh = async () => {
    await moto.server().reset();
    resetClientCache();
    await ensureTables();
    await lambdaWorld();
  };
  let total = 0;

  it.each(LAMBDA_SCENARIOS.map((s) => [s.name, s] as const))(
    '%s',
    async (_name, scenario: LambdaScenario) => {
      const clean = await cleanRun(scenario, fresh);
      expect(stageOf(clean.run, '1').status, stageOf(clean.run, '1').error).toBe(scenario.expectStatus);
      expect(clean.points.length).toBeGreaterThan(0);
      for (const point of clean.points) {
        const crashed = await crashedRun(scenario, fresh, point);
        const where = `${scenario.name}: crash after ${point.command} #${point.occurrence}`;
        expect(crashed.triggered, where).toBe(1);
        expect(crashed.run.crashes, where).toBeGreaterThanOrEqual(1);
        expect(stageOf(crashed.run, '1').status, where).toBe(scenario.expectStatus);
        expect(crashed.world, where).toEqual(clean.world);
      }
      total += clean.points.length;
      console.log(
        `lambda crash idempotency: ${scenario.name}: ${clean.points.length} injection points (${[...new Set(clean.points.map((p) => p.command))].join(', ')})`,
      );
    },
    300_000,
  );

  it('covers injection points', () => {
    console.log(`lambda crash idempotency: ${total} injection points in ${LAMBDA_SCENARIOS.length} scenarios`);
    expect(total).toBeGreaterThan(0);
  });
});
