/** Crash idempotency of deploy (every strategy, and the rollback of a failed deploy): see crash-scenarios.ts. */
import { crashSuite } from '../../support/crash-suite.js';
import { cloudCrashRuns, SCENARIOS } from '../../support/cloud-stages/crash-scenarios.js';
import { useLocalAws } from '../../support/local.js';

crashSuite('deploy', {
  emulator: useLocalAws,
  runs: cloudCrashRuns,
  scenarios: SCENARIOS.filter(({ name }) => name.startsWith('deploy') && !name.startsWith('deploy ECS')),
});
