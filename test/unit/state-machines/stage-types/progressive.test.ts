/** The progressive strategy's validation, and how a deploy that may wait for a promote compiles. */
import { describe, expect, it } from 'vitest';
import { statesOfType } from '../../../../local/asl-walk.js';
import { compilePipeline } from '../../../../state-machines/compiler/compile.js';
import { deployProblems, waitsForPromote } from '../../../../state-machines/stage-types/cloud.js';
import { LAMBDA_ROUTE } from '../../../../state-machines/stage-types/lambda.js';
import { waitsOnCallback } from '../../../../state-machines/stage-types/registry.js';
import { pipelineOf } from '../../../support/local.js';

const entry = (extra: Record<string, unknown>) => ({
  account: 'default',
  application: 'app',
  cloudProvider: 'aws',
  regions: ['us-east-1'],
  capacity: { min: 1, max: 1, desired: 1 },
  targetGroups: ['app-web'],
  strategy: 'progressive',
  ...extra,
});

describe('progressive deploys: validation', () => {
  it('needs trafficSteps whose weights increase and end at 100; trafficSteps only with progressive', () => {
    expect(deployProblems({ clusters: [entry({})] })).toContain(
      'clusters[0].trafficSteps: required with strategy progressive ([{weight, pauseSec?, analysis?}, ..., {weight: 100}])',
    );
    expect(deployProblems({ clusters: [entry({ trafficSteps: [{ weight: 10, pauseSec: 60 }, { weight: 50 }] })] })).toContain(
      'clusters[0].trafficSteps[1].weight: the last step must send all traffic (weight 100), got 50',
    );
    expect(deployProblems({ clusters: [entry({ trafficSteps: [{ weight: 50 }, { weight: 10 }, { weight: 100 }] })] })).toContain(
      'clusters[0].trafficSteps[1].weight: must be greater than the step before (50)',
    );
    expect(deployProblems({ clusters: [entry({ strategy: 'redblack', trafficSteps: [{ weight: 100 }] })] })).toContain(
      'clusters[0].trafficSteps: only read with strategy progressive (strategy is "redblack")',
    );
    expect(deployProblems({ clusters: [entry({ trafficSteps: [{ weight: 10, pauseSec: 60 }, { weight: 100 }], bakeTimeSec: 600 })] })).toEqual([]);
  });

  it('waits for a promote when a step before the last has no pauseSec, or when it cannot tell before the run', () => {
    expect(waitsForPromote({ clusters: [entry({ trafficSteps: [{ weight: 10, pauseSec: 60 }, { weight: 100 }] })] })).toBe(false);
    expect(waitsForPromote({ clusters: [entry({ trafficSteps: [{ weight: 10 }, { weight: 100 }] })] })).toBe(true);
    expect(waitsForPromote({ clusters: [entry({ trafficSteps: '${parameters.steps}' })] })).toBe(true);
    expect(waitsForPromote({ clusters: [entry({ strategy: '${parameters.strategy}', trafficSteps: [{ weight: 10 }, { weight: 100 }] })] })).toBe(true);
    expect(waitsForPromote({ clusters: [entry({ strategy: 'redblack' })] })).toBe(false);
  });

  it('GIVEN Lambda alias shifting in the same step format WHEN a step before the last has no pauseSec THEN the routing stage waits on its task token too', () => {
    const route = (extra: Record<string, unknown>) => ({ functionName: 'fn', aliasName: 'live', deploymentStrategy: '$PROGRESSIVE', ...extra });
    expect(waitsOnCallback(LAMBDA_ROUTE, route({ trafficSteps: [{ weight: 10 }, { weight: 100 }] }))).toBe(true);
    expect(waitsOnCallback(LAMBDA_ROUTE, route({ trafficSteps: [{ weight: 10, pauseSec: 60 }, { weight: 100 }] }))).toBe(false);
    expect(waitsOnCallback(LAMBDA_ROUTE, route({ deploymentStrategy: '$WEIGHTED', trafficSteps: [{ weight: 10 }, { weight: 100 }] }))).toBe(false);
  });
});

describe('progressive deploys: compiled', () => {
  const compiled = (trafficSteps: unknown) =>
    compilePipeline(
      pipelineOf({ application: 'app', name: 'p', stages: [{ refId: '1', name: 'Deploy', type: 'deploy', clusters: [entry({ trafficSteps })] }] }),
    );

  it('a deploy that may wait for a promote waits on its token as long as the stage may (3 days), keeping its poll loop', () => {
    const asl = compiled([{ weight: 10 }, { weight: 100 }]);
    const task = statesOfType(asl as never, 'Task').find((t) => t.name === 'Deploy');
    expect(task!.state.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    expect(task!.state.TimeoutSeconds).toBe(3 * 24 * 3600);
    expect(statesOfType(asl as never, 'Wait').map((w) => w.state.SecondsPath)).toEqual(['$.result.waitSeconds']);
  });

  it("one whose steps all pause has a call's timeout: its token is answered at every poll", () => {
    const asl = compiled([{ weight: 10, pauseSec: 60 }, { weight: 100 }]);
    const task = statesOfType(asl as never, 'Task').find((t) => t.name === 'Deploy');
    expect(task!.state.TimeoutSeconds).toBeLessThan(3600);
    expect(statesOfType(asl as never, 'Wait')).toHaveLength(1);
  });
});
