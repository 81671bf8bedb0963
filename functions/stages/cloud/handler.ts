/**
 * Lambda for the cloud stage family (deploy, server group and cluster stages, images, bake), and
 * for checkPreconditions stages with a clusterSize check (stage-types/flow.ts routes them here:
 * this function has the cloud driver and the accounts' roles, the flow function has neither).
 */
import { defaultEngineDeps, engineHandler } from '../../core/lambda-handler.js';
import { checkPreconditionsStage } from '../../core/check-preconditions.js';
import { cloudEnv } from './deps.js';
import { cloudStagesOf } from './index.js';
import { cloudPreconditions } from './preconditions.js';

export const handler = engineHandler(() => {
  const env = cloudEnv();
  return defaultEngineDeps([...cloudStagesOf(env), checkPreconditionsStage(cloudPreconditions(env))]);
});
