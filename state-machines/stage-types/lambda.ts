/**
 * The AWS Lambda deployment plugin's stage types (spinnaker-plugins/aws-lambda-deployment-plugin-
 * spinnaker), with the field names its Deck forms and Orca inputs write. They run in the cloud
 * family (functions/stages/cloud/lambda), which checks the evaluated config again; here only what
 * can be checked before `${...}` runs.
 */
import { cloudProviderProblems } from './cloud.js';
import { field, type StageField } from './fields.js';
import { registerStageType, type StageTypeInfo } from './registry.js';
import { mayWaitForPromote, trafficProblems } from './traffic-steps.js';

type Raw = Readonly<Record<string, unknown>>;

export const LAMBDA_DEPLOY = 'Aws.LambdaDeploymentStage';
export const LAMBDA_ROUTE = 'Aws.LambdaTrafficRoutingStage';
export const LAMBDA_INVOKE = 'Aws.LambdaInvokeStage';
export const LAMBDA_DELETE = 'Aws.LambdaDeleteStage';
export const LAMBDA_UPDATE_CODE = 'Aws.LambdaUpdateCodeStage';

/** `$SIMPLE`, `$WEIGHTED`, `$BLUEGREEN` are the plugin's; `$PROGRESSIVE` moves the weight in `trafficSteps`. */
const ROUTING_STRATEGIES = ['$SIMPLE', '$WEIGHTED', '$BLUEGREEN', '$PROGRESSIVE'] as const;
const ROUTE_VERSION_NAMES = ['$LATEST', '$PREVIOUS', '$OLDEST', '$PROVIDED'] as const;
const DELETE_VERSION_NAMES = ['$ALL', '$LATEST', '$PREVIOUS', '$OLDEST', '$MOVING', '$PROVIDED'] as const;

/** Deck's limit on provisioned concurrency (its NumberConcurrencyInput). */
export const MAX_PROVISIONED = 3000;

const isExpression = (v: unknown): boolean => typeof v === 'string' && v.includes('${');
const literal = (v: unknown): boolean => v !== undefined && v !== null && !isExpression(v);
const blank = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function required(s: Raw, field: string, what: string): string[] {
  return blank(s[field]) ? [`${field}: required (${what})`] : [];
}

function number(s: Raw, field: string, min: number, max: number): string[] {
  const v = s[field];
  if (!literal(v) || v === '') return [];
  const n = typeof v === 'string' ? Number(v.trim()) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max
    ? []
    : [`${field}: must be a whole number from ${min} to ${max} (got ${JSON.stringify(v)})`];
}

function listOrString(s: Raw, field: string): string[] {
  const v = s[field];
  return !literal(v) || Array.isArray(v) || typeof v === 'string' ? [] : [`${field}: must be a list`];
}

function object(s: Raw, field: string): string[] {
  const v = s[field];
  return !literal(v) || isObject(v) ? [] : [`${field}: must be an object`];
}

/** A plugin version name or a version number. */
function versionName(s: Raw, field: string, numberField: string, allowed: readonly string[]): string[] {
  const v = s[field];
  if (!literal(v)) return [];
  if (typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v.trim()))) return [];
  if (typeof v !== 'string' || !allowed.some((a) => v.startsWith(a))) return [`${field}: must be one of ${allowed.join(', ')} or a version number`];
  if (v.startsWith('$PROVIDED') && blank(s[numberField])) return [`${numberField}: required with ${field} $PROVIDED`];
  return [];
}

function common(s: Raw): string[] {
  return [...cloudProviderProblems(s), ...required(s, 'functionName', 'the Lambda function'), ...object(s, 'tags')];
}

export function lambdaDeployProblems(s: Raw): string[] {
  const problems = [
    ...common(s),
    // A codeArtifact may be a container image, which has neither: checked when it is bound.
    ...(blank(s.codeArtifact) ? [...required(s, 'runtime', 'e.g. nodejs22.x'), ...required(s, 'handler', 'e.g. index.handler')] : []),
    ...required(s, 'role', 'the execution role ARN'),
    ...codeLocationProblems(s),
    ...number(s, 'memorySize', 128, 10240),
    ...number(s, 'timeout', 1, 900),
    ...number(s, 'reservedConcurrentExecutions', 0, 100000),
    ...number(s, 'provisionedConcurrentExecutions', 0, MAX_PROVISIONED),
    ...number(s, 'batchsize', 1, 10000),
    ...listOrString(s, 'aliases'),
    ...listOrString(s, 'subnetIds'),
    ...listOrString(s, 'securityGroupIds'),
    ...listOrString(s, 'layers'),
    ...listOrString(s, 'triggerArns'),
    ...object(s, 'envVariables'),
    ...object(s, 'deadLetterConfig'),
    ...object(s, 'tracingConfig'),
    ...unsupportedTargetGroups(s),
  ];
  return problems;
}

