/** The crash idempotency suite for a set of scenarios (split over files so they run in parallel). */
import { describe, expect, it } from 'vitest';
import { resetClientCache } from '../../../functions/core/aws-clients.js';
import { ensureTables } from '../../../functions/core/tables.js';
import { useLocalAws } from '../../support/local.js';
import { createNetwork } from '../../support/cloud-stages/fixtures.js';
import { cleanRun, crashedRun, SCENARIOS, type Fresh } from '../../support/cloud-stages/crash-scenarios.js';
import { stageClients, stageOf } from '../../support/cloud-stages/harness.js';

export function crashSuite(title: string, pick: (name: string) => boolean): void {
  const moto = useLocalAws();
  const fresh: Fresh = async () => {
    await moto.server().reset();
    resetClientCache();
    await ensureTables();
    const clients = stageClients();
    return { clients, network: await createNetwork(clients) };
  };
  const scenarios = SCENARIOS.filter((s) => pick(s.name));
  let total = 0;

  describe(title, () => {
    it.each(scenarios.map((s) => [s.name, s] as const))(
      '%s converges after a crash right after each mutating call',
      async (_name, scenario) => {
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
          `crash idempotency: ${scenario.name}: ${clean.points.length} injection points (${[...new Set(clean.points.map((p) => p.command))].join(', ')})`,
        );
      },
      // Progressive scenarios replay dozens of injection points; a loaded 2-core machine needs minutes.
      900_000,
    );

    it('reports the injection points covered', () => {
      console.log(`crash idempotency (${title}): ${total} injection points covered in ${scenarios.length} scenarios`);
      expect(total).toBeGreaterThan(0);
    });
  });
}
