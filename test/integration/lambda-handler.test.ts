/** The engine families' Lambda entry: task tokens go back to Step Functions only where callback stages run. */
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import type { EngineDeps } from '../../functions/core/engine/deps.js';
import type { EngineResult } from '../../state-machines/contract/engine.js';
import { ExecutionStore } from '../../functions/core/execution-store.js';
import { engineHandler } from '../../functions/core/lambda-handler.js';
import { recordEngineCall } from '../../functions/core/metrics.js';
import { MemoryNotifier } from '../../functions/core/notifications.js';
import { systemClock } from '../../functions/core/stage-api.js';
import { pipelineSkeleton } from '../../state-machines/compiler/payloads.js';
import { pipelineOf, useLocalAws } from '../support/local.js';

useLocalAws();

const deps = (): EngineDeps => ({
  store: new ExecutionStore(),
  clock: systemClock,
  random: () => 0.5,
  notifier: new MemoryNotifier(),
  implementations: new Map(),
  awaitPollSeconds: 1,
});
const pipeline = pipelineOf({ stages: [{ refId: '1', type: 'wait', name: 'Wait', waitTime: 1 }] });
const startWithToken = (executionId: string) => ({ op: 'start', executionId, input: {}, pipeline: pipelineSkeleton(pipeline), taskToken: 'token-1' });
const context = {} as Context;

describe('engineHandler', () => {
  it("hands a finished call's result to resumeTask with its task token", async () => {
    const resumed: Array<[string, EngineResult]> = [];
    const handler = engineHandler(deps, { resumeTask: async (token, result) => void resumed.push([token, result]) });
    const result = await handler(startWithToken('lh-1'), context);
    expect(result).toMatchObject({ status: 'RUNNING' });
    expect(resumed).toEqual([['token-1', result]]);
  });

  it('refuses a task token where no callback stage runs, naming the operation', async () => {
    const handler = engineHandler(deps);
    await expect(handler(startWithToken('lh-2'), context)).rejects.toThrow('op start came with a task token, but this function runs no callback stages');
  });
});

describe('engine metrics', () => {
  /** The embedded-metric-format documents a Metrics instance publishes. */
  function captured(metrics: Metrics): Array<Record<string, unknown>> {
    const published: Array<Record<string, unknown>> = [];
    vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(function (this: Metrics) {
      published.push(this.serializeMetrics());
      this.clearMetrics();
      this.clearDimensions();
      return this;
    });
    return published;
  }

  it('counts a pipeline that ended, by status, and writes nothing for calls that end nothing', async () => {
    const metrics = new Metrics({ namespace: 'GennakerTest', serviceName: 'test' });
    const published = captured(metrics);
    const handler = engineHandler(deps, { metrics });
    await handler({ op: 'start', executionId: 'lh-3', input: {}, pipeline: pipelineSkeleton(pipeline) }, context);
    expect(published).toEqual([]);
    await handler({ op: 'complete', executionId: 'lh-3', caught: false }, context);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ status: 'SUCCEEDED', PipelinesEnded: 1 });
    const directives = (published[0]!._aws as { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][] }> }).CloudWatchMetrics[0]!;
    expect(directives.Namespace).toBe('GennakerTest');
    expect(directives.Dimensions[0]).toEqual(expect.arrayContaining(['status']));
  });

  it('raises a pipeline that did not succeed as its named signal, counted apart from unexpected errors', async () => {
    const metrics = new Metrics({ namespace: 'GennakerTest', serviceName: 'test' });
    const published = captured(metrics);
    const handler = engineHandler(deps, { metrics });
    await handler({ op: 'start', executionId: 'lh-4', input: {}, pipeline: pipelineSkeleton(pipeline) }, context);
    const failed = { Error: 'States.TaskFailed', Cause: 'boom' };
    await expect(handler({ op: 'complete', executionId: 'lh-4', caught: failed }, context)).rejects.toMatchObject({ name: 'Gennaker.PipelineFailed' });
    expect(published).toEqual([
      expect.objectContaining({ status: 'TERMINAL', PipelinesEnded: 1 }),
      expect.objectContaining({ RoutedSignals: 1, signal: 'Gennaker.PipelineFailed' }),
    ]);
  });

  it('counts a stage that ended by status and stage type, and no poll', () => {
    const metrics = new Metrics({ namespace: 'GennakerTest', serviceName: 'test' });
    const published = captured(metrics);
    recordEngineCall(metrics, { op: 'run', stageType: 'deploy', status: 'RUNNING' });
    recordEngineCall(metrics, { op: 'start', status: 'RUNNING' });
    expect(published).toEqual([]);
    recordEngineCall(metrics, { op: 'run', stageType: 'deploy', status: 'TERMINAL' });
    expect(published).toEqual([expect.objectContaining({ status: 'TERMINAL', stageType: 'deploy', StagesEnded: 1 })]);
  });
});
