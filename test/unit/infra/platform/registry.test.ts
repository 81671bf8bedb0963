import { describe, expect, it } from 'vitest';
import { PipelineRegistry } from '../../../../infra/platform/registry.js';
import { type Pipeline, validatePipeline } from '../../../../state-machines/index.js';

function pipeline(name: string, stages: Array<Record<string, unknown>> = [{ refId: '1', type: 'wait', waitTime: 1 }]): Pipeline {
  const result = validatePipeline({ application: 'shop', name, parameterConfig: [{ name: 'target' }], stages });
  if (!result.pipeline) throw new Error(JSON.stringify(result.errors));
  return result.pipeline;
}
const register = (registry: PipelineRegistry, p: Pipeline) =>
  registry.register({ pipeline: p, stateMachineName: `sm-${p.name}`, stateMachineArn: `arn:sm-${p.name}` });

describe('PipelineRegistry', () => {
  it('grants a child to the child audience whichever registers first', () => {
    for (const order of [
      ['parent', 'child'],
      ['child', 'parent'],
    ]) {
      // GIVEN
      const registry = new PipelineRegistry();
      const granted: string[] = [];
      registry.onStartable('children', (arn) => granted.push(arn));
      const parent = pipeline('parent', [{ refId: '1', type: 'pipeline', pipeline: 'child' }]);
      const byName = { parent, child: pipeline('child') };
      // WHEN
      for (const name of order) register(registry, byName[name as keyof typeof byName]);
      // THEN
      expect(granted).toEqual(['arn:sm-child']);
      expect(registry.stateMachineMap('children')).toEqual({ 'shop/child': 'arn:sm-child' });
      expect(registry.problems()).toEqual([]);
    }
  });

  it('gives triggers every pipeline under every lookup key', () => {
    const registry = new PipelineRegistry();
    register(registry, pipeline('a'));
    const granted: string[] = [];
    registry.onStartable('all', (arn) => granted.push(arn));
    register(registry, pipeline('b'));
    expect(granted).toEqual(['arn:sm-a', 'arn:sm-b']);
    expect(Object.keys(registry.stateMachineMap('all'))).toEqual(['shop/a', 'shop/b', 'shop/shop-a', 'shop/shop-b']);
  });

  it('lets an expression child start any pipeline of its application', () => {
    const registry = new PipelineRegistry();
    register(registry, pipeline('parent', [{ refId: '1', type: 'pipeline', pipeline: '${parameters.target}' }]));
    register(registry, pipeline('x'));
    expect(Object.values(registry.stateMachineMap('children'))).toContain('arn:sm-x');
  });

  it('reports a child no pipeline of the platform provides', () => {
    const registry = new PipelineRegistry();
    register(registry, pipeline('parent', [{ refId: '1', type: 'pipeline', name: 'Go', pipeline: 'nowhere' }]));
    expect(registry.problems()).toEqual(["shop/parent stage 'Go' starts pipeline 'shop/nowhere', which no Pipeline on this platform deploys"]);
  });

  it('refuses two pipelines with one state machine name', () => {
    const registry = new PipelineRegistry();
    register(registry, pipeline('a'));
    expect(() => register(registry, pipeline('a'))).toThrow(/both map to the state machine name 'sm-a'/);
  });
});
