/** Exports Spinnaker accepts are accepted (fidelity item 2), with Orca's and Deck's meanings. */
import { describe, expect, it } from 'vitest';
import { compilePipeline } from '../../../../state-machines/compiler/compile.js';
import { validatePipeline } from '../../../../state-machines/model/validate.js';

const validate = (stages: unknown[]) => validatePipeline({ application: 'shop', name: 'p', stages });

describe('stageEnabled as Orca reads it (OptionalStageSupport)', () => {
  it.each([
    ['no expression', { type: 'expression' }],
    ['an empty expression', { type: 'expression', expression: '' }],
    ['a blank expression', { type: 'expression', expression: '   ' }],
    ['a null expression', { type: 'expression', expression: null }],
    ['no type', { expression: 'false' }],
    ['another type', { type: 'manual', expression: 'false' }],
    ['an empty object', {}],
  ])('runs the stage when stageEnabled has %s', (_what, stageEnabled) => {
    const result = validate([{ refId: '1', type: 'wait', waitTime: 1, stageEnabled }]);
    expect(result.errors).toEqual([]);
    expect(result.pipeline!.stages[0]!.enabledExpression).toBeUndefined();
  });

  it('makes the stage conditional for type expression in any case', () => {
    const result = validate([{ refId: '1', type: 'wait', waitTime: 1, stageEnabled: { type: 'Expression', expression: "trigger.type == 'git'" } }]);
    expect(result.pipeline!.stages[0]!.enabledExpression).toBe("trigger.type == 'git'");
    expect(
      validate([{ refId: '1', type: 'wait', waitTime: 1, stageEnabled: { type: 'expression', expression: false } }]).pipeline!.stages[0]!.enabledExpression,
    ).toBe('false');
  });
});

describe('legacy and lenient stage forms', () => {
  it('reads findAmi as findImage (Deck aliases it)', () => {
    const result = validate([
      {
        refId: '1',
        type: 'findAmi',
        name: 'Find AMI',
        cluster: 'shop-prod',
        credentials: 'prod',
        regions: ['us-east-1'],
        selectionStrategy: 'NEWEST',
        onlyEnabled: true,
      },
    ]);
    expect(result.errors).toEqual([]);
    expect(result.pipeline!.stages[0]).toMatchObject({ type: 'findImage', name: 'Find AMI', config: { type: 'findImage' } });
    expect(JSON.stringify(compilePipeline(result.pipeline!))).toContain('gennaker-cloud');
  });

  it('accepts a bake with no package (Rosco bakes the base image with the provisioning alone)', () => {
    const result = validate([
      {
        refId: '1',
        type: 'bake',
        baseOs: 'ubuntu',
        baseLabel: 'release',
        regions: ['us-east-1'],
        vmType: 'hvm',
        storeType: 'ebs',
        cloudProviderType: 'aws',
        package: undefined,
      },
    ]);
    expect(result.errors).toEqual([]);
    expect(validate([{ refId: '1', type: 'bake', baseOs: 'ubuntu', regions: ['us-east-1'], package: '' }]).errors).toEqual([]);
  });

  it("accepts Kayenta's scope-only kayentaCanary (existing server groups, no deployments) and compiles it to the canary family", () => {
    const stage = {
      refId: '1',
      type: 'kayentaCanary',
      name: 'Canary Analysis',
      analysisType: 'retrospective',
      canaryConfig: {
        canaryConfigId: undefined,
        metrics: [{ name: 'latency', namespace: 'Shop', metricName: 'Latency' }],
        scoreThresholds: { marginal: '50', pass: '75' },
        scopes: [
          {
            scopeName: 'default',
            controlScope: 'shop-prod-v003',
            controlLocation: 'us-east-1',
            experimentScope: 'shop-prod-v004',
            experimentLocation: 'us-east-1',
            startTimeIso: '2024-05-01T10:00:00Z',
            endTimeIso: '2024-05-01T12:00:00Z',
            step: 60,
            extendedScopeParams: {},
          },
        ],
      },
    };
    const result = validate([stage]);
    expect(result.errors).toEqual([]);
    expect(JSON.stringify(compilePipeline(result.pipeline!))).toContain('gennaker-canary');
    const noScope = validate([{ ...stage, canaryConfig: { ...stage.canaryConfig, scopes: [{ scopeName: 'default' }] } }]);
    expect(noScope.errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      '$.stages[0].canaryConfig.scopes[0].controlScope: required without deployments (an existing server group)',
      '$.stages[0].canaryConfig.scopes[0].experimentScope: required without deployments (an existing server group)',
      "$.stages[0].canaryConfig.scopes[0].endTimeIso: 'retrospective' analysis needs startTimeIso and endTimeIso",
    ]);
  });
});

describe('a stage refused for its provider names the provider first', () => {
  it('says a kubernetes runJob is not supported, not that cluster is missing', () => {
    const result = validate([{ refId: '1', type: 'runJob', cloudProvider: 'kubernetes', account: 'k8s', manifest: { kind: 'Job' }, source: 'text' }]);
    expect(result.errors).toEqual([
      {
        path: '$.stages[0].cloudProvider',
        message: "cloudProvider 'kubernetes' is not supported for runJob; Gennaker runs jobs as ECS tasks on AWS (cloudProvider 'aws' or 'ecs')",
      },
    ]);
  });

  it('says a GCE deploy is not supported before anything about its clusters', () => {
    const result = validate([{ refId: '1', type: 'resizeServerGroup', cloudProvider: 'gce', action: 'scale_exact' }]);
    expect(result.errors).toEqual([
      { path: '$.stages[0].cloudProvider', message: "cloudProvider 'gce' is not supported; Gennaker deploys to AWS EC2 or ECS (cloudProvider 'aws' or 'ecs')" },
    ]);
  });

  it('still lists every problem of an ECS-task runJob', () => {
    expect(validate([{ refId: '1', type: 'runJob', cloudProvider: 'ecs' }]).errors.map((e) => e.path)).toEqual([
      '$.stages[0].cluster',
      '$.stages[0].taskDefinition',
    ]);
  });
});
