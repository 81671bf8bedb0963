/** Crash idempotency of rollback, enable, disable, resize, destroy and bake: see crash-scenarios.ts. */
import { crashSuite } from '../../support/crash-suite.js';
import { cloudCrashRuns, SCENARIOS } from '../../support/cloud-stages/crash-scenarios.js';
import { useLocalAws } from '../../support/local.js';

crashSuite('rollback, server group operations, bake', {
  emulator: useLocalAws,
  runs: cloudCrashRuns,
  scenarios: SCENARIOS.filter(({ name }) => !name.startsWith('deploy') && !name.startsWith('progressive') && !name.startsWith('ECS ')),
});
