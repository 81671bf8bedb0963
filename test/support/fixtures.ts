/**
 * The real exports and deliveries the tests name, copied into the repo from ../shared (their sources
 * are in the README beside them) so that a clean clone tests the same files wherever it is checked out.
 */
import { join } from 'node:path';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
export const SPINNAKER_EXAMPLES = join(FIXTURES, 'spinnaker-examples');
export const EVENTS = join(FIXTURES, 'events');
export const KAYENTA_VECTORS = join(FIXTURES, 'kayenta');
