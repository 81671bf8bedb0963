import { parsePart, toExpressionError, unterminatedError } from './expression.js';
import { hasExpression, splitTemplate } from './template.js';
import type { ExpressionProblem } from './types.js';
import { visitStrings } from './walk.js';

/**
 * Parses every `${...}` in every string of `value` and reports those that cannot be parsed, each
 * with the JSON path of its string. Never throws.
 */
export function findExpressionProblems(value: unknown, path: string): ExpressionProblem[] {
  const problems: ExpressionProblem[] = [];
  try {
    visitStrings(
      value,
      path,
      (text, at) => {
        if (!hasExpression(text)) return;
        for (const part of splitTemplate(text)) {
          if (part.kind === 'unterminated') problems.push({ path: at, message: unterminatedError(part).message });
          if (part.kind !== 'expression') continue;
          try {
            parsePart(part);
          } catch (error) {
            problems.push({ path: at, message: toExpressionError(error, part.source).message });
          }
        }
      },
      (at) => problems.push({ path: at, message: 'value is nested too deeply to check for expressions' }),
    );
  } catch (error) {
    problems.push({ path, message: `internal error: ${error instanceof Error ? error.message : String(error)}` });
  }
  return problems;
}
