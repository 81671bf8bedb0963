/** Crash idempotency of progressive deploys on EC2 and ECS (every mutating ELBv2 / ECS / Auto Scaling call): see crash-scenarios.ts. */
import { crashSuite } from '../../support/crash-suite.js';
import { cloudCrashRuns, SCENARIOS } from '../../support/cloud-stages/crash-scenarios.js';
import { useLocalAws } from '../../support/local.js';

crashSuite('progressive deploy', { emulator: useLocalAws, runs: cloudCrashRuns, scenarios: SCENARIOS.filter(({ name }) => name.startsWith('progressive')) });
