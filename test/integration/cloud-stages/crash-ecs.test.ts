/** Crash idempotency of ECS deploys (every mutating ECS / ELBv2 call): see crash-scenarios.ts. */
import { crashSuite } from './crash-suite.js';

crashSuite('ECS deploy', (name) => name.startsWith('deploy ECS'));
