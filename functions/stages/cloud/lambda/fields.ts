/**
 * The AWS Lambda plugin's fields, read from an evaluated stage config into the driver's specs.
 * Pure. Deck writes empty strings for unset fields (`KMSKeyArn: ""`, `deadLetterConfig.targetArn:
 * ""`), so an empty string means "none" where AWS has a none, and "leave it" elsewhere.
 */
import { FunctionNameError, functionNameFor, type CodeSpec, type EventMappingSpec, type FunctionConfigSpec } from '../../../core/cloud/lambda/index.js';
import { TAG_PREFIX } from '../../../core/cloud/index.js';
import { StageConfigError } from '../../../core/stage-api.js';
import { accountOf, isObject, optionalString, regionsOf, stringList, wholeNumber } from '../fields.js';
import { textOf } from '../../../../state-machines/model/problems.js';

type Config = Readonly<Record<string, unknown>>;

/** Where a Lambda stage acts: one function in one account and region. */
export interface FunctionLocation {
  readonly account: string;
  readonly region: string;
  readonly functionName: string;
  /** The name as the stage wrote it (before the application prefix). */
  readonly given: string;
}

export function functionLocation(config: Config, application: string, defaultRegion: string): FunctionLocation {
  const given = optionalString(config, 'functionName');
  if (!given) throw new StageConfigError('functionName: required (the Lambda function)');
  let functionName: string;
  try {
    functionName = functionNameFor(application, given);
  } catch (error) {
    if (error instanceof FunctionNameError) throw new StageConfigError(`functionName: ${error.message}`);
    throw error;
  }
  const regions = regionsOf(config, defaultRegion);
  if (regions.length !== 1) throw new StageConfigError(`region: a Lambda stage acts in one region (got ${regions.join(', ')})`);
  return { account: accountOf(config), region: regions[0]!, functionName, given };
}

/** A whole number within bounds, or undefined when unset. */
export function boundedNumber(config: Config, field: string, min: number, max: number): number | undefined {
  const n = wholeNumber(config, field);
  if (n !== undefined && (n < min || n > max)) throw new StageConfigError(`${field}: must be from ${min} to ${max} (got ${n})`);
  return n;
}

function stringRecord(config: Config, field: string): Record<string, string> | undefined {
  const v = config[field];
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw new StageConfigError(`${field}: must be an object`);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x === null || x === undefined ? '' : textOf(x)]));
}

function nonEmptyList(config: Config, field: string): string[] | undefined {
  return stringList(config, field)?.filter((s) => s.trim() !== '');
}

export function codeOf(config: Config): CodeSpec {
  const s3Bucket = optionalString(config, 's3bucket');
  const s3Key = optionalString(config, 's3key');
  if (!s3Bucket && !s3Key) throw new StageConfigError('s3bucket: required (the code location: s3bucket and s3key)');
  if (!s3Bucket) throw new StageConfigError('s3bucket: required (the bucket of the code package)');
  if (!s3Key) throw new StageConfigError('s3key: required (the key of the code package)');
  return { s3Bucket, s3Key };
}

