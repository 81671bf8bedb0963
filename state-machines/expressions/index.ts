/**
 * Spinnaker's `${...}` expression language: the subset of SpEL that pipeline authors write,
 * parsed and interpreted here without eval and without ever reaching JavaScript prototypes.
 *
 * Pipeline: template.ts splits strings into text and `${...}` parts; lexer.ts and parser.ts turn
 * a part into the tree of ast.ts; interpreter.ts evaluates it against scope.ts (top-level names),
 * functions.ts (`#helpers`) and methods.ts (whitelisted methods); values.ts holds the value rules
 * (own-property reads, equality, text). Limits live in limits.ts.
 *
 * Where it differs from Spring's SpEL: `/` always divides exactly (7 / 2 is 3.5); `?.` skips the
 * rest of its chain; `#toBoolean` refuses anything but 'true' and 'false'.
 */
export { ExpressionError } from './errors.js';
export type { EvaluationContext, StageView } from './types.js';
export { findExpressionProblems } from './problems.js';
export { collectReferences } from './references.js';
export { evaluateAll, evaluateStrict } from './evaluate.js';
export { hasExpression } from './template.js';
