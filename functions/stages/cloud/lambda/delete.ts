/**
 * `Aws.LambdaDeleteStage`: deletes a version ($LATEST = newest published, $PREVIOUS, $OLDEST,
 * $PROVIDED with versionNumber, or a number), the versions beyond the newest `retentionNumber`
 * ($MOVING), or the whole function ($ALL). A version an alias routes traffic to is never deleted:
 * named explicitly it fails the stage (nothing is deleted), under $MOVING it is kept and reported.
 * The versions to delete are fixed and checkpointed before the first deletion, and deleting what
 * is already gone succeeds, so a re-run after a crash deletes the same set.
 */
import { deleteFunction, describeFunction, resolveVersion, versionsInUse, type FunctionView } from '../../../core/cloud/lambda/index.js';
import { StageConfigError, type StageRunContext, stageFields, type TaskResult } from '../../../core/stage-api.js';
import { LAMBDA_DELETE, lambdaDeleteProblems } from '../../../../state-machines/stage-types/lambda.js';
import type { CloudEnv } from '../deps.js';
import { failedOr } from '../find-image.js';
import { optionalString } from '../fields.js';
import type { LockedStage } from '../locking.js';
import { boundedNumber, functionLocation } from './fields.js';
import { checkOwnedBy, functionLock, functionOutputs, refuseOtherApplications } from './shared.js';

interface DeletePlan {
  /** 'function' for $ALL; otherwise version numbers. */
  readonly target: 'function' | number[];
  readonly keptInUse: readonly number[];
}

interface DeleteFields {
  /** What the stage deletes, saved before the first delete so a re-run deletes the same. */
  readonly deletePlan: DeletePlan;
  /** The plugin's field: the versions deleted ('$ALL', or numbers joined by commas); null when none. */
  readonly 'deleteTask:deleteVersion': string | null;
}
const DELETE = stageFields<DeleteFields>();

const NOTHING = 'No version found for Lambda function. Unable to perform delete operation.';

/** What to delete, decided from the function as it is now. Pure. */
function deletePlan(config: Readonly<Record<string, unknown>>, fn: FunctionView): DeletePlan | string {
  const name = optionalString(config, 'version') ?? (typeof config.version === 'number' ? String(config.version) : undefined);
  if (!name) throw new StageConfigError('version: required');
  if (name === '$ALL') return { target: 'function', keptInUse: [] };
  const inUse = versionsInUse(fn.aliases);
  if (name === '$MOVING') {
    const keep = boundedNumber(config, 'retentionNumber', 1, 10000);
    if (keep === undefined) throw new StageConfigError('retentionNumber: required with version $MOVING');
    const beyond = fn.versions.slice(keep).map((v) => v.version);
    const keptInUse = beyond.filter((v) => inUse.has(String(v)));
    const target = beyond.filter((v) => !inUse.has(String(v)));
    return target.length === 0 && keptInUse.length === 0 ? NOTHING : { target, keptInUse };
  }
  const provided = optionalString(config, 'versionNumber') ?? (typeof config.versionNumber === 'number' ? String(config.versionNumber) : undefined);
  let version: number | undefined;
  try {
    version = resolveVersion(fn.versions, name, provided);
  } catch (error) {
    throw new StageConfigError(`${name.startsWith('$PROVIDED') ? 'versionNumber' : 'version'}: ${(error as Error).message}`);
  }
  if (version === undefined) return NOTHING;
  const aliases = inUse.get(String(version));
  if (aliases) {
    throw new StageConfigError(
      `version: version ${version} of ${fn.name} receives traffic through alias ${aliases.join(', ')}; move the alias before deleting it`,
    );
  }
  return { target: [version], keptInUse: [] };
}

async function run(ctx: StageRunContext, env: CloudEnv): Promise<TaskResult> {
  const where = functionLocation(ctx.stage.config, ctx.application, env.defaultRegion());
  const { lambda } = await env.functions(where.account, where.region);
  let plan = DELETE.of(ctx.state).deletePlan;
  if (!plan) {
    await refuseOtherApplications(lambda, where, ctx.application);
    const fn = await describeFunction(lambda, where.functionName);
    if (!fn)
      return { status: 'SUCCEEDED', outputs: { ...functionOutputs(where), message: `function ${where.functionName} does not exist; nothing to delete` } };
    checkOwnedBy(where.functionName, fn.tags, ctx.application);
    const planned = deletePlan(ctx.stage.config, fn);
    if (typeof planned === 'string')
      return { status: 'SUCCEEDED', context: DELETE.save({ 'deleteTask:deleteVersion': null }), outputs: { ...functionOutputs(where), message: planned } };
    plan = planned;
    await ctx.checkpoint(DELETE.save({ deletePlan: plan }));
  }
  if (plan.target === 'function') await deleteFunction(lambda, where.functionName);
  else for (const v of plan.target) await deleteFunction(lambda, where.functionName, v);
  const deleted = plan.target === 'function' ? '$ALL' : plan.target.join(',');
  return {
    status: 'SUCCEEDED',
    context: DELETE.save({ 'deleteTask:deleteVersion': deleted }),
    outputs: {
      ...functionOutputs(where),
      deletedVersions: plan.target === 'function' ? '$ALL' : plan.target.map(String),
      ...(plan.keptInUse.length > 0 ? { keptInUse: plan.keptInUse.map(String) } : {}),
    },
  };
}

export function lambdaDeleteStage(env: CloudEnv): LockedStage {
  return {
    type: LAMBDA_DELETE,
    validate: lambdaDeleteProblems,
    locks: (ctx) => [functionLock(functionLocation(ctx.stage.config, ctx.application, env.defaultRegion()))],
    async run(ctx) {
      try {
        return await run(ctx, env);
      } catch (error) {
        return failedOr(error);
      }
    },
  };
}
