/**
 * Lambda functions as a deploy target, the pure part: what a function should look like (a spec
 * read from the AWS Lambda plugin's fields), what it looks like now (a view of GetFunction,
 * ListVersionsByFunction, ListAliases and ListEventSourceMappings), and the differences between
 * the two, so a deploy sends only what differs. Versions are named as the plugin names them.
 */
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { InvalidRequestError } from '../errors.js';

/** The configuration fields a deploy may set; absent = leave as it is. */
export interface FunctionConfigSpec {
  readonly runtime?: string;
  readonly handler?: string;
  readonly role?: string;
  readonly description?: string;
  readonly memorySize?: number;
  readonly timeout?: number;
  readonly environment?: Readonly<Record<string, string>>;
  readonly subnetIds?: readonly string[];
  readonly securityGroupIds?: readonly string[];
  /** '' = none. */
  readonly deadLetterTargetArn?: string;
  readonly tracingMode?: string;
  /** '' = the AWS managed key. */
  readonly kmsKeyArn?: string;
  readonly layers?: readonly string[];
}

/**
 * Where a deploy's code comes from: an S3 object (the plugin's s3bucket/s3key, or an s3/object
 * artifact with its version), a zip given inline (an embedded/base64 artifact), or a container
 * image (a docker/image artifact; the function's package type is Image).
 */
export type CodeSpec =
  { readonly s3Bucket: string; readonly s3Key: string; readonly s3ObjectVersion?: string } | { readonly zipFile: Uint8Array } | { readonly imageUri: string };

/** Lambda's PackageType of a code source. */
export function packageTypeOf(code: CodeSpec): 'Zip' | 'Image' {
  return 'imageUri' in code ? 'Image' : 'Zip';
}

/** The Code (CreateFunction) / code fields (UpdateFunctionCode) of a code source. */
export function codeFields(code: CodeSpec): { S3Bucket?: string; S3Key?: string; S3ObjectVersion?: string; ZipFile?: Uint8Array; ImageUri?: string } {
  if ('imageUri' in code) return { ImageUri: code.imageUri };
  if ('zipFile' in code) return { ZipFile: code.zipFile };
  return { S3Bucket: code.s3Bucket, S3Key: code.s3Key, ...(code.s3ObjectVersion ? { S3ObjectVersion: code.s3ObjectVersion } : {}) };
}

export interface EventMappingSpec {
  readonly eventSourceArns: readonly string[];
  readonly batchSize?: number;
  readonly startingPosition?: string;
}

/** One published version (numbers only; Lambda's `$LATEST` is the unpublished head). */
export interface VersionView {
  readonly version: number;
  readonly codeSha256: string;
  readonly description: string;
}

export interface AliasView {
  readonly name: string;
  readonly functionVersion: string;
  /** Version → weight (0..1) of the additional version. */
  readonly additionalWeights: Readonly<Record<string, number>>;
  readonly revisionId?: string;
}

export interface EventMappingView {
  readonly uuid: string;
  readonly eventSourceArn: string;
  readonly functionArn: string;
  readonly batchSize?: number;
}

/** An alias's (or version's) provisioned concurrency as Lambda reports it. */
export interface ProvisionedView {
  readonly requested: number;
  readonly allocated: number;
  /** IN_PROGRESS while Lambda allocates, READY, or FAILED (with a reason). */
  readonly status: string;
  readonly reason?: string;
}

export interface FunctionView {
  readonly name: string;
  readonly arn: string;
  readonly configuration: FunctionConfiguration;
  readonly tags: Readonly<Record<string, string>>;
  readonly reservedConcurrency?: number;
  /** Newest first. */
  readonly versions: readonly VersionView[];
  readonly aliases: readonly AliasView[];
  readonly eventMappings: readonly EventMappingView[];
}

/** A function Lambda is still creating or updating: calls that change it would be refused. */
export function isUpdating(configuration: FunctionConfiguration): boolean {
  return configuration.State === 'Pending' || configuration.LastUpdateStatus === 'InProgress';
}

/** The reason a function's last update failed, if it did. */
export function failedUpdate(configuration: FunctionConfiguration): string | undefined {
  if (configuration.State === 'Failed') return configuration.StateReason ?? 'function state Failed';
  if (configuration.LastUpdateStatus === 'Failed') return configuration.LastUpdateStatusReason ?? 'last update Failed';
  return undefined;
}

const sorted = (values: readonly string[] | undefined): string[] => [...(values ?? [])].sort();
const sameList = (a: readonly string[] | undefined, b: readonly string[] | undefined): boolean => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
const sameRecord = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/**
 * The UpdateFunctionConfiguration fields whose wanted value differs from the function's; empty
 * when nothing differs.
 */
