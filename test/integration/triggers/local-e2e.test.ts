/**
 * Triggers and the lifecycle end to end with pipelines really running (in-process, the local
 * runtime, against the emulator): a waiting run starts when the running one ends, and a finished
 * pipeline starts the pipelines that trigger on it.
 */
import { describe, expect, it } from 'vitest';
import { MemoryNotifier } from '../../../functions/core/notifications.js';
import { StaticPipelineRegistry } from '../../../functions/core/pipeline-registry.js';
import { inProcessStack } from '../../../functions/triggers/local.js';
import { MemoryLog } from '../../../functions/core/log.js';
import { triggerManually } from '../../../functions/triggers/manual/manual.js';
import { LocalRuntime } from '../../../local/runtime.js';
import { pipelineOf, useTriggerAws } from './support.js';

useTriggerAws();

const build = pipelineOf({
  application: 'e2e',
  name: 'build',
  limitConcurrent: true,
  keepWaitingPipelines: true,
  parameterConfig: [{ name: 'version', required: true }],
  stages: [{ refId: '1', type: 'wait', name: 'Compile', waitTime: 60 }],
});
const deploy = pipelineOf({
  application: 'e2e',
  name: 'deploy',
  limitConcurrent: false,
  triggers: [{ type: 'pipeline', application: 'e2e', pipeline: build.id, status: ['successful'] }],
  stages: [{ refId: '1', type: 'evaluateVariables', name: 'Vars', variables: [{ key: 'from', value: '${trigger.parentExecution.id}' }] }],
});

describe('in-process triggers and lifecycle', () => {
  it('queues the second run, starts it when the first ends, and triggers downstream for each', async () => {
    const runtime = new LocalRuntime({ timeScale: 100, tickMs: 10 });
    const stack = inProcessStack(runtime, { registry: new StaticPipelineRegistry([build, deploy]), log: new MemoryLog(), notifier: new MemoryNotifier() });
    const first = await triggerManually({ application: 'e2e', pipeline: 'build', user: 'alice', parameters: { version: '1.0' } }, stack.triggers);
    const second = await triggerManually({ application: 'e2e', pipeline: 'build', user: 'bob', parameters: { version: '1.1' } }, stack.triggers);
    expect([first.status, second.status]).toEqual(['started', 'waiting']);
    await expect(triggerManually({ application: 'e2e', pipeline: 'build', user: 'carol' }, stack.triggers)).rejects.toThrow(/parameters\.version: required/);

    await stack.launcher.idle();
    expect(stack.launcher.errors).toEqual([]);
    const a = await stack.triggers.store.load(first.executionId);
    const b = await stack.triggers.store.load(second.executionId);
    expect([a.status, b.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(b.startTime).toBeGreaterThanOrEqual(a.endTime!);
    expect(b.parameters).toEqual({ version: '1.1' });

    const downstream = await stack.triggers.store.list({ application: 'e2e', pipelineName: 'deploy' });
    expect(downstream).toHaveLength(2);
    expect(downstream.every((e) => e.status === 'SUCCEEDED')).toBe(true);
    const parents = downstream.map((e) => (e.trigger.parentExecution as { id: string }).id).sort();
    expect(parents).toEqual([first.executionId, second.executionId].sort());
    const vars = (await stack.triggers.store.load(downstream[0]!.id)).stages[0]!.outputs;
    expect(parents).toContain(vars.from);
  });
});
