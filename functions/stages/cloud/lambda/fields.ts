/**
 * The AWS Lambda plugin's fields, read from an evaluated stage config into the driver's specs.
 * Pure. Deck writes empty strings for unset fields (`KMSKeyArn: ""`, `deadLetterConfig.targetArn:
 * ""`), so an empty string means "none" where AWS has a none, and "leave it" elsewhere.
 */
import { FunctionNameError, functionNameFor, type CodeSpec, type EventMappingSpec, type FunctionConfigSpec } from '../../../core/cloud/lambda/index.js';
import { parseS3Reference } from '../../../core/artifacts/read.js';
import { boundArtifactFor } from '../../../core/artifacts/stage-artifact.js';
import type { Artifact } from '../../../../state-machines/model/expected-artifacts.js';
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

/**
 * The code of a deploy: the plugin's `s3bucket`/`s3key`, or (beyond the plugin, whose forms have
 * only those) `codeArtifact` naming an artifact as other Spinnaker stages do (`{artifactId}` of an
 * expected artifact, or `{artifact: {...}}` inline; Deck's `{id, account, artifact}` too): an
 * `s3/object` (its version is the object version), an `embedded/base64` zip, or a `docker/image`
 * in ECR (a container image function).
 */
export function codeOf(config: Config, trigger: Readonly<Record<string, unknown>>): CodeSpec {
  const s3Bucket = optionalString(config, 's3bucket');
  const s3Key = optionalString(config, 's3key');
  const artifact = config.codeArtifact;
  if (artifact !== undefined && artifact !== null && artifact !== '') {
    if (s3Bucket || s3Key) throw new StageConfigError('codeArtifact: give the code as s3bucket/s3key or as codeArtifact, not both');
    return codeFromArtifact(stageArtifactOf(artifact, 'codeArtifact', trigger));
  }
  if (!s3Bucket && !s3Key) throw new StageConfigError('s3bucket: required (the code location: s3bucket and s3key, or codeArtifact)');
  if (!s3Bucket) throw new StageConfigError('s3bucket: required (the bucket of the code package)');
  if (!s3Key) throw new StageConfigError('s3key: required (the key of the code package)');
  return { s3Bucket, s3Key };
}

/** The artifact a Lambda stage field names, in Deck's Lambda shape (`{id, account, artifact}`) or the usual one. */
export function stageArtifactOf(value: unknown, field: string, trigger: Readonly<Record<string, unknown>>): Artifact {
  if (!isObject(value)) return boundArtifactFor(value, field, trigger);
  const id = typeof value.id === 'string' && value.id !== '' && value.type === undefined ? value.id : undefined;
  const account = typeof value.account === 'string' && value.account !== '' ? value.account : undefined;
  const shaped =
    id !== undefined && value.artifactId === undefined ? { artifactId: id, ...(isObject(value.artifact) ? { artifact: value.artifact } : {}) } : value;
  return boundArtifactFor(shaped, field, trigger, account);
}

// Lambda runs container images from Amazon ECR only.
const ECR_IMAGE = /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/[a-z0-9._/-]+([:@].+)?$/;

function codeFromArtifact(artifact: Artifact): CodeSpec {
  const reference = typeof artifact.reference === 'string' ? artifact.reference.trim() : '';
  if (!reference) throw new StageConfigError(`codeArtifact: the ${artifact.type} artifact has no reference`);
  switch (artifact.type) {
    case 's3/object': {
      const where = parseS3Reference(reference);
      if (!where) throw new StageConfigError(`codeArtifact: an s3/object reference is s3://<bucket>/<key>, not ${JSON.stringify(reference)}`);
      const version = typeof artifact.version === 'string' && artifact.version !== '' ? artifact.version : undefined;
      return { s3Bucket: where.bucket, s3Key: where.key, ...(version ? { s3ObjectVersion: version } : {}) };
    }
    case 'embedded/base64': {
      const compact = reference.replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) throw new StageConfigError("codeArtifact: the embedded/base64 artifact's reference is not base64");
      return { zipFile: new Uint8Array(Buffer.from(compact, 'base64')) };
    }
    case 'docker/image':
      if (!ECR_IMAGE.test(reference))
        throw new StageConfigError(
          `codeArtifact: Lambda runs images from Amazon ECR only (<account>.dkr.ecr.<region>.amazonaws.com/<repository>[:tag|@digest]), not ${reference}`,
        );
      return { imageUri: reference };
    default:
      throw new StageConfigError(`codeArtifact: a ${artifact.type} artifact cannot be a function's code (s3/object, embedded/base64 or docker/image)`);
  }
}

/** `packageType` Image: a container image carries its own runtime and handler. */
export function configSpecOf(config: Config, packageType: 'Zip' | 'Image' = 'Zip'): FunctionConfigSpec {
  const required = (field: string, what: string): string => {
    const v = optionalString(config, field);
    if (!v) throw new StageConfigError(`${field}: required (${what})`);
    return v;
  };
  if (packageType === 'Image') {
    for (const field of ['runtime', 'handler']) {
      if (optionalString(config, field))
        throw new StageConfigError(`${field}: not used by a container image function (codeArtifact is a docker/image); leave it empty`);
    }
  }
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
    ...(packageType === 'Zip' ? { runtime: required('runtime', 'e.g. nodejs22.x'), handler: required('handler', 'e.g. index.handler') } : {}),
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
