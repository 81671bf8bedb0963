/**
 * Expected artifacts on the trigger path (moto's Step Functions and DynamoDB): a manual run's
 * artifacts bind, the next run's usePriorArtifact finds them on the prior execution's record,
 * and a required artifact nothing binds refuses the trigger by name with no execution started.
 */
import { describe, expect, it } from 'vitest';
import { ArtifactResolutionError } from '../../../functions/core/artifacts/resolve.js';
import { triggerManually } from '../../../functions/triggers/manual/manual.js';
import { deployStateMachines, executionInput, pipelineOf, runStartStep, sfnExecutions, triggerDeps, useTriggerAws } from './support.js';

useTriggerAws();

const image = (tag: string) => ({ type: 'docker/image', name: 'registry.example/web', version: tag, reference: `registry.example/web:${tag}` });
const pipeline = pipelineOf({
  application: 'shop',
  name: 'deploy-web',
  limitConcurrent: false,
  expectedArtifacts: [{ id: 'web', displayName: 'web image', matchArtifact: { type: 'docker/image', name: 'registry.example/web' }, usePriorArtifact: true }],
  stages: [{ refId: '1', type: 'wait', name: 'Wait', waitTime: 1 }],
});

describe('expected artifacts on the trigger path', () => {
  it('binds what a manual run passes, records it on the execution, and a later run takes it from the prior execution', async () => {
    const machines = await deployStateMachines([pipeline]);
    const arn = machines[`shop/${pipeline.id}`]!;
    const deps = triggerDeps([pipeline]);
    const first = await triggerManually({ application: 'shop', pipeline: 'deploy-web', user: 'alice', artifacts: [image('1.4.0')] }, deps);
    await runStartStep(arn, first.executionId, pipeline);
    const record = await deps.store.getExecution(first.executionId);
    expect(record!.trigger.artifacts).toEqual([image('1.4.0')]);
    expect(record!.trigger.resolvedExpectedArtifacts).toEqual([{ ...pipeline.expectedArtifacts![0], boundArtifact: image('1.4.0') }]);

    const second = await triggerManually({ application: 'shop', pipeline: 'deploy-web', user: 'bob' }, deps);
    const input = await executionInput(arn, second.executionId);
    expect(input.trigger.resolvedExpectedArtifacts).toEqual([{ ...pipeline.expectedArtifacts![0], boundArtifact: image('1.4.0') }]);
  });

  it('refuses a run whose required artifact nothing binds, naming it, and starts nothing', async () => {
    const machines = await deployStateMachines([pipeline]);
    const deps = triggerDeps([pipeline]);
    const run = triggerManually(
      { application: 'shop', pipeline: 'deploy-web', user: 'alice', artifacts: [{ type: 's3/object', reference: 's3://b/k' }] },
      deps,
    );
    await expect(run).rejects.toThrow(ArtifactResolutionError);
    await expect(run).rejects.toThrow(
      'pipeline shop/deploy-web: unbound expected artifact: \'web image\' (id web) (match: type "docker/image", name "registry.example/web"): no artifact the trigger carried matches it, the prior execution had none that matches',
    );
    expect(await sfnExecutions(machines[`shop/${pipeline.id}`]!)).toEqual([]);
    expect(await deps.store.list({ application: 'shop' })).toEqual([]);
  });
});
