/**
 * Lambda for the cloud stage family (deploy, server group and cluster stages, images, bake), and
 * for checkPreconditions stages with a clusterSize check (stage-types/flow.ts routes them here:
 * this function has the cloud driver and the accounts' roles, the flow function has neither).
 * The family's code and its SDK clients load on the first stage call, not at cold start.
 */
import { stageTypesOf } from '../../../state-machines/stage-types/index.js';
import { defaultEngineDeps, engineHandler } from '../../core/lambda-handler.js';
import { lazyStages } from '../../core/lazy-stages.js';

export const handler = engineHandler(() =>
  defaultEngineDeps(
    lazyStages([...stageTypesOf('cloud'), 'checkPreconditions'], async () => {
      const [{ checkPreconditionsStage }, { cloudEnv, cloudStagesOf, cloudPreconditions }] = await Promise.all([
        import('../../core/check-preconditions.js'),
        import('./index.js'),
      ]);
      const env = cloudEnv();
      return [...cloudStagesOf(env), checkPreconditionsStage(cloudPreconditions(env))];
    }),
  ),
);
