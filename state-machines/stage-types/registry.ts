/**
 * What the compiler and validator know about each stage type: which Lambda family runs it, and how
 * it waits. `task` stages finish in one call; `poll` stages may return RUNNING and are called again
 * after a Wait; `callback` stages pause on a task token until someone (a judge, a webhook) answers.
 */
import type { StageField } from './fields.js';

export type StageFamily = 'flow' | 'cloud' | 'external' | 'canary';
type StageExecution = 'task' | 'poll' | 'callback';

export interface StageTypeInfo {
  readonly type: string;
  readonly family: StageFamily;
  readonly execution: StageExecution;
  readonly description: string;
  /** Fields that must be present, for the validator. */
  readonly required?: readonly string[];
  /**
   * The type's own fields (beyond the fields every stage has): validate warns about a field that is
   * nearly one of them ("waittime ... did you mean waitTime?"); docs/stages.md and the JSON Schema
   * list them with their types and defaults.
   */
  readonly fields: readonly StageField[];
  /** Default timeout when the stage sets no stageTimeoutMs. */
  readonly defaultTimeoutMs?: number;
  /** Checks on the raw stage config (before expressions run): "field: reason" messages. */
  readonly check?: (stage: Readonly<Record<string, unknown>>) => string[];
  /**
   * The family that runs this stage when it depends on the stage's config (a checkPreconditions
   * with a clusterSize check needs the cloud driver); `family` otherwise.
   */
  readonly familyFor?: (stage: Readonly<Record<string, unknown>>) => StageFamily;
  /**
   * A `poll` stage that, for this config, may also wait on its task token (a progressive deploy
   * with a step that waits for a promote): compiled as a callback Task that keeps its poll loop.
   */
  readonly callbackFor?: (stage: Readonly<Record<string, unknown>>) => boolean;
  /** Legacy names Spinnaker still accepts for this type (Deck's `findAmi` for findImage); validate renames them. */
  readonly aliases?: readonly string[];
  /**
   * Other stages the implementation reads at run time (beyond what the stage's expressions name):
   * `upstream` (every stage it depends on, directly or not), stages by name, or `all` when the
   * config does not say which. A stage call reads only these, so a type that looks at other stages
   * must declare it here.
   */
  readonly reads?: (stage: Readonly<Record<string, unknown>>) => StageReads;
}

export type StageReads = 'all' | { readonly upstream?: boolean; readonly stageNames?: readonly string[] };

const registry = new Map<string, StageTypeInfo>();
const aliases = new Map<string, string>();

export function registerStageType(info: StageTypeInfo): void {
  registry.set(info.type, info);
  for (const alias of info.aliases ?? []) aliases.set(alias, info.type);
}

/** The type a stage type name stands for: itself, or the type it is a legacy alias of. */
export function canonicalStageType(type: string): string {
  return registry.has(type) ? type : (aliases.get(type) ?? type);
}

export function stageTypeInfo(type: string): StageTypeInfo | undefined {
  return registry.get(type);
}

/** The family whose Lambda runs this stage (undefined for an unknown type). */
export function stageFamily(type: string, config: Readonly<Record<string, unknown>>): StageFamily | undefined {
  const info = registry.get(type);
  return info && (info.familyFor?.(config) ?? info.family);
}

/** Does this stage wait on a task token (a callback type, or a poll type that may for this config)? */
export function waitsOnCallback(type: string, config: Readonly<Record<string, unknown>>): boolean {
  const info = registry.get(type);
  return info?.execution === 'callback' || info?.callbackFor?.(config) === true;
}

export function supportedStageTypes(): string[] {
  return [...registry.keys()].sort();
}

/** The types whose Lambda is `family`'s (those a `familyFor` may send elsewhere included). */
export function stageTypesOf(family: StageFamily): string[] {
  return supportedStageTypes().filter((type) => registry.get(type)!.family === family);
}
