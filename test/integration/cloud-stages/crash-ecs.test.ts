/** Crash idempotency of ECS deploys (every mutating ECS / ELBv2 call): see crash-scenarios.ts. */
import { crashSuite } from '../../support/crash-suite.js';
import { cloudCrashRuns, SCENARIOS } from '../../support/cloud-stages/crash-scenarios.js';
import { useLocalAws } from '../../support/local.js';

crashSuite('ECS deploy', { emulator: useLocalAws, runs: cloudCrashRuns, scenarios: SCENARIOS.filter(({ name }) => name.startsWith('deploy ECS')) });
