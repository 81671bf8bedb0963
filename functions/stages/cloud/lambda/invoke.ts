/**
 * `Aws.LambdaInvokeStage`: invokes a function (its `aliasName`, else `$LATEST`) `executionCount`
 * times with the payload; each invocation's output, error and log tail go into the stage outputs
 * as the plugin's `invokeResultsList`, and a function error fails the stage. Results are
 * checkpointed one by one, so a re-run after a crash does not invoke again what already ran.
 * It changes nothing, so it holds no lock.
 */
import { describeFunction, invokeFunction, type InvocationResult } from '../../../core/cloud/lambda/index.js';
import { StageConfigError, type StageImplementation, stageFields, type TaskResult } from '../../../core/stage-api.js';
import { LAMBDA_INVOKE, lambdaInvokeProblems } from '../../../../state-machines/stage-types/lambda.js';
import type { CloudEnv } from '../deps.js';
import { CloudStageError } from '../errors.js';
import { failedOr } from '../find-image.js';
import { optionalString } from '../fields.js';
import { boundedNumber, functionLocation } from './fields.js';
import { payloadOf } from './payload.js';
import { checkOwnedBy, functionOutputs, refuseOtherApplications } from './shared.js';
import { textOf } from '../../../../state-machines/model/problems.js';

interface InvokeResultView {
  readonly body: string;
  readonly statusCode: number;
  readonly errors?: string;
  readonly logs?: string;
  readonly executedVersion?: string;
}

/** The invocations made so far, checkpointed one by one (the plugin's name, also in the outputs). */
const INVOKED = stageFields<{ readonly invokeResultsList: readonly InvokeResultView[] }>();

function view(result: InvocationResult): InvokeResultView {
  return {
    body: result.payload,
    statusCode: result.statusCode,
    ...(result.functionError ? { errors: `${result.functionError}: ${result.payload}` } : {}),
    ...(result.logs ? { logs: result.logs } : {}),
    ...(result.executedVersion ? { executedVersion: result.executedVersion } : {}),
  };
}

export function lambdaInvokeStage(env: CloudEnv): StageImplementation {
  return {
    type: LAMBDA_INVOKE,
    validate: lambdaInvokeProblems,
    async run(ctx): Promise<TaskResult> {
      try {
        const config = ctx.stage.config;
        const where = functionLocation(config, ctx.application, env.defaultRegion());
        const count = boundedNumber(config, 'executionCount', 1, 100) ?? 1;
        const qualifier =
          optionalString(config, 'aliasName', 'qualifier') ?? (config.version !== undefined && config.version !== '' ? textOf(config.version) : '$LATEST');
        const payload = (await payloadOf(ctx, env)) ?? '{}';
        try {
          JSON.parse(payload);
        } catch {
          throw new StageConfigError('lambdaPayload: must be JSON (Lambda invokes with a JSON document)');
        }
        const { lambda } = await env.functions(where.account, where.region);
        const done = [...(INVOKED.of(ctx.state).invokeResultsList ?? [])];
        if (done.length === 0) {
          await refuseOtherApplications(lambda, where, ctx.application);
          const fn = await describeFunction(lambda, where.functionName);
          if (!fn) throw new CloudStageError(`function ${where.functionName} does not exist in account ${where.account} ${where.region}`);
          checkOwnedBy(where.functionName, fn.tags, ctx.application);
        }
        while (done.length < count) {
          done.push(view(await invokeFunction(lambda, where.functionName, qualifier, payload)));
          await ctx.checkpoint(INVOKED.save({ invokeResultsList: done }));
        }
        const errors = done.flatMap((r, i) => (r.errors ? [`invocation ${i + 1}: ${r.errors}`] : []));
        const outputs = { ...functionOutputs(where), qualifier, invokeResultsList: done };
        if (errors.length > 0) return { status: 'FAILED', error: `${where.functionName}:${qualifier} failed: ${errors.join('; ')}`, outputs };
        return { status: 'SUCCEEDED', outputs };
      } catch (error) {
        return failedOr(error);
      }
    },
  };
}
