/** Lambda for the pipeline-level steps: start, the branches' error recorders and complete. */
import { defaultEngineDeps, engineHandler } from '../core/lambda-handler.js';

export const handler = engineHandler(() => defaultEngineDeps([]));
