/**
 * Lambda for the external stage family (webhook, jenkins, runJob, preconfigured webhooks), as
 * externalStages() builds it; runJob's code and its ECS and STS clients load on its first call,
 * not at cold start.
 */
import type { StageLoader } from '../../core/engine/deps.js';
import { defaultEngineDeps, engineHandler } from '../../core/lambda-handler.js';
import { lazyStages } from '../../core/lazy-stages.js';
import type { StageImplementation } from '../../core/stage-api.js';
import { httpStages } from './http-stages.js';

export const handler = engineHandler(() =>
  defaultEngineDeps(
    new Map<string, StageImplementation | StageLoader>([
      ...httpStages({}).map((stage) => [stage.type, stage] as const),
      ...lazyStages(['runJob'], async () => [(await import('./index.js')).runJobStageWithCancel({})]),
    ]),
  ),
);
