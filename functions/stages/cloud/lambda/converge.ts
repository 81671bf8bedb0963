/**
 * Bringing one function to a spec, one call at a time: each call reads the function afresh and
 * makes the first change still needed, so a re-run after a crash at any point finds the change
 * made and moves on. Calls made while Lambda is still applying an update (State Pending,
 * LastUpdateStatus InProgress, or a ResourceConflictException) wait and come back, rather than
 * fail, which is the plugin's known bug.
 *
 * Publishing happens exactly once per deploy: what the function looked like before the deploy
 * (its newest version and code hash) is checkpointed before the first change, and an intent flag
 * before every configuration change. A re-run that finds a version newer than the baseline adopts
 * it; a deploy that changed nothing reuses the newest version, as Lambda itself does.
 */
import {
  configurationChanges,
  createEventMapping,
  createFunction,
  deleteEventMapping,
  describeFunction,
  eventMappingChanges,
  failedUpdate,
  isUpdating,
  packageTypeOf,
  publishVersion,
  routingOf,
  sameRouting,
  setReservedConcurrency,
  tagChanges,
  tagFunction,
  updateCode,
  updateConfiguration,
  upsertAlias,
  type AliasRouting,
  type CodeSpec,
  type EventMappingSpec,
  type FunctionConfigSpec,
  type FunctionView,
} from '../../../core/cloud/lambda/index.js';
import { AwsCallError, TagKeys } from '../../../core/cloud/index.js';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { StageConfigError, type StageRunContext, stageState } from '../../../core/stage-api.js';
import { CloudStageError } from '../errors.js';
import { checkOwnedBy } from './shared.js';
import { clearWait, poll, type WaitFields } from '../waiting.js';
import { provisionedStep, type ProvisionedState } from './provisioned.js';

/** What one deploy wants; absent parts are left as the function has them. */
export interface DeploySpec {
  readonly functionName: string;
  readonly code: CodeSpec;
  /** Required to create the function. */
  readonly configuration?: FunctionConfigSpec;
  readonly tags?: Readonly<Record<string, string>>;
  /** null = remove it (the plugin's deploy stage does, when the field is unset). */
  readonly reservedConcurrency?: number | null;
  readonly eventMappings?: EventMappingSpec;
  readonly publish: boolean;
  /**
   * Aliases pointed at the published version (`$LATEST` without `publish`), as the plugin's deploy
   * stage does. An alias already routed to a published version belongs to the routing stage.
   */
  readonly aliases: readonly string[];
  /** The function must exist already (update code). */
  readonly mustExist?: boolean;
  /** Provisioned concurrency put on an alias once it points where this deploy leaves it. */
  readonly provisioned?: { readonly alias: string; readonly executions: number };
}

export interface ConvergeState extends WaitFields {
  readonly baseline?: { readonly exists: boolean; readonly maxVersion: number; readonly codeSha256?: string };
  readonly codeDone?: boolean;
  readonly configChanging?: boolean;
  readonly created?: boolean;
  readonly version?: number;
  readonly provisioned?: ProvisionedState;
}

/** Where a deploy or update-code stage keeps its convergence between calls. */
export const CONVERGE = stageState<ConvergeState>('lambda');

export type ConvergeOutcome =
  | { readonly done: false; readonly state: ConvergeState; readonly waitSeconds: number }
  | { readonly done: true; readonly state: ConvergeState; readonly view: FunctionView };

/** How long a deploy waits for Lambda to finish applying a change. */
const UPDATE_TIMEOUT_SECONDS = 15 * 60;
// Each step is one Lambda call; a deploy makes at most a handful, this only guards against a loop.
const MAX_STEPS_PER_CALL = 50;

class FunctionUpdateError extends CloudStageError {}

const LATEST = '$LATEST';

function isConflict(error: unknown): boolean {
  return error instanceof AwsCallError && (error.code === 'ResourceConflictException' || error.code === 'ResourceNotReadyException');
}