/** The plugin's Orca input carries `targetGroups` (a load balancer in front of the function); Gennaker does not register functions with target groups. */
function unsupportedTargetGroups(s: Raw): string[] {
  const v = s.targetGroups;
  const given = Array.isArray(v) ? v.some((x) => !blank(x)) : !blank(v);
  return given && literal(v) ? ['targetGroups: registering the function with a load balancer target group is not supported; leave it empty'] : [];
}

function codeLocationProblems(s: Raw): string[] {
  if (!blank(s.codeArtifact)) {
    if (!blank(s.s3bucket) || !blank(s.s3key)) return ['codeArtifact: give the code as s3bucket/s3key or as codeArtifact, not both'];
    return object(s, 'codeArtifact');
  }
  if (blank(s.s3bucket) && blank(s.s3key)) return ['s3bucket: required (the code location: s3bucket and s3key, or codeArtifact)'];
  return [...required(s, 's3bucket', 'the bucket of the code package'), ...required(s, 's3key', 'the key of the code package')];
}

export function lambdaUpdateCodeProblems(s: Raw): string[] {
  return [...common(s), ...codeLocationProblems(s)];
}

export function lambdaRouteProblems(s: Raw): string[] {
  const problems = [
    ...common(s),
    ...required(s, 'aliasName', 'the alias whose traffic moves'),
    ...number(s, 'provisionedConcurrentExecutions', 0, MAX_PROVISIONED),
  ];
  const strategy = s.deploymentStrategy;
  if (blank(strategy)) return [...problems, `deploymentStrategy: required (one of ${ROUTING_STRATEGIES.join(', ')})`];
  if (!literal(strategy)) return problems;
  if (typeof strategy !== 'string' || !(ROUTING_STRATEGIES as readonly string[]).includes(strategy)) {
    return [...problems, `deploymentStrategy: must be one of ${ROUTING_STRATEGIES.join(', ')} (got ${JSON.stringify(strategy)})`];
  }
  if (strategy === '$SIMPLE' || strategy === '$WEIGHTED') {
    problems.push(...required(s, 'versionNameA', 'the version to route to'), ...versionName(s, 'versionNameA', 'versionNumberA', ROUTE_VERSION_NAMES));
  }
  if (strategy === '$WEIGHTED') {
    problems.push(...required(s, 'versionNameB', 'the second version'), ...versionName(s, 'versionNameB', 'versionNumberB', ROUTE_VERSION_NAMES));
    problems.push(...number(s, 'trafficPercentA', 0, 100), ...number(s, 'trafficPercentB', 0, 100));
    const a = Number(s.trafficPercentA);
    const b = Number(s.trafficPercentB);
    if (literal(s.trafficPercentA) && literal(s.trafficPercentB) && s.trafficPercentB !== '' && Number.isFinite(a) && Number.isFinite(b) && a + b !== 100) {
      problems.push(`trafficPercentB: trafficPercentA + trafficPercentB must be 100 (got ${a} + ${b})`);
    }
    if (blank(s.trafficPercentA)) problems.push('trafficPercentA: required (percent of traffic on versionNameA)');
  }
  if (strategy === '$BLUEGREEN') {
    if (literal(s.healthCheckType) && !blank(s.healthCheckType) && s.healthCheckType !== '$LAMBDA')
      problems.push(`healthCheckType: must be $LAMBDA, the one health check the plugin has (got ${JSON.stringify(s.healthCheckType)})`);
    if (blank(s.lambdaPayload) && !isObject(s.payloadArtifact))
      problems.push('lambdaPayload: required (the payload to invoke the new version with), or payloadArtifact');
    if (blank(s.lambdaOutput) && !isObject(s.outputArtifact))
      problems.push('lambdaOutput: required (the output the new version must return), or outputArtifact');
    problems.push(...number(s, 'timeout', 0, 900));
  }
  if (strategy === '$PROGRESSIVE' && s.trafficSteps === undefined) problems.push('trafficSteps: required with $PROGRESSIVE');
  if (strategy === '$PROGRESSIVE') problems.push(...trafficProblems(s));
  return problems;
}

export function lambdaInvokeProblems(s: Raw): string[] {
  return [...common(s), ...number(s, 'executionCount', 1, 100), ...number(s, 'timeout', 0, 900)];
}

