/**
 * The Lambda calls of the cloud driver: every SDK call goes through awsCall, so its errors name
 * the function and AWS's answer. Reads assemble a FunctionView; each mutating call does one thing,
 * and callers (the stages) decide from a fresh view whether it is still needed, so a re-run after
 * a crash converges.
 */
import {
  CreateAliasCommand,
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  DeleteEventSourceMappingCommand,
  DeleteFunctionCommand,
  DeleteFunctionConcurrencyCommand,
  DeleteProvisionedConcurrencyConfigCommand,
  GetFunctionCommand,
  GetProvisionedConcurrencyConfigCommand,
  InvokeCommand,
  ListAliasesCommand,
  ListEventSourceMappingsCommand,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  PutProvisionedConcurrencyConfigCommand,
  TagResourceCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type FunctionConfiguration,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { awsCall, awsCallOrMissing, isNotFound } from '../aws-errors.js';
import type { AliasRouting, AliasView, CodeSpec, EventMappingView, FunctionView, ProvisionedView, VersionView } from './model.js';
import { codeFields, normalizeRouting, packageTypeOf } from './model.js';

const fn = (action: string, name: string) => ({ action, resourceType: 'Lambda function', resource: name });

/** Everything about one function, or undefined when it does not exist. */
export async function describeFunction(lambda: LambdaClient, name: string): Promise<FunctionView | undefined> {
  const got = await awsCallOrMissing(fn('describe', name), () => lambda.send(new GetFunctionCommand({ FunctionName: name })));
  if (!got?.Configuration) return undefined;
  const configuration = got.Configuration;
  const arn = configuration.FunctionArn ?? '';
  const [versions, aliases, eventMappings] = await Promise.all([listVersions(lambda, name), listAliases(lambda, name), listEventMappings(lambda, name)]);
  const reserved = got.Concurrency?.ReservedConcurrentExecutions;
  return {
    name,
    arn: arn.replace(/:\$LATEST$/, ''),
    configuration,
    tags: { ...(got.Tags ?? {}) },
    ...(reserved !== undefined ? { reservedConcurrency: reserved } : {}),
    versions,
    aliases,
    eventMappings,
  };
}

/** A function's tags, or undefined when it does not exist. */
export async function functionTags(lambda: LambdaClient, name: string): Promise<Record<string, string> | undefined> {
  const got = await awsCallOrMissing(fn('describe', name), () => lambda.send(new GetFunctionCommand({ FunctionName: name })));
  return got ? { ...(got.Tags ?? {}) } : undefined;
}

async function listVersions(lambda: LambdaClient, name: string): Promise<VersionView[]> {
  const versions: VersionView[] = [];
  let marker: string | undefined;
  do {
    const page = await awsCall(fn('list versions of', name), () =>
      lambda.send(new ListVersionsByFunctionCommand({ FunctionName: name, ...(marker ? { Marker: marker } : {}) })),
    );
    for (const v of page.Versions ?? []) {
      if (v.Version && /^\d+$/.test(v.Version)) versions.push({ version: Number(v.Version), codeSha256: v.CodeSha256 ?? '', description: v.Description ?? '' });
    }
    marker = page.NextMarker;
  } while (marker);
  return versions.sort((a, b) => b.version - a.version);
}

async function listAliases(lambda: LambdaClient, name: string): Promise<AliasView[]> {
  const aliases: AliasView[] = [];
  let marker: string | undefined;
  do {
    const page = await awsCall(fn('list aliases of', name), () =>
      lambda.send(new ListAliasesCommand({ FunctionName: name, ...(marker ? { Marker: marker } : {}) })),
    );
    for (const a of page.Aliases ?? []) {
      aliases.push({
        name: a.Name ?? '',
        functionVersion: a.FunctionVersion ?? '',
        additionalWeights: { ...(a.RoutingConfig?.AdditionalVersionWeights ?? {}) },
        ...(a.RevisionId ? { revisionId: a.RevisionId } : {}),
      });
    }
    marker = page.NextMarker;
  } while (marker);
  return aliases;
}

async function listEventMappings(lambda: LambdaClient, name: string): Promise<EventMappingView[]> {
  const page = await awsCall(fn('list event source mappings of', name), () => lambda.send(new ListEventSourceMappingsCommand({ FunctionName: name })));
  return (page.EventSourceMappings ?? []).map((m) => ({
    uuid: m.UUID ?? '',
    eventSourceArn: m.EventSourceArn ?? '',
    functionArn: m.FunctionArn ?? '',
    ...(m.BatchSize !== undefined ? { batchSize: m.BatchSize } : {}),
  }));
}

/** Names of the functions in the region (the cluster view filters them by owner). */
async function listFunctionNames(lambda: LambdaClient): Promise<string[]> {
  const names: string[] = [];
  let marker: string | undefined;
  do {
    const page = await awsCall({ action: 'list', resourceType: 'Lambda functions', resource: 'in region' }, () =>
      lambda.send(new ListFunctionsCommand({ ...(marker ? { Marker: marker } : {}) })),
    );
    for (const f of page.Functions ?? []) if (f.FunctionName) names.push(f.FunctionName);
    marker = page.NextMarker;
  } while (marker);
  return names;
}

export interface CreateFunctionInput {
  readonly name: string;
  readonly code: CodeSpec;
  readonly configuration: Record<string, unknown>;
  readonly tags: Readonly<Record<string, string>>;
}

export async function createFunction(lambda: LambdaClient, input: CreateFunctionInput): Promise<FunctionConfiguration> {
  return awsCall(fn('create', input.name), () =>
    lambda.send(
      new CreateFunctionCommand({
        ...(input.configuration as object),
        FunctionName: input.name,
        Code: codeFields(input.code),
        PackageType: packageTypeOf(input.code),
        Tags: { ...input.tags },
        Publish: false,
      } as ConstructorParameters<typeof CreateFunctionCommand>[0]),
    ),
  );
}

export async function updateCode(lambda: LambdaClient, name: string, code: CodeSpec): Promise<FunctionConfiguration> {
  return awsCall(fn('update the code of', name), () => lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ...codeFields(code), Publish: false })));
}

