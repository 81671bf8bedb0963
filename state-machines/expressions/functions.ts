import { describeArity, fail } from './errors.js';
import type { Budget } from './limits.js';
import type { EvaluationContext, StageView } from './types.js';
import { describe, isMap, readOwn, toJson } from './values.js';

/** What helper functions can see. */
export interface FunctionEnvironment {
  readonly context: EvaluationContext;
}

interface FunctionSpec {
  readonly minArgs: number;
  readonly maxArgs: number;
  readonly call: (args: readonly unknown[], env: FunctionEnvironment, budget: Budget) => unknown;
}

/** The `#name(...)` helper functions, named as in Spinnaker. */
export const FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map<string, FunctionSpec>([
  ['stage', { minArgs: 1, maxArgs: 1, call: ([name], env) => stageNamed(env, textArg('stage', name)) }],
  ['stageByRefId', { minArgs: 1, maxArgs: 1, call: ([refId], env) => stageWithRefId(env, refIdArg('stageByRefId', refId)) }],
  ['stageExists', { minArgs: 1, maxArgs: 1, call: ([id], env) => stageExists(env, refIdArg('stageExists', id)) }],
  ['judgment', { minArgs: 1, maxArgs: 1, call: ([name], env) => judgment(env, textArg('judgment', name)) }],
  ['judgement', { minArgs: 1, maxArgs: 1, call: ([name], env) => judgment(env, textArg('judgement', name)) }],
  ['currentStage', { minArgs: 0, maxArgs: 0, call: (_args, env) => currentStage(env) }],
  ['toJson', { minArgs: 1, maxArgs: 1, call: ([value], _env, budget) => toJson(value ?? null, budget.output) }],
  ['readJson', { minArgs: 1, maxArgs: 1, call: ([text]) => readJson(textArg('readJson', text)) }],
  ['toInt', { minArgs: 1, maxArgs: 1, call: ([value]) => toInt(value) }],
  ['toFloat', { minArgs: 1, maxArgs: 1, call: ([value]) => toFloat(value) }],
  ['toBoolean', { minArgs: 1, maxArgs: 1, call: ([value]) => toBoolean(value) }],
  ['alphanumerical', { minArgs: 1, maxArgs: 1, call: ([text]) => textArg('alphanumerical', text).replace(/[^A-Za-z0-9]/g, '') }],
]);

/** "#alphanumerical, #currentStage, ...": for messages refusing unknown functions. */
export function describeSupportedFunctions(): string {
  return [...FUNCTIONS.keys()]
    .sort()
    .map((name) => `#${name}`)
    .join(', ');
}

/** Checks the argument count at parse time; undefined when it fits. */
export function checkFunctionArity(name: string, count: number): string | undefined {
  const spec = FUNCTIONS.get(name);
  if (spec === undefined || (count >= spec.minArgs && count <= spec.maxArgs)) return undefined;
  return `#${name}() takes ${describeArity(spec.minArgs, spec.maxArgs)}, got ${count}`;
}

export function callFunction(name: string, args: readonly unknown[], env: FunctionEnvironment, budget: Budget): unknown {
  const spec = FUNCTIONS.get(name);
  if (spec === undefined) return fail(`unknown function '#${name}' (supported: ${describeSupportedFunctions()})`);
  const problem = checkFunctionArity(name, args.length);
  if (problem !== undefined) fail(problem);
  return spec.call(args, env, budget);
}

function stages(env: FunctionEnvironment): readonly StageView[] {
  const all: unknown = env.context.execution.stages;
  return Array.isArray(all) ? (all as StageView[]) : [];
}

function stageNamed(env: FunctionEnvironment, name: string): StageView {
  return stages(env).find((s) => s.name === name) ?? fail(`no stage named '${name}'`);
}

function stageWithRefId(env: FunctionEnvironment, refId: string): StageView {
  return stages(env).find((s) => s.refId === refId) ?? fail(`no stage with refId '${refId}'`);
}

/** Spinnaker's #stageExists accepts a name or a refId. */
function stageExists(env: FunctionEnvironment, nameOrRefId: string): boolean {
  return stages(env).some((s) => s.name === nameOrRefId || s.refId === nameOrRefId);
}

/** The input chosen at a manual judgment stage, or null when none was chosen yet. */
function judgment(env: FunctionEnvironment, name: string): unknown {
  const stage = stages(env).find((s) => s.name === name && s.type === 'manualJudgment');
  if (stage === undefined) return fail(`no manual judgment stage named '${name}'`);
  return isMap(stage.context) ? readOwn(stage.context, 'judgmentInput') : null;
}

function currentStage(env: FunctionEnvironment): StageView {
  const refId = env.context.currentStageRefId;
  if (refId === undefined) return fail('#currentStage() is only available while evaluating a stage');
  return stageWithRefId(env, refId);
}

function readJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    return fail(`#readJson() was given invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Like Java's Integer.valueOf: whole numbers only, written without spaces. */
function toInt(value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^[+-]?\d+$/.test(value)) {
    const parsed = Number(value);
    if (Number.isSafeInteger(parsed)) return parsed;
  }
  return fail(`#toInt() cannot convert ${describe(value)} to an integer`);
}

/** Like Java's Float.valueOf: decimals and exponents, an optional f/d suffix. */
function toFloat(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?\s*$/.test(value)) {
    const parsed = Number(value.trim().replace(/[fFdD]$/, ''));
    if (Number.isFinite(parsed)) return parsed;
  }
  return fail(`#toFloat() cannot convert ${describe(value)} to a number`);
}

/** Booleans, and the strings 'true' and 'false' in any case; anything else is a mistake worth reporting. */
function toBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(?:true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return fail(`#toBoolean() expects 'true' or 'false', got ${describe(value)}`);
}

function textArg(name: string, value: unknown): string {
  if (typeof value !== 'string') fail(`#${name}() needs a string, got ${describe(value)}`);
  return value;
}

/** refIds are strings, but authors often write #stageByRefId(1). */
function refIdArg(name: string, value: unknown): string {
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  return textArg(name, value);
}
