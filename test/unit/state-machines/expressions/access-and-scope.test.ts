import { describe, expect, it } from 'vitest';
import { ExpressionError, evaluateStrict } from '../../../../state-machines/expressions/index.js';
import { sampleContext, stage } from './context.js';

const ctx = sampleContext();
const evaluate = (text: string): unknown => evaluateStrict(text, ctx);

describe('property and index access', () => {
  it.each<[string, unknown]>([
    ['${trigger.user}', 'ana'],
    ["${trigger['user']}", 'ana'],
    ['${trigger["type"]}', 'manual'],
    ['${execution.stages[0].name}', 'Bake'],
    ["${execution['stages'][1]['context']['judgmentInput']}", 'ship it'],
    ["${execution.stages['2'].refId}", '3'],
    ['${deploymentDetails[0].imageId}', 'ami-123'],
    ["${'abc'[1]}", 'b'],
    ["${{'7': 'seven'}[7]}", 'seven'],
  ])('GIVEN %s WHEN evaluated THEN it is %j', (text, expected) => {
    expect(evaluate(text)).toEqual(expected);
  });

  it('GIVEN a key missing from a map WHEN read THEN it is null, as for Spinnaker maps', () => {
    expect(evaluate('${trigger.nothing}')).toBeNull();
    expect(evaluate("${trigger['nothing']}")).toBeNull();
  });

  it('GIVEN a null on the way WHEN read without ?. THEN it fails at the step that met null', () => {
    expect(() => evaluate('${trigger.nothing.deeper}')).toThrow(
      "cannot read property 'deeper' of null (use '?.' to allow null) at column 19 in ${trigger.nothing.deeper}",
    );
    expect(() => evaluate('${trigger.nothing[0]}')).toThrow('cannot index null');
    expect(() => evaluate('${trigger.nothing.size()}')).toThrow("cannot call method 'size' on null");
  });

  it('GIVEN safe navigation WHEN a step is null THEN the whole chain is null', () => {
    expect(evaluate('${trigger.nothing?.deeper}')).toBeNull();
    expect(evaluate('${trigger.nothing?.deeper.still.deeper}')).toBeNull();
    expect(evaluate('${trigger.nothing?.[0]}')).toBeNull();
    expect(evaluate('${trigger.nothing?.size()}')).toBeNull();
    expect(evaluate('${trigger?.user}')).toBe('ana');
  });

  it('GIVEN a list index out of bounds WHEN read THEN it fails like Java', () => {
    expect(() => evaluate('${execution.stages[9]}')).toThrow('index 9 is out of bounds for a list of size 4');
    expect(() => evaluate('${execution.stages[-1]}')).toThrow('index -1 is out of bounds');
    expect(() => evaluate("${execution.stages['first']}")).toThrow("a list index must be an integer, got string 'first'");
  });

  it('GIVEN a property on a list or a string WHEN read THEN it fails with a hint', () => {
    expect(() => evaluate('${execution.stages.length}')).toThrow("cannot read property 'length' of a list (use [index] or size())");
    expect(() => evaluate("${'abc'.length}")).toThrow("cannot read property 'length' of a string (use length())");
    expect(() => evaluate('${(1).x}')).toThrow("cannot read property 'x' of a number");
  });
});

describe('top-level names', () => {
  it('GIVEN execution and trigger WHEN named THEN they are the execution and its trigger', () => {
    expect(evaluate('${execution.id}')).toBe('exec-1');
    expect(evaluate('${execution.application}')).toBe('shop');
    expect(evaluate('${trigger.type}')).toBe('manual');
  });

  it('GIVEN parameters on the execution and the trigger WHEN read THEN the execution wins', () => {
    expect(evaluate('${parameters.region}')).toBe('us-east-1');
    expect(evaluate('${parameters.env}')).toBe('prod');
    expect(evaluate("${parameters['canary']}")).toBe(true);
    expect(evaluate('${trigger.parameters.region}')).toBe('eu-west-1');
    expect(evaluate('${parameters.unknown}')).toBeNull();
  });

  it('GIVEN no parameters anywhere WHEN parameters is read THEN it is an empty map', () => {
    const bare = sampleContext({ trigger: {}, parameters: undefined });
    expect(evaluateStrict('${parameters}', bare)).toEqual({});
  });

  it('GIVEN the current stage WHEN one of its context keys is named THEN it resolves', () => {
    expect(evaluate('${account}')).toBe('prod-account');
    expect(evaluate('${capacity.max}')).toBe(4);
  });

  it('GIVEN completed stages WHEN an output key is named THEN it resolves', () => {
    expect(evaluate('${imageId}')).toBe('ami-123');
  });

  it('GIVEN two completed stages with the same output WHEN named THEN the one that ended last wins', () => {
    const later = sampleContext({
      stages: [
        stage({ refId: 'b', name: 'Late', status: 'FAILED_CONTINUE', outputs: { version: 'late' }, endTime: 200 }),
        stage({ refId: 'a', name: 'Early', status: 'SUCCEEDED', outputs: { version: 'early' }, endTime: 100 }),
        stage({ refId: 'c', name: 'Running', status: 'RUNNING', outputs: { version: 'running' }, endTime: 300 }),
      ],
    });
    expect(evaluateStrict('${version}', later)).toBe('late');
  });

  it('GIVEN the current stage context and stage outputs share a key WHEN named THEN the context wins', () => {
    const shadowed = sampleContext({
      stages: [
        stage({ refId: '1', name: 'Bake', status: 'SUCCEEDED', outputs: { account: 'from-output' } }),
        stage({ refId: '3', name: 'Deploy', context: { account: 'from-context' } }),
      ],
    });
    expect(evaluateStrict('${account}', shadowed)).toBe('from-context');
  });

  it('GIVEN outputs of a stage that has not completed WHEN named THEN they are not visible', () => {
    const running = sampleContext({
      stages: [stage({ refId: '1', name: 'Bake', status: 'RUNNING', outputs: { imageId: 'ami-9' } })],
    });
    expect(() => evaluateStrict('${imageId}', running)).toThrow("unknown variable 'imageId'");
  });

  it('GIVEN an unknown name WHEN evaluated THEN it fails naming it', () => {
    expect(() => evaluate('${nope}')).toThrow(ExpressionError);
    expect(() => evaluate('${nope}')).toThrow("unknown variable 'nope' at column 3 in ${nope}");
  });

  it('GIVEN a name the current stage lacks WHEN no stage is current THEN it is unknown', () => {
    const { currentStageRefId: _ignored, ...noCurrent } = ctx;
    expect(() => evaluateStrict('${account}', noCurrent)).toThrow("unknown variable 'account'");
  });
});
