/** Lambda for the external stage family (webhook, jenkins, runJob, preconfigured webhooks). */
import { defaultEngineDeps, engineHandler } from '../../core/lambda-handler.js';
import { externalStages } from './index.js';

export const handler = engineHandler(() => defaultEngineDeps(externalStages()));