export async function updateConfiguration(lambda: LambdaClient, name: string, changes: Record<string, unknown>): Promise<FunctionConfiguration> {
  return awsCall(fn('update the configuration of', name), () =>
    lambda.send(new UpdateFunctionConfigurationCommand({ ...(changes as object), FunctionName: name })),
  );
}

export async function tagFunction(lambda: LambdaClient, arn: string, tags: Readonly<Record<string, string>>): Promise<void> {
  await awsCall(fn('tag', arn), () => lambda.send(new TagResourceCommand({ Resource: arn, Tags: { ...tags } })));
}

export async function setReservedConcurrency(lambda: LambdaClient, name: string, value: number | undefined): Promise<void> {
  if (value === undefined)
    await awsCall(fn('remove the reserved concurrency of', name), () => lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: name })));
  else
    await awsCall(fn('set the reserved concurrency of', name), () =>
      lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: value })),
    );
}

export async function setProvisionedConcurrency(lambda: LambdaClient, name: string, alias: string, value: number | undefined): Promise<void> {
  const where = `${name}:${alias}`;
  if (value === undefined || value === 0) {
    try {
      await lambda.send(new DeleteProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: alias }));
    } catch (error) {
      if (!isNotFound(error)) await awsCall(fn('remove the provisioned concurrency of', where), () => Promise.reject(error as Error));
    }
    return;
  }
  await awsCall(fn('set the provisioned concurrency of', where), () =>
    lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: alias, ProvisionedConcurrentExecutions: value })),
  );
}

/** The provisioned concurrency of an alias or version, or undefined when it has none. */
export async function provisionedConcurrency(lambda: LambdaClient, name: string, qualifier: string): Promise<ProvisionedView | undefined> {
  const got = await awsCallOrMissing(fn('read the provisioned concurrency of', `${name}:${qualifier}`), () =>
    lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: qualifier })),
  );
  if (!got) return undefined;
  return {
    requested: got.RequestedProvisionedConcurrentExecutions ?? 0,
    allocated: got.AllocatedProvisionedConcurrentExecutions ?? 0,
    status: got.Status ?? 'IN_PROGRESS',
    ...(got.StatusReason ? { reason: got.StatusReason } : {}),
  };
}

/** Publishes $LATEST; Lambda returns the newest version instead when nothing changed since it. */
export async function publishVersion(lambda: LambdaClient, name: string, description: string, codeSha256?: string): Promise<number> {
  const out = await awsCall(fn('publish a version of', name), () =>
    lambda.send(new PublishVersionCommand({ FunctionName: name, Description: description, ...(codeSha256 ? { CodeSha256: codeSha256 } : {}) })),
  );
  return Number(out.Version);
}

