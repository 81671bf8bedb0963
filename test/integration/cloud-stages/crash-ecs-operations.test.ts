/** Crash idempotency of the server group and cluster stages on ECS (every mutating ECS call they make): see crash-scenarios.ts. */
import { crashSuite } from '../../support/crash-suite.js';
import { cloudCrashRuns, SCENARIOS } from '../../support/cloud-stages/crash-scenarios.js';
import { useLocalAws } from '../../support/local.js';

crashSuite('ECS operations', { emulator: useLocalAws, runs: cloudCrashRuns, scenarios: SCENARIOS.filter(({ name }) => name.startsWith('ECS ')) });
