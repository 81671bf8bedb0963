/** Crash idempotency of the server group and cluster stages on ECS (every mutating ECS call they make): see crash-scenarios.ts. */
import { crashSuite } from './crash-suite.js';

crashSuite('ECS operations', (name) => name.startsWith('ECS '));
