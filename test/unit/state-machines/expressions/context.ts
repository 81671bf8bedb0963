import type { EvaluationContext, StageView } from '../../../../state-machines/expressions/index.js';

/** A stage with sensible defaults; override what a test cares about. */
export function stage(overrides: Partial<StageView> & Pick<StageView, 'refId' | 'name'>): StageView {
  return { type: 'wait', status: 'NOT_STARTED', context: {}, outputs: {}, ...overrides };
}

/**
 * An execution of a small pipeline: Bake (succeeded), Approve (manual judgment, succeeded),
 * Deploy (running, the current stage) and Smoke test (not started).
 */
export function sampleContext(overrides: Partial<EvaluationContext['execution']> = {}): EvaluationContext {
  return {
    execution: {
      id: 'exec-1',
      application: 'shop',
      name: 'Deploy to prod',
      status: 'RUNNING',
      startTime: 1_000,
      trigger: { type: 'manual', user: 'ana', parameters: { env: 'prod', replicas: '3', region: 'eu-west-1' } },
      parameters: { region: 'us-east-1', canary: true },
      stages: [
        stage({
          refId: '1',
          name: 'Bake',
          type: 'bake',
          status: 'SUCCEEDED',
          outputs: { imageId: 'ami-123', deploymentDetails: [{ imageId: 'ami-123', region: 'us-east-1' }] },
          startTime: 1_100,
          endTime: 1_200,
        }),
        stage({
          refId: '2',
          name: 'Approve',
          type: 'manualJudgment',
          status: 'SUCCEEDED',
          context: { judgmentInput: 'ship it', judgmentStatus: 'continue' },
          requisiteStageRefIds: ['1'],
          endTime: 1_300,
        }),
        stage({
          refId: '3',
          name: 'Deploy',
          type: 'deploy',
          status: 'RUNNING',
          context: { account: 'prod-account', capacity: { min: 2, max: 4 } },
          requisiteStageRefIds: ['2'],
        }),
        stage({ refId: '4', name: 'Smoke test', type: 'wait', requisiteStageRefIds: ['3'] }),
      ],
      ...overrides,
    },
    currentStageRefId: '3',
  };
}