function routingConfig(routing: AliasRouting) {
  const r = normalizeRouting(routing);
  return { FunctionVersion: r.major, RoutingConfig: { AdditionalVersionWeights: r.minor ? { [r.minor]: r.weight! } : {} } };
}

/** Points an alias (creating it when missing) at a version, with an optional weighted second one. */
export async function upsertAlias(
  lambda: LambdaClient,
  name: string,
  alias: string,
  routing: AliasRouting,
  exists: boolean,
  description = 'Created via Gennaker',
): Promise<void> {
  const where = `${name}:${alias}`;
  if (exists) {
    await awsCall(fn('update alias', where), () => lambda.send(new UpdateAliasCommand({ FunctionName: name, Name: alias, ...routingConfig(routing) })));
    return;
  }
  await awsCall(fn('create alias', where), () =>
    lambda.send(new CreateAliasCommand({ FunctionName: name, Name: alias, Description: description, ...routingConfig(routing) })),
  );
}

export async function createEventMapping(
  lambda: LambdaClient,
  target: string,
  eventSourceArn: string,
  options: { batchSize?: number; startingPosition?: string },
): Promise<void> {
  const streaming = /^arn:aws[a-z-]*:(dynamodb|kinesis):/.test(eventSourceArn);
  await awsCall(fn(`map ${eventSourceArn} to`, target), () =>
    lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: target,
        EventSourceArn: eventSourceArn,
        Enabled: true,
        ...(options.batchSize ? { BatchSize: options.batchSize } : {}),
        ...(streaming ? { StartingPosition: (options.startingPosition ?? 'LATEST') as 'LATEST' } : {}),
      }),
    ),
  );
}

export async function deleteEventMapping(lambda: LambdaClient, uuid: string): Promise<void> {
  try {
    await lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid }));
  } catch (error) {
    if (!isNotFound(error)) await awsCall({ action: 'delete', resourceType: 'event source mapping', resource: uuid }, () => Promise.reject(error as Error));
  }
}

/** Deletes one version, or the whole function (no qualifier); a missing one counts as deleted. */
export async function deleteFunction(lambda: LambdaClient, name: string, version?: number): Promise<void> {
  const what = version === undefined ? name : `${name}:${version}`;
  try {
    await lambda.send(new DeleteFunctionCommand({ FunctionName: name, ...(version !== undefined ? { Qualifier: String(version) } : {}) }));
  } catch (error) {
    if (!isNotFound(error)) await awsCall(fn('delete', what), () => Promise.reject(error as Error));
  }
}

export interface InvocationResult {
  readonly statusCode: number;
  /** Unhandled / Handled when the function failed. */
  readonly functionError?: string;
  readonly payload: string;
  /** The last 4 KB of the execution log, decoded. */
  readonly logs?: string;
  readonly executedVersion?: string;
}

export async function invokeFunction(lambda: LambdaClient, name: string, qualifier: string, payload: string): Promise<InvocationResult> {
  const out = await awsCall(fn('invoke', `${name}:${qualifier}`), () =>
    lambda.send(new InvokeCommand({ FunctionName: name, Qualifier: qualifier, LogType: 'Tail', Payload: new TextEncoder().encode(payload) })),
  );
  return {
    statusCode: out.StatusCode ?? 0,
    ...(out.FunctionError ? { functionError: out.FunctionError } : {}),
    payload: out.Payload ? new TextDecoder().decode(out.Payload) : '',
    ...(out.LogResult ? { logs: Buffer.from(out.LogResult, 'base64').toString('utf8') } : {}),
    ...(out.ExecutedVersion ? { executedVersion: out.ExecutedVersion } : {}),
  };
}

/** Frigga's app of a function name (the part before the first '-'). */
const appOfName = (name: string): string => name.split('-')[0] ?? name;

/**
 * The functions of an application in one region: named `<app>` or `<app>-…` (the plugin's rule)
 * and not tagged for another application.
 */
export async function applicationFunctions(lambda: LambdaClient, application: string): Promise<FunctionView[]> {
  const names = (await listFunctionNames(lambda)).filter((n) => appOfName(n) === application).sort();
  const views: FunctionView[] = [];
  for (const name of names) {
    const view = await describeFunction(lambda, name);
    const owner = view?.tags['gennaker:application'];
    if (view && (owner === undefined || owner === application)) views.push(view);
  }
  return views;
}
