/** Lambda for the canary family (canary / kayentaCanary). */
import { defaultEngineDeps, engineHandler } from '../../core/lambda-handler.js';
import { canaryStages } from './family.js';

export const handler = engineHandler(() => defaultEngineDeps(canaryStages()));
