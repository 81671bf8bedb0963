/**
 * Which trigger fields hold user patterns (as Echo reads them), and the rule that refuses a
 * pattern the linear-time engine cannot run, before the pipeline is deployed.
 */
import { userPatternProblem } from '../expressions/regex.js';
import type { Problem } from './problems.js';
import type { TriggerConfig } from './schema.js';

/** Trigger type → fields whose value is one whole-string pattern. */
const PATTERN_FIELDS: Readonly<Record<string, readonly string[]>> = {
  git: ['branch'],
  docker: ['tag'],
  ecr: ['tag'],
  codebuild: ['project'],
};

/** Fields whose value is a map of key → pattern (Echo's constraints). */
const CONSTRAINT_FIELDS: readonly string[] = ['payloadConstraints', 'attributeConstraints'];

export function triggerPatternProblems(triggers: readonly TriggerConfig[]): Problem[] {
  const problems: Problem[] = [];
  triggers.forEach((trigger, i) => {
    const fields = trigger as Record<string, unknown>;
    for (const field of PATTERN_FIELDS[trigger.type] ?? []) {
      const value = fields[field];
      if (typeof value !== 'string' || value.trim() === '') continue;
      const problem = userPatternProblem(value.trim());
      if (problem !== undefined) problems.push({ path: `$.triggers[${i}].${field}`, message: problem });
    }
    for (const field of CONSTRAINT_FIELDS) {
      const map = fields[field];
      if (map === undefined || map === null) continue;
      if (typeof map !== 'object' || Array.isArray(map)) {
        problems.push({ path: `$.triggers[${i}].${field}`, message: 'must be a map of key to pattern' });
        continue;
      }
      for (const [key, pattern] of Object.entries(map)) {
        if (pattern === undefined || pattern === null) continue;
        const problem = userPatternProblem(String(pattern));
        if (problem !== undefined) problems.push({ path: `$.triggers[${i}].${field}.${key}`, message: problem });
      }
    }
  });
  return problems;
}
