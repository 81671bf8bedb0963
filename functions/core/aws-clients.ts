/**
 * The one place AWS SDK clients are created: `dynamoClient()`, `ec2Client({ region })`... Each
 * service is a separately imported function, so a Lambda bundle carries only the SDK clients its
 * code calls (esbuild cannot drop members of a namespace object). `awsClients` groups them for
 * tests and scripts, which are not bundled.
 */
export { clientConfig, defaultRegion, resetClientCache, type ClientOptions } from './client-cache.js';
export * from './aws-client-factories.js';
export * as awsClients from './aws-client-factories.js';
