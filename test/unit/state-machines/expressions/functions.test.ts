import { describe, expect, it } from 'vitest';
import { evaluateStrict } from '../../../../state-machines/expressions/index.js';
import { sampleContext, stage } from './context.js';

const ctx = sampleContext();
const evaluate = (text: string): unknown => evaluateStrict(text, ctx);

describe('stage helpers', () => {
  it('GIVEN a stage name WHEN #stage is called THEN it is that stage', () => {
    expect(evaluate("${#stage('Bake').outputs.imageId}")).toBe('ami-123');
    expect(evaluate("${#stage('Deploy').status}")).toBe('RUNNING');
    expect(evaluate("${#stage('Bake')}")).toMatchObject({ refId: '1', name: 'Bake', type: 'bake' });
  });

  it('GIVEN an unknown stage name WHEN #stage is called THEN it fails naming it', () => {
    expect(() => evaluate("${#stage('Nope')}")).toThrow("no stage named 'Nope' at column 3");
  });

  it('GIVEN a refId WHEN #stageByRefId is called THEN it is that stage; numbers are accepted', () => {
    expect(evaluate("${#stageByRefId('2').name}")).toBe('Approve');
    expect(evaluate('${#stageByRefId(4).name}')).toBe('Smoke test');
    expect(() => evaluate("${#stageByRefId('99')}")).toThrow("no stage with refId '99'");
  });

  it('GIVEN a name or refId WHEN #stageExists is called THEN it says whether the stage exists', () => {
    expect(evaluate("${#stageExists('Bake')}")).toBe(true);
    expect(evaluate("${#stageExists('3')}")).toBe(true);
    expect(evaluate("${#stageExists('Nope')}")).toBe(false);
  });

  it('GIVEN a manual judgment WHEN #judgment or #judgement is called THEN it is the chosen input', () => {
    expect(evaluate("${#judgment('Approve')}")).toBe('ship it');
    expect(evaluate("${#judgement('Approve') == 'ship it'}")).toBe(true);
  });

  it('GIVEN a judgment without input yet WHEN #judgment is called THEN it is null', () => {
    const pending = sampleContext({ stages: [stage({ refId: '1', name: 'Gate', type: 'manualJudgment' })] });
    expect(evaluateStrict("${#judgment('Gate')}", pending)).toBeNull();
  });

  it('GIVEN a stage that is not a manual judgment WHEN #judgment is called THEN it fails', () => {
    expect(() => evaluate("${#judgment('Bake')}")).toThrow("no manual judgment stage named 'Bake'");
  });

  it('GIVEN a current stage WHEN #currentStage is called THEN it is that stage', () => {
    expect(evaluate('${#currentStage().name}')).toBe('Deploy');
    expect(evaluate('${#currentStage().context.account}')).toBe('prod-account');
  });

  it('GIVEN no current stage WHEN #currentStage is called THEN it fails clearly', () => {
    const { currentStageRefId: _ignored, ...noCurrent } = ctx;
    expect(() => evaluateStrict('${#currentStage()}', noCurrent)).toThrow('#currentStage() is only available while evaluating a stage');
  });
});

describe('conversion helpers', () => {
  it.each<[string, unknown]>([
    ["${#toJson({'a': 1, 'b': {true, null}})}", '{"a":1,"b":[true,null]}'],
    ["${#toJson('x')}", '"x"'],
    ['${#toJson(null)}', 'null'],
    ['${#readJson(\'{"a": [1, 2]}\').a[1]}', 2],
    ["${#readJson('[]')}", []],
    ["${#toInt(parameters.env == 'prod' ? '3' : '1') + 1}", 4],
    ["${#toInt('-12')}", -12],
    ['${#toInt(7)}', 7],
    ['${#toInt(trigger.parameters.replicas) * 2}', 6],
    ["${#toFloat('2.5') * 2}", 5],
    ["${#toFloat('1e2')}", 100],
    ['${#toFloat(3)}', 3],
    ["${#toBoolean('true')}", true],
    ["${#toBoolean('FALSE')}", false],
    ['${#toBoolean(true)}', true],
    ["${#alphanumerical('my-app_v1.2!')}", 'myappv12'],
  ])('GIVEN %s WHEN evaluated THEN it is %j', (text, expected) => {
    expect(evaluate(text)).toEqual(expected);
  });

  it.each<[string, string]>([
    ["${#readJson('{oops')}", '#readJson() was given invalid JSON'],
    ['${#readJson(1)}', '#readJson() needs a string, got number 1'],
    ["${#toInt('3.5')}", "#toInt() cannot convert string '3.5' to an integer"],
    ["${#toInt('')}", '#toInt() cannot convert'],
    ['${#toInt(2.5)}', '#toInt() cannot convert number 2.5 to an integer'],
    ["${#toFloat('abc')}", "#toFloat() cannot convert string 'abc' to a number"],
    ["${#toBoolean('yes')}", "#toBoolean() expects 'true' or 'false', got string 'yes'"],
    ['${#alphanumerical(null)}', '#alphanumerical() needs a string, got null'],
    ['${#toJson()}', '#toJson() takes 1 argument, got 0 at column 3'],
    ["${#currentStage('x')}", '#currentStage() takes 0 arguments, got 1'],
  ])('GIVEN %s WHEN evaluated THEN it fails with %j', (text, message) => {
    expect(() => evaluate(text)).toThrow(message);
  });

  it('GIVEN an unknown helper WHEN parsed THEN it is refused, listing the supported ones', () => {
    expect(() => evaluate("${#cfServiceKey('db')}")).toThrow(
      "unknown function '#cfServiceKey' (supported: #alphanumerical, #currentStage, #judgement, #judgment, #readJson, " +
        '#stage, #stageByRefId, #stageExists, #toBoolean, #toFloat, #toInt, #toJson) at column 3',
    );
    expect(() => evaluate("${#fromUrl('http://x')}")).toThrow("unknown function '#fromUrl'");
  });

  it('GIVEN #root or #this WHEN parsed THEN variables are refused clearly', () => {
    expect(() => evaluate('${#root}')).toThrow("variable '#root' is not supported");
    expect(() => evaluate('${#this.x}')).toThrow("variable '#this' is not supported");
  });

  it('GIVEN a function called without # WHEN parsed THEN the message says to use #', () => {
    expect(() => evaluate('${toJson(1)}')).toThrow("unknown function 'toJson()': helper functions start with '#'");
  });
});
