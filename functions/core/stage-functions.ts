/**
 * How a function that does not run a stage reaches the function that does: the stage families'
 * Lambda ARNs, handed over by the platform in GENNAKER_STAGE_FUNCTIONS (`{"cloud": "arn:…", …}`),
 * and an asynchronous Invoke of the `cancelStage` operation (stage-cleanup.ts). Asynchronous:
 * the caller (an API request, the lifecycle handler) does not wait for server groups to go, and
 * Lambda retries a failed cleanup and sends what still fails to the platform's dead-letter queue.
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { stageTypeInfo } from '../../state-machines/stage-types/index.js';
import { lambdaClient } from './sdk-clients/lambda.js';
import type { EngineDeps } from './engine/deps.js';
import { InvalidInputError } from './errors.js';
import { loadPreconfiguredWebhooks } from './preconfigured-webhook-types.js';

export const STAGE_FUNCTIONS_ENV = 'GENNAKER_STAGE_FUNCTIONS';

type CancelElsewhere = NonNullable<EngineDeps['cancelElsewhere']>;

/** The family → function ARN map from the environment; empty when unset. */
export function stageFunctionsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): Readonly<Record<string, string>> {
  const text = env[STAGE_FUNCTIONS_ENV];
  if (!text) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${STAGE_FUNCTIONS_ENV} is not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Object.values(value).some((arn) => typeof arn !== 'string')) {
    throw new InvalidInputError(`${STAGE_FUNCTIONS_ENV} must map stage families to function ARNs`);
  }
  return value as Record<string, string>;
}

/**
 * Invokes the stage's family function with `cancelStage`; undefined when no function is known.
 * The Lambda client is made on the first request (cancels are rare; starts are not). The
 * operator's preconfigured webhook types (bundled beside these functions) are registered first:
 * a running stage of such a type is of the external family, so its cleanup is requested too.
 */
export function lambdaCancelElsewhere(
  functions: Readonly<Record<string, string>> = stageFunctionsFromEnv(),
  lambda?: LambdaClient,
  env: Readonly<Record<string, string | undefined>> = process.env,
): CancelElsewhere | undefined {
  if (Object.keys(functions).length === 0) return undefined;
  loadPreconfiguredWebhooks(env);
  return async ({ executionId, refId, type }) => {
    const family = stageTypeInfo(type)?.family;
    const functionName = family && functions[family];
    if (!functionName) throw new InvalidInputError(`no function for stage type ${type} (family ${family ?? 'unknown'}) in ${STAGE_FUNCTIONS_ENV}`);
    await (lambda ?? lambdaClient()).send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify({ op: 'cancelStage', executionId, refId })),
      }),
    );
  };
}
