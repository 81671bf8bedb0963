/** The engine families' Lambda entry: task tokens go back to Step Functions only where callback stages run. */
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { EngineDeps } from '../../functions/core/engine/deps.js';
import type { EngineResult } from '../../functions/core/engine/payloads.js';
import { ExecutionStore } from '../../functions/core/execution-store.js';
import { engineHandler } from '../../functions/core/lambda-handler.js';
import { MemoryNotifier } from '../../functions/core/notifications.js';
import { systemClock } from '../../functions/core/stage-api.js';
import { pipelineSkeleton } from '../../state-machines/compiler/payloads.js';
import { pipelineOf, useLocalAws } from '../support/local.js';

useLocalAws();

const deps = (): EngineDeps => ({ store: new ExecutionStore(), clock: systemClock, random: () => 0.5, notifier: new MemoryNotifier(), implementations: new Map(), awaitPollSeconds: 1 });
const pipeline = pipelineOf({ stages: [{ refId: '1', type: 'wait', name: 'Wait', waitTime: 1 }] });
const startWithToken = (executionId: string) => ({ op: 'start', executionId, input: {}, pipeline: pipelineSkeleton(pipeline), taskToken: 'token-1' });
const context = {} as Context;

describe('engineHandler', () => {
  it('hands a finished call\'s result to resumeTask with its task token', async () => {
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