export function lambdaDeleteProblems(s: Raw): string[] {
  const problems = [...common(s), ...required(s, 'version', `one of ${DELETE_VERSION_NAMES.join(', ')} or a version number`)];
  problems.push(...versionName(s, 'version', 'versionNumber', DELETE_VERSION_NAMES));
  if (s.version === '$MOVING') {
    if (blank(s.retentionNumber)) problems.push('retentionNumber: required with version $MOVING (how many of the newest versions to keep)');
    problems.push(...number(s, 'retentionNumber', 1, 10000));
  }
  return problems;
}

const LAMBDA_COMMON: readonly StageField[] = [
  field('functionName', 'string', 'the function (without the application prefix the plugin adds)'),
  field('account', 'string', 'the account', { aliases: ['credentials'] }),
  field('region', 'string', 'the region'),
  field('cloudProvider', 'string', 'aws', { default: 'aws' }),
  field('tags', 'object', 'tags on the function'),
  field('appName', 'string', "the plugin's application name (accepted)"),
];
const CODE: readonly StageField[] = [
  field('s3bucket', 'string', 'bucket of the code package'),
  field('s3key', 'string', 'key of the code package'),
  field(
    'codeArtifact',
    'object',
    'the code as an artifact instead (Gennaker): {artifactId} or {artifact}; s3/object, embedded/base64 zip, or docker/image in ECR',
  ),
  field('publish', 'boolean', 'publish a version', { default: true }),
];
const LAMBDA_DEPLOY_FIELDS: readonly StageField[] = [
  ...LAMBDA_COMMON,
  ...CODE,
  field('runtime', 'string', 'e.g. nodejs22.x'),
  field('handler', 'string', 'e.g. index.handler'),
  field('role', 'string', 'the execution role ARN'),
  field('description', 'string', "the function's description"),
  field('memorySize', 'integer', 'MB, 128 to 10240', { default: 128 }),
  field('timeout', 'integer', 'seconds, 1 to 900', { default: 3 }),
  field('reservedConcurrentExecutions', 'integer', 'reserved concurrency (unset removes it, as the plugin does)'),
  field('provisionedConcurrentExecutions', 'integer', 'provisioned concurrency on aliasName (or the one alias), waited for until READY'),
  field('aliasName', 'string', 'the alias provisionedConcurrentExecutions applies to'),
  field('envVariables', 'object', 'environment variables'),
  field('aliases', 'array', 'aliases pointed at the new version'),
  field('subnetIds', 'array', 'VPC subnets'),
  field('securityGroupIds', 'array', 'VPC security groups'),
  field('layers', 'array', 'layer version ARNs'),
  field('triggerArns', 'array', 'event sources mapped to the function'),
  field('batchsize', 'integer', 'batch size of the event source mappings'),
  field('deadLetterConfig', 'object', '{targetArn}'),
  field('tracingConfig', 'object', '{mode: Active | PassThrough}'),
  field('KMSKeyArn', 'string', 'KMS key of the environment', { aliases: ['encryptionKMSKeyArn', 'kmskeyArn'] }),
  field('enableLambdaAtEdge', 'boolean', 'Lambda@Edge checks (accepted)'),
  field('functionUid', 'string', "Deck's name part, joined into functionName (accepted)"),
  field('stackName', 'string', "Deck's stack, joined into functionName (accepted)"),
  field('detailName', 'string', "Deck's detail, joined into functionName (accepted)"),
  field('vpcId', 'string', 'the VPC of subnetIds (accepted; the subnets decide)'),
  field('targetGroups', 'string', 'load balancer target groups: not supported (must be empty)'),
];
const LAMBDA_ROUTE_FIELDS: readonly StageField[] = [
  ...LAMBDA_COMMON,
  field('aliasName', 'string', 'the alias whose traffic moves'),
  field('aliasDescription', 'string', "the alias's description"),
  field('deploymentStrategy', 'string', 'how traffic moves', { values: ['$SIMPLE', '$WEIGHTED', '$BLUEGREEN', '$PROGRESSIVE'] }),
  field('versionNameA', 'string', '$LATEST, $PREVIOUS, $OLDEST, $PROVIDED or a version number'),
  field('versionNumberA', 'string', 'the version with $PROVIDED'),
  field('versionNameB', 'string', 'the second version ($WEIGHTED)'),
  field('versionNumberB', 'string', 'the second version with $PROVIDED'),
  field('trafficPercentA', 'integer', 'percent on versionNameA ($WEIGHTED)'),
  field('trafficPercentB', 'integer', 'percent on versionNameB ($WEIGHTED)'),
  field('provisionedConcurrentExecutions', 'integer', 'provisioned concurrency on the alias, waited for until READY; 0 removes it ($SIMPLE, $BLUEGREEN)'),
  field('lambdaPayload', 'string', 'payload the new version is invoked with ($BLUEGREEN)'),
  field('payloadArtifact', 'object', 'the payload as an artifact'),
  field('lambdaOutput', 'string', 'output the new version must return ($BLUEGREEN)'),
  field('outputArtifact', 'object', 'the output as an artifact'),
  field('timeout', 'integer', 'seconds of the $BLUEGREEN invocation'),
  field('trafficSteps', 'array', '$PROGRESSIVE: steps {weight, pauseSec?, analysis?} the weight moves through (no pauseSec: wait for a promote)'),
  field('rollbackAlarms', 'string[]', 'CloudWatch alarms that roll a $PROGRESSIVE shift back'),
  field('destroyOnFail', 'boolean', 'delete the new version when the shift rolls back', { default: false }),
  field('healthCheckType', 'string', '$BLUEGREEN health check', { values: ['$LAMBDA'], default: '$LAMBDA' }),
  field('triggerArns', 'array', 'event sources mapped to the alias'),
  field('batchsize', 'integer', 'batch size of the event source mappings'),
];
const LAMBDA_INVOKE_FIELDS: readonly StageField[] = [
  ...LAMBDA_COMMON,
  field('aliasName', 'string', 'invoke this alias (or version)', { aliases: ['qualifier'] }),
  field('lambdaPayload', 'string', 'the payload'),
  field('payloadArtifact', 'object', 'the payload as an artifact'),
  field('executionCount', 'integer', 'invocations, 1 to 100', { default: 1 }),
  field('lambdaOutput', 'string', "Deck's expected output (accepted; the invoke stage fails on function errors, not on output)"),
  field('outputArtifact', 'object', 'the expected output as an artifact (accepted, as lambdaOutput)'),
  field('timeout', 'integer', 'seconds to wait for each', { default: 30 }),
];
const LAMBDA_DELETE_FIELDS: readonly StageField[] = [
  ...LAMBDA_COMMON,
  field('version', 'string', '$ALL, $LATEST, $PREVIOUS, $OLDEST, $MOVING, $PROVIDED or a version number'),
  field('versionNumber', 'string', 'the version with $PROVIDED'),
  field('retentionNumber', 'integer', 'newest versions kept with $MOVING'),
];

