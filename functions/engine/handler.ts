/** Lambda for the pipeline-level steps (start, await, complete). */
import { defaultEngineDeps, engineHandler } from '../core/lambda-handler.js';

export const handler = engineHandler(() => defaultEngineDeps([]));
