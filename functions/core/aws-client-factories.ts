/**
 * The AWS client factories tests and scripts use, as one namespace (aws-clients.ts). Lambda code
 * imports each factory from its own module (sdk-clients/<service>.ts): a bundle splits code by
 * module, so one module naming every client put every SDK client in each function's start chunk.
 */
export { dynamoClient } from './sdk-clients/dynamodb.js';
export { sfnClient } from './sdk-clients/sfn.js';
export { snsClient } from './sdk-clients/sns.js';
export { ec2Client } from './sdk-clients/ec2.js';
export { lambdaClient } from './sdk-clients/lambda.js';
export { cloudwatchClient } from './sdk-clients/cloudwatch.js';
export { ecsClient } from './sdk-clients/ecs.js';
export { secretsManagerClient } from './sdk-clients/secrets-manager.js';
export { s3Client } from './sdk-clients/s3.js';
