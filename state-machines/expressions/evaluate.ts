import type { ExpressionError } from './errors.js';
import { evaluatePart, guarded, toExpressionError, unterminatedError } from './expression.js';
import type { FunctionEnvironment } from './functions.js';
import { OutputBudget } from './limits.js';
import { Scope } from './scope.js';
import { splitTemplate } from './template.js';
import type { EvaluationContext } from './types.js';
import { toText } from './values.js';
import { mapStrings } from './walk.js';

export interface EvaluationFailure {
  expression: string;
  message: string;
}

/** One evaluation pass: the scope is merged once and shared by every string. */
class Evaluator {
  private readonly scope: Scope;
  private readonly env: FunctionEnvironment;
  /** Every expression of the pass, and the strings they are spliced into, share one text budget. */
  private readonly output = new OutputBudget();

  constructor(context: EvaluationContext) {
    this.scope = new Scope(context);
    this.env = { context };
  }

  /**
   * A string that is exactly one `${expr}` gives the expression's value as it is; otherwise each
   * expression's text is spliced in. A failing expression is handed to `onError` and, if that
   * returns, stays in place as written.
   */
  evaluateText(text: string, onError: (error: ExpressionError) => void): unknown {
    const parts = splitTemplate(text);
    const [only] = parts;
    if (parts.length === 1 && only?.kind === 'expression') {
      try {
        return evaluatePart(only, this.scope, this.env, this.output);
      } catch (error) {
        onError(toExpressionError(error, only.source));
        return text;
      }
    }
    let result = '';
    for (const part of parts) {
      if (part.kind === 'text') {
        this.output.produce(part.text.length);
        result += part.text;
      } else if (part.kind === 'unterminated') {
        onError(unterminatedError(part));
        result += part.source;
      } else {
        try {
          result += guarded(part.source, () => {
            const piece = toText(evaluatePart(part, this.scope, this.env, this.output), this.output);
            this.output.produce(piece.length);
            return piece;
          });
        } catch (error) {
          onError(toExpressionError(error, part.source));
          result += part.source;
        }
      }
    }
    return result;
  }
}

/**
 * Deep-evaluates every string in `value`. Never throws: failing expressions are left as written
 * and listed in `errors`, as Spinnaker does.
 */
export function evaluateAll(value: unknown, context: EvaluationContext): { value: unknown; errors: EvaluationFailure[] } {
  const errors: EvaluationFailure[] = [];
  const report = (error: ExpressionError): void => {
    errors.push({ expression: error.expression, message: error.message });
  };
  try {
    const evaluator = new Evaluator(context);
    const result = mapStrings(
      value,
      (text) => evaluator.evaluateText(text, report),
      (path) => {
        errors.push({ expression: '', message: `${path}: value is nested too deeply to evaluate` });
      },
    );
    return { value: result, errors };
  } catch (error) {
    // Only a malformed context can get here; report it rather than throw.
    errors.push({ expression: '', message: `internal error: ${error instanceof Error ? error.message : String(error)}` });
    return { value, errors };
  }
}

/** Evaluates one string; throws ExpressionError on any parse or evaluation failure. */
export function evaluateStrict(text: string, context: EvaluationContext): unknown {
  return guarded(text, () =>
    new Evaluator(context).evaluateText(text, (error) => {
      throw error;
    }),
  );
}
