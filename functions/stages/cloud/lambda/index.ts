/**
 * The AWS Lambda plugin's stages (Aws.Lambda*), in the cloud family. Each holds its function's
 * lock (shared.ts) while it changes the function.
 */
import type { CloudEnv } from '../deps.js';
import type { LockedStage } from '../locking.js';
import { lambdaDeploymentStage, lambdaUpdateCodeStage } from './deploy.js';

export function lambdaStages(env: CloudEnv): LockedStage[] {
  return [lambdaDeploymentStage(env), lambdaUpdateCodeStage(env)];
}
