/**
 * Every field the AWS Lambda plugin's Deck forms write (read from its form components) is known to
 * Gennaker: a stage carrying all of them validates with no error and no warning, and the fields it
 * does not support are named when they carry a value.
 */
import { describe, expect, it } from 'vitest';
import { validatePipeline } from '../../../../state-machines/model/validate.js';

const ROLE = 'arn:aws:iam::123456789012:role/app-lambda';

/** Each form's fields as Deck writes them (defaults where the user leaves a field alone). */
const DECK_STAGES: Record<string, Record<string, unknown>> = {
  'Aws.LambdaDeploymentStage': {
    account: 'default',
    region: 'us-east-1',
    functionUid: 'fn',
    stackName: 'prod',
    detailName: '',
    functionName: 'test-prod-fn',
    aliases: ['live'],
    runtime: 'nodejs22.x',
    s3bucket: 'b',
    s3key: 'k.zip',
    handler: 'index.handler',
    publish: true,
    role: ROLE,
    description: '',
    memorySize: 128,
    timeout: 3,
    envVariables: {},
    KMSKeyArn: '',
    encryptionKMSKeyArn: '',
    tags: {},
    layers: [],
    deadLetterConfig: { targetArn: '' },
    tracingConfig: { mode: 'PassThrough' },
    reservedConcurrentExecutions: 10,
    vpcId: '',
    subnetIds: [],
    securityGroupIds: [],
    triggerArns: [''],
    batchsize: 1,
    enableLambdaAtEdge: false,
    targetGroups: '',
  },
  'Aws.LambdaTrafficRoutingStage': {
    account: 'default',
    region: 'us-east-1',
    functionName: 'test-prod-fn',
    aliasName: 'live',
    deploymentStrategy: '$BLUEGREEN',
    provisionedConcurrentExecutions: 0,
    versionNameA: '$LATEST',
    versionNumberA: '',
    versionNameB: '$PREVIOUS',
    versionNumberB: '',
    trafficPercentA: 100,
    trafficPercentB: 0,
    healthCheckType: '$LAMBDA',
    destroyOnFail: false,
    timeout: 30,
    lambdaPayload: '{}',
    lambdaOutput: '{}',
    payloadArtifact: { account: '', id: '' },
    outputArtifact: { account: '', id: '' },
    triggerArns: [''],
    batchsize: 1,
  },
  'Aws.LambdaInvokeStage': {
    account: 'default',
    region: 'us-east-1',
    functionName: 'test-prod-fn',
    aliasName: 'live',
    executionCount: 1,
    timeout: 30,
    lambdaPayload: '{}',
    lambdaOutput: '',
    payloadArtifact: { account: '', id: '' },
  },
  'Aws.LambdaDeleteStage': { account: 'default', region: 'us-east-1', functionName: 'test-prod-fn', version: '$MOVING', versionNumber: '', retentionNumber: 2 },
  'Aws.LambdaUpdateCodeStage': { account: 'default', region: 'us-east-1', functionName: 'test-prod-fn', publish: true, s3bucket: 'b', s3key: 'k.zip' },
};

function validate(stage: Record<string, unknown>) {
  return validatePipeline({ application: 'test', name: 'p', stages: [{ refId: '1', name: 'stage', ...stage }] });
}

describe("the Lambda plugin's Deck fields", () => {
  it.each(Object.entries(DECK_STAGES))('%s: every field its form writes validates, without warnings', (type, fields) => {
    const result = validate({ type, ...fields });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it('names what Gennaker does not support when it carries a value', () => {
    const deploy = validate({ type: 'Aws.LambdaDeploymentStage', ...DECK_STAGES['Aws.LambdaDeploymentStage'], targetGroups: 'app-tg' });
    expect(deploy.errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      '$.stages[0].targetGroups: registering the function with a load balancer target group is not supported; leave it empty',
    ]);
    const route = validate({ type: 'Aws.LambdaTrafficRoutingStage', ...DECK_STAGES['Aws.LambdaTrafficRoutingStage'], healthCheckType: '$HTTP' });
    expect(route.errors.map((e) => e.message)).toEqual(['must be $LAMBDA, the one health check the plugin has (got "$HTTP")']);
  });
});
