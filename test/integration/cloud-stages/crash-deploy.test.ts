/** Crash idempotency of deploy (every strategy, and the rollback of a failed deploy): see crash-scenarios.ts. */
import { crashSuite } from './crash-suite.js';

crashSuite('deploy', (name) => name.startsWith('deploy') && !name.startsWith('deploy ECS'));
