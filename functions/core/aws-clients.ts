/**
 * AWS clients for tests, local mode, the CLI and scripts, which are not bundled: `dynamoClient()`,
 * `awsClients.sfnClient()`... Lambda code imports each factory from its own module
 * (sdk-clients/<service>.ts) and the shared configuration from client-cache.ts, so a function's
 * bundle loads at start only the SDK clients its start path calls (bench/bundles.ts checks).
 */
export { resetClientCache } from './client-cache.js';
export * from './aws-client-factories.js';
export * as awsClients from './aws-client-factories.js';
