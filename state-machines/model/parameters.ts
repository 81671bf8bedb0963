/** Applies a pipeline's parameterConfig to the parameters a trigger supplied. Pure. */
import { textOf, type Problem } from './problems.js';
import type { ParameterConfig } from './schema.js';

export interface ResolvedParameters {
  readonly parameters: Record<string, unknown>;
  readonly errors: Problem[];
}

export function resolveParameters(config: readonly ParameterConfig[], given: Readonly<Record<string, unknown>> = {}): ResolvedParameters {
  const errors: Problem[] = [];
  const parameters: Record<string, unknown> = { ...given };
  for (const p of config) {
    const supplied = given[p.name];
    const empty = supplied === undefined || supplied === null || supplied === '';
    if (empty && p.default !== undefined && p.default !== null && p.default !== '') parameters[p.name] = p.default;
    const value = parameters[p.name];
    if ((value === undefined || value === null || value === '') && p.required) {
      errors.push({ path: `parameters.${p.name}`, message: 'required parameter has no value' });
      continue;
    }
    if (value === undefined) parameters[p.name] = '';
    if (p.hasOptions && p.options && p.options.length > 0 && value !== undefined && value !== '') {
      const allowed = p.options.map((o) => String(o.value));
      if (!allowed.includes(textOf(value))) {
        errors.push({ path: `parameters.${p.name}`, message: `'${textOf(value)}' is not one of: ${allowed.join(', ')}` });
      }
    }
  }
  return { parameters, errors };
}