export function gennakerTags(ctx: StageRunContext): Record<string, string> {
  return {
    [TagKeys.application]: ctx.application,
    [TagKeys.executionId]: ctx.executionId,
  };
}

export async function converge(ctx: StageRunContext, lambda: LambdaClient, spec: DeploySpec, initial: ConvergeState): Promise<ConvergeOutcome> {
  let state: ConvergeState = initial;
  const save = async (patch: Partial<ConvergeState>) => {
    state = { ...state, ...patch };
    await ctx.checkpoint(CONVERGE.save(state));
  };
  const waitForUpdate = (what: string): ConvergeOutcome => {
    const next = poll(state, ctx.clock.now(), UPDATE_TIMEOUT_SECONDS);
    if (next.timedOut) throw new FunctionUpdateError(`function ${spec.functionName} was still ${what} after ${next.waitedSeconds} s`);
    return { done: false, state: next.state, waitSeconds: next.waitSeconds };
  };
  const name = spec.functionName;

  for (let step = 0; step < MAX_STEPS_PER_CALL; step += 1) {
    const view = await describeFunction(lambda, name);
    if (view) checkOwnedBy(name, view.tags, ctx.application);
    if (!state.baseline) {
      checkPackageType(spec, view);
      checkProvisionedTarget(spec, view);
      await save({
        baseline: {
          exists: view !== undefined,
          maxVersion: view?.versions[0]?.version ?? 0,
          ...(view?.configuration.CodeSha256 ? { codeSha256: view.configuration.CodeSha256 } : {}),
        },
      });
    }
    try {
      if (!view) {
        if (spec.mustExist || state.baseline?.exists) throw new FunctionUpdateError(`function ${name} does not exist in this account and region`);
        if (!spec.configuration) throw new FunctionUpdateError(`function ${name} does not exist, and this stage cannot create it`);
        await save({ created: true, codeDone: true });
        await createFunction(lambda, { name, code: spec.code, configuration: configurationChanges(spec.configuration, {}), tags: { ...spec.tags } });
        continue;
      }
      if (isUpdating(view.configuration)) return waitForUpdate('being updated');
      // A failed update from before this deploy is replaced by its first change; one of ours fails it.
      const failed = failedUpdate(view.configuration);
      if (failed && (state.codeDone || state.created)) throw new FunctionUpdateError(`function ${name}: Lambda could not apply the update: ${failed}`);
      state = clearWait(state);

      if (!state.codeDone) {
        await updateCode(lambda, name, spec.code);
        await save({ codeDone: true });
        continue;
      }
      const changes = spec.configuration ? configurationChanges(spec.configuration, view.configuration) : {};
      if (Object.keys(changes).length > 0) {
        if (!state.configChanging) await save({ configChanging: true });
        await updateConfiguration(lambda, name, changes);
        continue;
      }
      const tags = tagChanges(spec.tags ?? {}, view.tags);
      if (Object.keys(tags).length > 0) {
        await tagFunction(lambda, view.arn, tags);
        continue;
      }
      if (spec.reservedConcurrency !== undefined && (spec.reservedConcurrency ?? undefined) !== view.reservedConcurrency) {
        await setReservedConcurrency(lambda, name, spec.reservedConcurrency ?? undefined);
        continue;
      }
      if (spec.eventMappings) {
        const { create, remove } = eventMappingChanges(spec.eventMappings, view.eventMappings, view.arn);
        if (remove.length > 0) {
          await deleteEventMapping(lambda, remove[0]!);
          continue;
        }
        if (create.length > 0) {
          await createEventMapping(lambda, name, create[0]!, spec.eventMappings);
          continue;
        }
      }
      if (spec.publish && state.version === undefined) {
        await save({ version: await publishOnce(ctx, lambda, view, state) });
        continue;
      }
      const target = { major: state.version !== undefined ? String(state.version) : LATEST };
      const aliasChange = spec.aliases.map((alias) => aliasChangeOf(view, alias, target)).find((change) => change !== undefined);
      if (aliasChange) {
        await upsertAlias(lambda, name, aliasChange.alias, target, aliasChange.exists);
        continue;
      }
      if (spec.provisioned) {
        const { alias, executions } = spec.provisioned;
        const step = await provisionedStep(lambda, name, alias, executions, state.provisioned ?? {}, ctx.clock.now(), (p) => save({ provisioned: p }));
        if (step.kind === 'changed') continue;
        if (step.kind === 'wait') return { done: false, state: { ...state, provisioned: step.state }, waitSeconds: step.waitSeconds };
      }
      return { done: true, state, view: (await describeFunction(lambda, name)) ?? view };
    } catch (error) {
      if (isConflict(error)) return waitForUpdate('being updated (ResourceConflictException)');
      throw error;
    }
  }
  throw new FunctionUpdateError(`function ${name}: still changing after ${MAX_STEPS_PER_CALL} calls`);
}

