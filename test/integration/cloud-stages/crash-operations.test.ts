/** Crash idempotency of rollback, enable, disable, resize, destroy and bake: see crash-scenarios.ts. */
import { crashSuite } from './crash-suite.js';

crashSuite('rollback, server group operations, bake', (name) => !name.startsWith('deploy') && !name.startsWith('progressive') && !name.startsWith('ECS '));