export function configurationChanges(spec: FunctionConfigSpec, current: FunctionConfiguration): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  const scalar = (field: string, wanted: unknown, actual: unknown) => {
    if (wanted !== undefined && wanted !== actual) changes[field] = wanted;
  };
  scalar('Runtime', spec.runtime, current.Runtime);
  scalar('Handler', spec.handler, current.Handler);
  scalar('Role', spec.role, current.Role);
  scalar('Description', spec.description, current.Description ?? '');
  scalar('MemorySize', spec.memorySize, current.MemorySize);
  scalar('Timeout', spec.timeout, current.Timeout);
  if (spec.environment !== undefined && !sameRecord(spec.environment, current.Environment?.Variables ?? {})) {
    changes.Environment = { Variables: { ...spec.environment } };
  }
  if (spec.subnetIds !== undefined || spec.securityGroupIds !== undefined) {
    const subnets = spec.subnetIds ?? current.VpcConfig?.SubnetIds ?? [];
    const groups = spec.securityGroupIds ?? current.VpcConfig?.SecurityGroupIds ?? [];
    if (!sameList(subnets, current.VpcConfig?.SubnetIds) || !sameList(groups, current.VpcConfig?.SecurityGroupIds)) {
      changes.VpcConfig = { SubnetIds: [...subnets], SecurityGroupIds: [...groups] };
    }
  }
  if (spec.deadLetterTargetArn !== undefined && spec.deadLetterTargetArn !== (current.DeadLetterConfig?.TargetArn ?? '')) {
    changes.DeadLetterConfig = { TargetArn: spec.deadLetterTargetArn };
  }
  if (spec.tracingMode !== undefined && spec.tracingMode !== (current.TracingConfig?.Mode ?? 'PassThrough')) {
    changes.TracingConfig = { Mode: spec.tracingMode };
  }
  scalar('KMSKeyArn', spec.kmsKeyArn, current.KMSKeyArn ?? '');
  if (spec.layers !== undefined && JSON.stringify(spec.layers) !== JSON.stringify((current.Layers ?? []).map((l) => l.Arn))) {
    changes.Layers = [...spec.layers];
  }
  return changes;
}

/** Tags to add or change (user tags and Gennaker's); tags the function has and the spec does not are left. */
export function tagChanges(wanted: Readonly<Record<string, string>>, current: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(wanted).filter(([k, v]) => current[k] !== v));
}

/** Event source mappings to create and (by uuid) delete so the function's match the spec. */
export function eventMappingChanges(spec: EventMappingSpec, current: readonly EventMappingView[], targetArn: string): { create: string[]; remove: string[] } {
  const mine = current.filter((m) => m.functionArn === targetArn);
  const wanted = new Set(spec.eventSourceArns);
  return {
    create: [...wanted].filter((arn) => !mine.some((m) => m.eventSourceArn === arn)),
    remove: mine.filter((m) => !wanted.has(m.eventSourceArn)).map((m) => m.uuid),
  };
}

/**
 * The version number a plugin version name picks; undefined when there is none to pick. Names as
 * the plugin writes them: `$LATEST` (the newest published version, not Lambda's unpublished head),
 * `$PREVIOUS`, `$OLDEST`, `$PROVIDED` (with a number), or a number.
 */
export function resolveVersion(versions: readonly VersionView[], name: string, provided?: string): number | undefined {
  const newestFirst = [...versions].sort((a, b) => b.version - a.version);
  const numbered = (v: string | undefined): number | undefined => {
    if (v === undefined || !/^\d+$/.test(v.trim())) throw new InvalidRequestError(`version "${v ?? ''}" is not a version number`);
    const n = Number(v.trim());
    return newestFirst.some((x) => x.version === n) ? n : undefined;
  };
  if (name.startsWith('$PROVIDED')) return numbered(provided);
  if (name.startsWith('$LATEST')) return newestFirst[0]?.version;
  if (name.startsWith('$PREVIOUS')) return newestFirst[1]?.version;
  if (name.startsWith('$OLDEST')) return newestFirst[newestFirst.length - 1]?.version;
  return numbered(name);
}

/** Versions an alias routes traffic to (its version and any weighted one). */
function aliasTargets(alias: AliasView): string[] {
  return [alias.functionVersion, ...Object.keys(alias.additionalWeights)];
}

/** Every version some alias routes to, with the aliases that do. */
export function versionsInUse(aliases: readonly AliasView[]): Map<string, string[]> {
  const inUse = new Map<string, string[]>();
  for (const alias of aliases) for (const v of aliasTargets(alias)) inUse.set(v, [...(inUse.get(v) ?? []), alias.name]);
  return inUse;
}

/** The alias state a routing asks for: `major` gets 1 - weight, `minor` gets weight. */
export interface AliasRouting {
  readonly major: string;
  readonly minor?: string;
  /** 0..1 */
  readonly weight?: number;
}

export function routingOf(alias: AliasView): AliasRouting {
  const [minor, weight] = Object.entries(alias.additionalWeights)[0] ?? [];
  return { major: alias.functionVersion, ...(minor !== undefined && weight ? { minor, weight } : {}) };
}

/** Lambda takes weights with at most 5 decimals; 0 (or no minor) means no routing config. */
export function normalizeRouting(routing: AliasRouting): AliasRouting {
  const weight = routing.weight === undefined ? 0 : Math.round(routing.weight * 100000) / 100000;
  if (routing.minor === undefined || routing.minor === routing.major || weight <= 0) return { major: routing.major };
  if (weight >= 1) return { major: routing.minor };
  return { major: routing.major, minor: routing.minor, weight };
}

export function sameRouting(a: AliasRouting, b: AliasRouting): boolean {
  const x = normalizeRouting(a);
  const y = normalizeRouting(b);
  return x.major === y.major && x.minor === y.minor && (x.weight ?? 0) === (y.weight ?? 0);
}

/** Percent of traffic the alias sends to `version`. */
export function percentTo(routing: AliasRouting, version: string): number {
  const r = normalizeRouting(routing);
  if (r.minor === version) return Math.round((r.weight ?? 0) * 100 * 1000) / 1000;
  if (r.major === version) return Math.round((1 - (r.weight ?? 0)) * 100 * 1000) / 1000;
  return 0;
}
