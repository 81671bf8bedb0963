import type { Node } from './ast.js';
import { ExpressionError, ExpressionFault } from './errors.js';
import type { FunctionEnvironment } from './functions.js';
import { interpret } from './interpreter.js';
import { Budget, MAX_EVALUATION_STEPS, MAX_EXPRESSION_LENGTH, type OutputBudget } from './limits.js';
import { parse } from './parser.js';
import type { Scope } from './scope.js';
import type { ExpressionPart, UnterminatedPart } from './template.js';

/** Columns count from the `$` of `${`, so body offset 0 is column 3. */
const BODY_COLUMN = 3;

/** Parses one `${...}`; throws only ExpressionError. */
export function parsePart(part: ExpressionPart): Node {
  if (part.body.length > MAX_EXPRESSION_LENGTH) {
    throw new ExpressionError(`expression is longer than ${MAX_EXPRESSION_LENGTH} characters`, part.source);
  }
  return guarded(part.source, () => parse(part.body));
}

/** Parses and evaluates one `${...}` (its own steps, the pass's text budget); throws only ExpressionError. */
export function evaluatePart(part: ExpressionPart, scope: Scope, env: FunctionEnvironment, output: OutputBudget): unknown {
  const node = parsePart(part);
  return guarded(part.source, () => interpret(node, scope, env, new Budget(MAX_EVALUATION_STEPS, output)));
}

/** Runs a step that may fail with a fault, turning every failure into an ExpressionError. */
export function guarded<T>(source: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    throw toExpressionError(error, source);
  }
}

export function unterminatedError(part: UnterminatedPart): ExpressionError {
  return new ExpressionError(`missing closing '}' for the expression at column ${part.column}`, part.source);
}

/**
 * The last line of defence: whatever went wrong becomes an ExpressionError, so callers never see a
 * TypeError or a RangeError from an expression.
 */
export function toExpressionError(error: unknown, source: string): ExpressionError {
  if (error instanceof ExpressionError) return error;
  if (error instanceof ExpressionFault) {
    const column = error.offset === undefined ? undefined : error.offset + BODY_COLUMN;
    return new ExpressionError(error.reason, source, column);
  }
  if (error instanceof RangeError) {
    return new ExpressionError('expression is too complex to evaluate', source, undefined, { cause: error });
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new ExpressionError(`internal error: ${detail}`, source, undefined, { cause: error });
}
