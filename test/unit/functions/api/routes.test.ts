import { describe, expect, it } from 'vitest';
import { ForbiddenError, MethodNotAllowedError, FeatureUnavailableError, RouteNotFoundError } from '../../../../functions/api/errors.js';
import { errorBody } from '../../../../functions/triggers/http.js';
import { findRoute, matchPattern } from '../../../../functions/api/routes.js';
import { UnknownAccountError } from '../../../../functions/core/cloud/errors.js';
import { httpStatusOf } from '../../../../state-machines/errors.js';
import { executionDetails } from '../../../../functions/api/views.js';
import { ExecutionStateError } from '../../../../functions/core/concurrency.js';
import { ConcurrentUpdateError, ExecutionNotFoundError, InvalidInputError, JudgmentError } from '../../../../functions/core/errors.js';
import type { ExecutionView } from '../../../../functions/core/execution-model.js';
import {
  BadSignatureError,
  MalformedEventError,
  ParameterError,
  PayloadTooLargeError,
  PipelineDisabledError,
  PipelineNotFoundError,
} from '../../../../functions/triggers/errors.js';

describe('routes', () => {
  it('match paths with decoded parameters', () => {
    expect(matchPattern('/executions/{id}/stages/{stage}/judgment', '/executions/e-1/stages/Approve%20prod/judgment')).toEqual({
      id: 'e-1',
      stage: 'Approve prod',
    });
    expect(matchPattern('/executions/{id}', '/executions/')).toBeUndefined();
    expect(matchPattern('/executions/{id}', '/executions/%E0%A4%A')).toBeUndefined();
  });

  it('find the route, tolerating a stage prefix, and tell 404 from 405', () => {
    expect(findRoute('POST', '/pipelines/shop/deploy/executions').params).toEqual({ application: 'shop', pipeline: 'deploy' });
    expect(findRoute('GET', '/prod/executions/e-1', 'prod').params).toEqual({ id: 'e-1' });
    expect(() => findRoute('DELETE', '/executions/e-1')).toThrow(MethodNotAllowedError);
    expect(() => findRoute('GET', '/admin')).toThrow(RouteNotFoundError);
  });
});

describe('one place maps errors to statuses', () => {
  it.each([
    [new MalformedEventError('x'), 400],
    [new InvalidInputError('x'), 400],
    [new ParameterError('x', []), 400],
    [new BadSignatureError('x'), 401],
    [new ForbiddenError('x'), 403],
    [new ExecutionNotFoundError('x'), 404],
    [new PipelineNotFoundError('x'), 404],
    [new RouteNotFoundError('x'), 404],
    [new MethodNotAllowedError('x'), 405],
    [new ExecutionStateError('x'), 409],
    [new PipelineDisabledError('x'), 409],
    [new JudgmentError('x'), 409],
    [new ConcurrentUpdateError('x'), 409],
    [new PayloadTooLargeError('x'), 413],
    [new FeatureUnavailableError('x'), 501],
    [new UnknownAccountError('x'), 400],
    [new Error('boom'), 500],
    ['not even an error', 500],
  ])('%s → %i', (error, status) => {
    expect(httpStatusOf(error)).toBe(status);
  });

  it('hides the message of internal errors', () => {
    expect(errorBody(new Error('connection to 10.0.0.7 refused'))).toEqual({ error: 'InternalError', message: 'internal error; see the function logs' });
    expect(errorBody(new ParameterError('bad', [{ path: 'parameters.env', message: 'required' }]))).toEqual({
      error: 'ParameterError',
      message: 'bad',
      problems: [{ path: 'parameters.env', message: 'required' }],
    });
  });
});

describe('execution views', () => {
  it('never show a callback token', () => {
    const view = {
      id: 'e-1',
      application: 'shop',
      pipelineName: 'deploy',
      pipelineId: 'shop-deploy',
      status: 'RUNNING',
      trigger: { type: 'manual' },
      parameters: {},
      startTime: 1,
      skeleton: [],
      version: 3,
      stages: [
        {
          refId: '1',
          name: 'Approve',
          type: 'manualJudgment',
          requisiteStageRefIds: [],
          status: 'RUNNING',
          context: {},
          outputs: {},
          callbackToken: 'AQCEAAAAKgAAAAMAAAAA-secret',
          version: 2,
        },
      ],
    } as unknown as ExecutionView;
    const shown = JSON.stringify(executionDetails(view));
    expect(shown).not.toContain('callbackToken');
    expect(shown).not.toContain('AQCEAAAAKgAAAAMAAAAA');
  });
});
