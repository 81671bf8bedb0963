/** Lambda for the cloud stage family (deploy, server group and cluster stages, images, bake). */
import { defaultEngineDeps, engineHandler } from '../../core/lambda-handler.js';
import { cloudStages } from './index.js';

export const handler = engineHandler(() => defaultEngineDeps(cloudStages()));
