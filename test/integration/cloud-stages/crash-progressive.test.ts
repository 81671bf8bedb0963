/** Crash idempotency of progressive deploys on EC2 and ECS (every mutating ELBv2 / ECS / Auto Scaling call): see crash-scenarios.ts. */
import { crashSuite } from './crash-suite.js';

crashSuite('progressive deploy', (name) => name.startsWith('progressive'));
