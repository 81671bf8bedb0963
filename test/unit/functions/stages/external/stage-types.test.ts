import { describe, expect, it } from 'vitest';
import { validatePipeline } from '../../../../../state-machines/model/validate.js';
import { stageTypeInfo } from '../../../../../state-machines/stage-types/index.js';

describe('external stage types', () => {
  it('are registered as poll stages of the external family, the canaries of their own', () => {
    for (const type of ['webhook', 'jenkins', 'runJob']) {
      expect(stageTypeInfo(type)).toMatchObject({ type, family: 'external', execution: 'poll' });
    }
    for (const type of ['canary', 'kayentaCanary']) {
      expect(stageTypeInfo(type)).toMatchObject({ type, family: 'canary', execution: 'poll' });
    }
    // A canary must end itself (and clean up): no engine timeout by default.
    expect(stageTypeInfo('canary')?.defaultTimeoutMs).toBeUndefined();
  });

  const check = (type: string, stage: Record<string, unknown>) => stageTypeInfo(type)!.check!(stage);

  it('checks webhook fields that hold no expression', () => {
    expect(check('webhook', { url: 'https://x', method: 'get', waitForCompletion: true, statusJsonPath: '$.s' })).toEqual([]);
    expect(check('webhook', { method: 'FETCH', waitForCompletion: true, failFastStatusCodes: [99] })).toEqual([
      'method: must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
      'failFastStatusCodes: must be a list of HTTP status codes',
      'url: required',
      'statusJsonPath: required when waiting for completion',
    ]);
    // Expressions are checked after evaluation.
    expect(check('webhook', { url: '${trigger.url}', method: '${parameters.method}', failFastStatusCodes: '${parameters.codes}' })).toEqual([]);
    expect(check('webhook', { url: 'https://x', statusUrlResolution: 'callback' })).toEqual([]);
  });

  it('explains the kayentaCanary fields it cannot honour', () => {
    expect(
      check('kayentaCanary', { analysisType: 'retrospective', canaryConfig: { canaryConfigId: 'abc' }, deployments: { serverGroupPairs: [{}, {}] } }),
    ).toEqual([
      // Retrospective analysis runs only over groups that already exist (scope-only canaries).
      "analysisType: 'retrospective' analysis needs server groups that already exist: name them in canaryConfig.scopes, without deployments",
      'canaryConfig.canaryConfigId: names a canary config stored in Kayenta, which Gennaker does not read; put the metrics inline as canaryConfig.metrics',
      'deployments.serverGroupPairs: exactly one control/experiment pair is supported',
      'deployments.baseline.cluster: required (the production cluster)',
    ]);
  });

  it('lets the validator report missing required fields with their paths', () => {
    const result = validatePipeline({
      application: 'app',
      name: 'p',
      stages: [
        { refId: '1', type: 'jenkins', name: 'Build', job: 'x' },
        { refId: '2', type: 'runJob', name: 'Migrate', cluster: 'jobs', taskDefinition: 'm', launchType: 'LAMBDA' },
      ],
    });
    expect(result.errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      '$.stages[0].master: required for jenkins stages',
      '$.stages[1].launchType: must be one of FARGATE, EC2',
    ]);
  });
});
