import { describe, expect, it } from 'vitest';
import type { PipelineCompletedDetail } from '../../../../functions/triggers/lifecycle/completed-event.js';
import { matchPipelineTrigger, normalizeCompleted, pipelineTrigger } from '../../../../functions/triggers/pipeline/normalize.js';

const parent: PipelineCompletedDetail = {
  executionId: 'exec-1',
  application: 'shop',
  pipelineId: 'shop-build',
  pipelineName: 'build',
  status: 'TERMINAL',
  startTime: 1,
  endTime: 2,
  error: "stage 'Deploy' TERMINAL",
  trigger: { type: 'git', user: 'alice' },
  parameters: { version: '1.2' },
  stages: [{ refId: '1', name: 'Deploy', type: 'wait', status: 'TERMINAL' }],
};
const self = { application: 'shop', id: 'shop-verify' };

describe('pipeline triggers', () => {
  it.each([
    [{ application: 'shop', pipeline: 'shop-build', status: ['failed'] }, true],
    [{ application: 'shop', pipeline: 'build', status: ['failed', 'canceled'] }, true],
    [{ application: 'shop', pipeline: 'shop-build', status: ['successful'] }, false],
    [{ application: 'shop', pipeline: 'shop-build' }, false], // no status list: successful only
    [{ application: 'other', pipeline: 'shop-build', status: ['failed'] }, false],
    [{ application: 'shop', pipeline: 'shop-deploy', status: ['failed'] }, false],
  ])('%j → %s', (fields, expected) => {
    expect(matchPipelineTrigger({ type: 'pipeline', ...fields }, parent, self).matched).toBe(expected);
  });

  it('never lets a pipeline trigger itself', () => {
    expect(
      matchPipelineTrigger({ type: 'pipeline', application: 'shop', pipeline: 'shop-build', status: ['failed'] }, parent, {
        application: 'shop',
        id: 'shop-build',
      }).matched,
    ).toBe(false);
  });

  it("builds Spinnaker's pipeline trigger object", () => {
    expect(pipelineTrigger(parent)).toMatchObject({
      type: 'pipeline',
      user: 'alice',
      parentPipelineId: 'shop-build',
      parentPipelineName: 'build',
      parentPipelineApplication: 'shop',
      parentStatus: 'failed',
      parentExecution: { id: 'exec-1', application: 'shop', name: 'build', pipelineConfigId: 'shop-build', status: 'TERMINAL', parameters: { version: '1.2' } },
    });
  });

  it('reads only pipeline-completed events', () => {
    expect(normalizeCompleted({ id: '1', source: 'aws.states', 'detail-type': 'x', detail: {} }).kind).toBe('ignored');
    expect(() => normalizeCompleted({ id: '1', source: 'gennaker', 'detail-type': 'Pipeline Execution Completed', detail: { status: 'RUNNING' } })).toThrow(
      /not a pipeline-completed event/,
    );
  });
});
