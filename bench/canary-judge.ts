/**
 * Canary judge benchmark: the classifier's false-alarm and detection rates per direction and
 * tolerance basis. The measurement lives in test/support/canary-judge-rates.ts, where a unit test
 * holds it to bounds too (tests and benchmarks share test/support, never each other's files).
 */
export { run } from '../test/support/canary-judge-rates.js';