export function configSpecOf(config: Config): FunctionConfigSpec {
  const required = (field: string, what: string): string => {
    const v = optionalString(config, field);
    if (!v) throw new StageConfigError(`${field}: required (${what})`);
    return v;
  };
  const environment = stringRecord(config, 'envVariables');
  const subnetIds = nonEmptyList(config, 'subnetIds');
  const securityGroupIds = nonEmptyList(config, 'securityGroupIds');
  const layers = nonEmptyList(config, 'layers');
  const dlq = isObject(config.deadLetterConfig) ? config.deadLetterConfig : undefined;
  const tracing = isObject(config.tracingConfig) ? config.tracingConfig : undefined;
  const tracingMode = typeof tracing?.mode === 'string' && tracing.mode !== '' ? tracing.mode : undefined;
  if (tracingMode && tracingMode !== 'Active' && tracingMode !== 'PassThrough')
    throw new StageConfigError(`tracingConfig.mode: must be Active or PassThrough (got ${tracingMode})`);
  const kms = [config.KMSKeyArn, config.kmskeyArn, config.encryptionKMSKeyArn].find((v): v is string => typeof v === 'string' && v.trim() !== '');
  const memorySize = boundedNumber(config, 'memorySize', 128, 10240);
  const timeout = boundedNumber(config, 'timeout', 1, 900);
  const description = typeof config.description === 'string' ? config.description : undefined;
  const role = required('role', 'the execution role ARN');
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(role)) throw new StageConfigError(`role: "${role}" is not an IAM role ARN`);
  return {
    runtime: required('runtime', 'e.g. nodejs22.x'),
    handler: required('handler', 'e.g. index.handler'),
    role,
    ...(description !== undefined ? { description } : {}),
    ...(memorySize !== undefined ? { memorySize } : {}),
    ...(timeout !== undefined ? { timeout } : {}),
    ...(environment ? { environment } : {}),
    // Deck always writes both lists; empty lists mean "no VPC".
    ...(config.subnetIds !== undefined || config.securityGroupIds !== undefined
      ? { subnetIds: subnetIds ?? [], securityGroupIds: securityGroupIds ?? [] }
      : {}),
    ...(dlq ? { deadLetterTargetArn: typeof dlq.targetArn === 'string' ? dlq.targetArn : '' } : {}),
    ...(tracingMode ? { tracingMode } : {}),
    kmsKeyArn: kms ?? '',
    ...(layers ? { layers } : {}),
  };
}

/** The user's tags; the `gennaker:` prefix is Gennaker's. */
export function userTagsOf(config: Config): Record<string, string> {
  const tags = stringRecord(config, 'tags') ?? {};
  const reserved = Object.keys(tags).filter((k) => k.startsWith(TAG_PREFIX));
  if (reserved.length > 0) throw new StageConfigError(`tags: ${reserved.join(', ')}: the ${TAG_PREFIX} prefix is reserved`);
  return tags;
}

/** `aliases` as a list or Deck's comma-separated string. */
export function aliasesOf(config: Config): string[] {
  const names = [...new Set((stringList(config, 'aliases') ?? []).map((a) => a.trim()).filter(Boolean))];
  for (const name of names) {
    if (!/^(?!^[0-9]+$)[a-zA-Z0-9-_]{1,128}$/.test(name))
      throw new StageConfigError(`aliases: "${name}" is not an alias name (letters, digits, '-', '_'; not only digits)`);
  }
  return names;
}

/** Event source mappings from `triggerArns` (Deck writes `[""]` for none); undefined = leave them. */
export function eventMappingsOf(config: Config): EventMappingSpec | undefined {
  if (config.triggerArns === undefined || config.triggerArns === null) return undefined;
  const arns = nonEmptyList(config, 'triggerArns') ?? [];
  for (const arn of arns) if (!/^arn:aws[a-z-]*:[a-z0-9-]+:/.test(arn)) throw new StageConfigError(`triggerArns: "${arn}" is not an ARN`);
  const batchSize = boundedNumber(config, 'batchsize', 1, 10000);
  const startingPosition = optionalString(config, 'startingPosition');
  return { eventSourceArns: arns, ...(batchSize !== undefined ? { batchSize } : {}), ...(startingPosition ? { startingPosition } : {}) };
}

/** Lambda@Edge functions have limits the plugin checks before anything runs. */
export function edgeProblems(config: Config, region: string, spec: FunctionConfigSpec): string[] {
  if (config.enableLambdaAtEdge !== true && config.enableLambdaAtEdge !== 'true') return [];
  const problems: string[] = [];
  if (spec.environment && Object.keys(spec.environment).length > 0) problems.push('envVariables: Lambda@Edge functions cannot have environment variables');
  if ((spec.timeout ?? 3) > 5) problems.push('timeout: Lambda@Edge functions time out after at most 5 s');
  if ((spec.memorySize ?? 128) > 128) problems.push('memorySize: Lambda@Edge functions have at most 128 MB');
  if (region !== 'us-east-1') problems.push('region: Lambda@Edge functions are deployed in us-east-1');
  if ((spec.subnetIds?.length ?? 0) > 0 || (spec.securityGroupIds?.length ?? 0) > 0) problems.push('subnetIds: Lambda@Edge functions cannot be in a VPC');
  return problems;
}
