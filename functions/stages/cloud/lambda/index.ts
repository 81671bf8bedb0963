/**
 * The AWS Lambda plugin's stages (Aws.Lambda*), in the cloud family. Each holds its function's
 * lock (shared.ts) while it changes the function.
 */
import type { StageImplementation } from '../../../core/stage-api.js';
import type { CloudEnv } from '../deps.js';
import type { LockedStage } from '../locking.js';
import { lambdaDeleteStage } from './delete.js';
import { lambdaDeploymentStage, lambdaUpdateCodeStage } from './deploy.js';
import { lambdaInvokeStage } from './invoke.js';
import { lambdaTrafficRoutingStage } from './routing.js';

/** The stages that change a function (run holding its lock). */
export function lambdaStages(env: CloudEnv): LockedStage[] {
  return [lambdaDeploymentStage(env), lambdaUpdateCodeStage(env), lambdaTrafficRoutingStage(env), lambdaDeleteStage(env)];
}

/** Stages that only read or call a function. */
export function lambdaReadStages(env: CloudEnv): StageImplementation[] {
  return [lambdaInvokeStage(env)];
}