/** Lambda cannot change a function between zip and container image code. */
function checkPackageType(spec: DeploySpec, view: FunctionView | undefined): void {
  if (!view) return;
  const current = view.configuration.PackageType ?? 'Zip';
  const wanted = packageTypeOf(spec.code);
  if (current !== wanted)
    throw new StageConfigError(
      `${wanted === 'Image' ? 'codeArtifact' : 's3bucket'}: function ${spec.functionName} has package type ${current}; Lambda cannot change it to ${wanted} (deploy it as a new function)`,
    );
}

/**
 * Refuses, before the first change, provisioned concurrency Lambda would refuse at the end: on an
 * alias this deploy neither makes nor finds, or one left on the unpublished $LATEST.
 */
function checkProvisionedTarget(spec: DeploySpec, view: FunctionView | undefined): void {
  if (!spec.provisioned) return;
  const { alias } = spec.provisioned;
  const existing = view?.aliases.find((a) => a.name === alias);
  if (!existing && !spec.aliases.includes(alias))
    throw new StageConfigError(`aliasName: function ${spec.functionName} has no alias ${alias} and this deploy does not create it (aliases)`);
  // This deploy moves an alias of its own from $LATEST to the version it publishes (aliasChangeOf).
  const onVersion = (existing !== undefined && existing.functionVersion !== LATEST) || (spec.publish && spec.aliases.includes(alias));
  if (!onVersion)
    throw new StageConfigError(
      `provisionedConcurrentExecutions: alias ${alias} would point at $LATEST; Lambda provisions concurrency only for published versions (set publish)`,
    );
}

/**
 * The alias call a deploy still owes, if any: create a missing alias at `target`, and move one
 * still on `$LATEST` (the same code as the version just published, so no traffic changes). An
 * alias on a published version, weighted or not, is the routing stage's to move: re-pointing it
 * here would undo a progressive shift, or send all traffic to new code before any routing ran.
 */
function aliasChangeOf(view: FunctionView, alias: string, target: AliasRouting): { alias: string; exists: boolean } | undefined {
  const existing = view.aliases.find((a) => a.name === alias);
  if (!existing) return { alias, exists: false };
  const routing = routingOf(existing);
  if (sameRouting(routing, target) || routing.major !== LATEST || routing.minor !== undefined) return undefined;
  return { alias, exists: true };
}

/** The version this deploy publishes: a newer one a crashed call published, the newest when nothing changed, or a new one. */
async function publishOnce(ctx: StageRunContext, lambda: LambdaClient, view: FunctionView, state: ConvergeState): Promise<number> {
  const baseline = state.baseline!;
  const newer = view.versions.find((v) => v.version > baseline.maxVersion);
  if (newer) return newer.version;
  const sha = view.configuration.CodeSha256;
  const newest = view.versions[0];
  const unchanged =
    baseline.exists && !state.created && !state.configChanging && sha !== undefined && sha === baseline.codeSha256 && newest?.codeSha256 === sha;
  if (unchanged && newest) return newest.version;
  return publishVersion(lambda, view.name, `Gennaker ${ctx.executionId} stage ${ctx.stage.refId}`, sha);
}
