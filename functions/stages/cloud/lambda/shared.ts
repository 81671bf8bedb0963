/** What every Lambda stage shares: its lock (one per function) and the outputs that name the function. */
import { checkOwner, FunctionNameError, functionTags, type FunctionView } from '../../../core/cloud/lambda/index.js';
import { StageConfigError } from '../../../core/stage-api.js';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { ClusterKey } from '../../../core/cluster-lock.js';
import type { FunctionLocation } from './fields.js';

/** Function names cannot contain ':', so these keys never meet a server group cluster's. */
const FUNCTION_LOCK_PREFIX = 'function:';

export function functionLock(where: FunctionLocation): ClusterKey {
  return { account: where.account, region: where.region, cluster: `${FUNCTION_LOCK_PREFIX}${where.functionName}` };
}

/** The plugin's output names (functionName, functionARN) plus where the function is. */
export function functionOutputs(where: FunctionLocation, view?: FunctionView): Record<string, unknown> {
  return {
    functionName: where.functionName,
    account: where.account,
    region: where.region,
    ...(view ? { functionARN: view.arn } : {}),
    touchedFunctions: [{ account: where.account, region: where.region, functionName: where.functionName }],
  };
}

/**
 * A name of another application's function is prefixed with this application (clouddriver's
 * rule), which would quietly make a second function. When the name as written is a function that
 * another application owns, say so instead.
 */
export async function refuseOtherApplications(lambda: LambdaClient, where: FunctionLocation, application: string): Promise<void> {
  if (where.given === where.functionName) return;
  const tags = await functionTags(lambda, where.given);
  if (tags) checkOwnedBy(where.given, tags, application);
}

/** The function is this application's (or nobody's): otherwise a stage error naming the owner. */
export function checkOwnedBy(name: string, tags: Readonly<Record<string, string>>, application: string): void {
  try {
    checkOwner(name, tags, application);
  } catch (error) {
    if (error instanceof FunctionNameError) throw new StageConfigError(`functionName: ${error.message}`);
    throw error;
  }
}