function lambda(info: Omit<StageTypeInfo, 'family'>): void {
  registerStageType({ ...info, family: 'cloud' });
}

const HOUR_MS = 60 * 60 * 1000;

lambda({
  type: LAMBDA_DEPLOY,
  fields: LAMBDA_DEPLOY_FIELDS,
  execution: 'poll',
  description: 'Create or update a Lambda function, publish a version, point aliases (AWS Lambda plugin)',
  defaultTimeoutMs: 2 * HOUR_MS,
  check: lambdaDeployProblems,
});
lambda({
  type: LAMBDA_UPDATE_CODE,
  fields: [...LAMBDA_COMMON, ...CODE],
  execution: 'poll',
  description: "Update a Lambda function's code and optionally publish a version (AWS Lambda plugin)",
  defaultTimeoutMs: 2 * HOUR_MS,
  check: lambdaUpdateCodeProblems,
});
// No default timeout: a progressive shift ends itself (or rolls back) within its own steps.
lambda({
  type: LAMBDA_ROUTE,
  fields: LAMBDA_ROUTE_FIELDS,
  execution: 'poll',
  description: "Move a Lambda alias's traffic: $SIMPLE, $WEIGHTED, $BLUEGREEN, or $PROGRESSIVE in steps with alarm gates",
  check: lambdaRouteProblems,
  // A $PROGRESSIVE step without pauseSec waits for a promote on its task token (functions/core/promote.ts).
  callbackFor: (s) => (s.deploymentStrategy === '$PROGRESSIVE' || isExpression(s.deploymentStrategy)) && mayWaitForPromote(s.trafficSteps),
});
lambda({
  type: LAMBDA_INVOKE,
  fields: LAMBDA_INVOKE_FIELDS,
  execution: 'poll',
  description: 'Invoke a Lambda function or alias N times with a payload (AWS Lambda plugin)',
  defaultTimeoutMs: HOUR_MS,
  check: lambdaInvokeProblems,
});
lambda({
  type: LAMBDA_DELETE,
  fields: LAMBDA_DELETE_FIELDS,
  execution: 'poll',
  description: 'Delete Lambda function versions, or the function (AWS Lambda plugin)',
  defaultTimeoutMs: HOUR_MS,
  check: lambdaDeleteProblems,
});
