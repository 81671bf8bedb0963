/**
 * `Aws.LambdaDeploymentStage` and `Aws.LambdaUpdateCodeStage`: create or update a function to the
 * plugin's fields, publish a version (`publish`), create `aliases` on that version (`$LATEST`
 * without `publish`, as the plugin does; one already on a version is Aws.LambdaTrafficRoutingStage's
 * to move), map `triggerArns`. Every problem with the config is found before the first call, so
 * bad input changes nothing.
 */
import { LAMBDA_DEPLOY, LAMBDA_UPDATE_CODE, lambdaDeployProblems, lambdaUpdateCodeProblems } from '../../../../state-machines/stage-types/lambda.js';
import { StageConfigError, type StageRunContext, stageFields, type TaskResult } from '../../../core/stage-api.js';
import { packageTypeOf } from '../../../core/cloud/lambda/index.js';
import type { CloudEnv } from '../deps.js';
import { failedOr } from '../find-image.js';
import { flag, optionalString, wholeNumber } from '../fields.js';
import { provisionedOf } from './provisioned.js';
import type { LockedStage } from '../locking.js';
import { CONVERGE, converge, gennakerTags, type DeploySpec } from './converge.js';
import { aliasesOf, codeOf, configSpecOf, edgeProblems, eventMappingsOf, functionLocation, userTagsOf, type FunctionLocation } from './fields.js';
import { functionLock, functionOutputs, refuseOtherApplications } from './shared.js';

function deploySpec(ctx: StageRunContext, where: FunctionLocation): DeploySpec {
  const config = ctx.stage.config;
  const code = codeOf(config, ctx.evaluation.execution.trigger);
  const configuration = configSpecOf(config, packageTypeOf(code));
  const problems = edgeProblems(config, where.region, configuration);
  if (problems.length > 0) throw new StageConfigError(problems.join('; '));
  const eventMappings = eventMappingsOf(config);
  const reserved = wholeNumber(config, 'reservedConcurrentExecutions');
  const aliases = aliasesOf(config);
  const provisioned = provisionedTarget(config, aliases);
  return {
    functionName: where.functionName,
    code,
    configuration,
    tags: { ...userTagsOf(config), ...gennakerTags(ctx) },
    reservedConcurrency: reserved ?? null,
    ...(eventMappings ? { eventMappings } : {}),
    publish: flag(config, 'publish', false),
    aliases,
    ...(provisioned ? { provisioned } : {}),
  };
}

/**
 * Where the plugin's deploy puts `provisionedConcurrentExecutions`: on `aliasName` (its Qualifier),
 * or the deploy's one alias. 0 or unset leaves the alias as it is (the plugin's deploy removes only
 * reserved concurrency; the routing stage's 0 removes provisioned).
 */
function provisionedTarget(config: Record<string, unknown>, aliases: readonly string[]): { alias: string; executions: number } | undefined {
  const executions = provisionedOf(config);
  if (!executions) return undefined;
  const named = optionalString(config, 'aliasName');
  if (named) return { alias: named, executions };
  if (aliases.length === 1) return { alias: aliases[0]!, executions };
  throw new StageConfigError(
    `aliasName: required with provisionedConcurrentExecutions (the alias it applies to${aliases.length > 1 ? `: one of ${aliases.join(', ')}` : ''})`,
  );
}

function updateCodeSpec(ctx: StageRunContext, where: FunctionLocation): DeploySpec {
  const config = ctx.stage.config;
  return {
    functionName: where.functionName,
    code: codeOf(config, ctx.evaluation.execution.trigger),
    tags: gennakerTags(ctx),
    publish: flag(config, 'publish', false),
    aliases: [],
    mustExist: true,
  };
}

/** What a finished deploy keeps in its context beside its state (the plugin's names). */
const DEPLOYED = stageFields<{ readonly functionName: string; readonly version: string }>();

function lambdaDeployStage(type: string, check: (c: Record<string, unknown>) => string[], specOf: typeof deploySpec, env: CloudEnv): LockedStage {
  return {
    type,
    validate: check,
    locks: (ctx) => [functionLock(functionLocation(ctx.stage.config, ctx.application, env.defaultRegion()))],
    async run(ctx): Promise<TaskResult> {
      try {
        const where = functionLocation(ctx.stage.config, ctx.application, env.defaultRegion());
        const spec = specOf(ctx, where);
        const { lambda } = await env.functions(where.account, where.region);
        const saved = CONVERGE.of(ctx.state);
        if (saved === undefined) await refuseOtherApplications(lambda, where, ctx.application);
        const outcome = await converge(ctx, lambda, spec, saved ?? {});
        if (!outcome.done) return { status: 'RUNNING', waitSeconds: outcome.waitSeconds, context: CONVERGE.save(outcome.state) };
        const { state, view } = outcome;
        const version = state.version;
        return {
          status: 'SUCCEEDED',
          context: {
            ...CONVERGE.save(state),
            ...DEPLOYED.save({ functionName: where.functionName, ...(version !== undefined ? { version: String(version) } : {}) }),
          },
          outputs: {
            ...functionOutputs(where, view),
            lambdaCreated: state.created === true,
            lambdaVersionPublished: version !== undefined && version > (state.baseline?.maxVersion ?? 0),
            ...(version !== undefined ? { version: String(version), versionArn: `${view.arn}:${version}` } : {}),
            aliases: spec.aliases,
            revisionId: view.configuration.RevisionId,
          },
        };
      } catch (error) {
        return failedOr(error);
      }
    },
  };
}

export function lambdaDeploymentStage(env: CloudEnv): LockedStage {
  return lambdaDeployStage(LAMBDA_DEPLOY, lambdaDeployProblems, deploySpec, env);
}

export function lambdaUpdateCodeStage(env: CloudEnv): LockedStage {
  return lambdaDeployStage(LAMBDA_UPDATE_CODE, lambdaUpdateCodeProblems, updateCodeSpec, env);
}
