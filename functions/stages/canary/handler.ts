/** Lambda for the canary family (canary / kayentaCanary); its code loads on the first stage call, not at cold start. */
import { stageTypesOf } from '../../../state-machines/stage-types/index.js';
import { defaultEngineDeps, engineHandler } from '../../core/lambda-handler.js';
import { lazyStages } from '../../core/lazy-stages.js';

export const handler = engineHandler(() => defaultEngineDeps(lazyStages(stageTypesOf('canary'), async () => (await import('./family.js')).canaryStages())));
