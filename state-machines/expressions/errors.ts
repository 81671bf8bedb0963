import { GennakerError } from '../errors.js';

/** Longest piece of an expression quoted in an error message. */
const QUOTE_LIMIT = 120;

/**
 * A `${...}` expression that could not be parsed or evaluated. The message says what went wrong
 * and where: "unexpected token ')' at column 12 in ${a + )}".
 */
export class ExpressionError extends GennakerError {
  override readonly name = 'ExpressionError';
  override readonly kind = 'input';
  /** The expression as written, `${` and `}` included. */
  readonly expression: string;
  /** What went wrong, without the location. */
  readonly reason: string;
  /** 1-based column within `expression`, when known. */
  readonly column: number | undefined;

  constructor(reason: string, expression: string, column?: number, options?: ErrorOptions) {
    const where = column === undefined ? '' : ` at column ${column}`;
    super(`${reason}${where} in ${quote(expression)}`, options);
    this.expression = expression;
    this.reason = reason;
    this.column = column;
  }
}

/**
 * Internal failure raised while lexing, parsing or evaluating an expression body. It carries the
 * offset in the body where it happened; the caller, which knows the whole `${...}` text, turns it
 * into an {@link ExpressionError}.
 */
export class ExpressionFault extends GennakerError {
  override readonly name = 'ExpressionFault';
  override readonly kind = 'input';
  readonly reason: string;
  /** 0-based offset in the expression body, filled in by the innermost node that knows it. */
  offset: number | undefined;

  constructor(reason: string, offset?: number) {
    super(reason);
    this.reason = reason;
    this.offset = offset;
  }
}

/** Shorthand for raising an {@link ExpressionFault}. */
export function fail(reason: string, offset?: number): never {
  throw new ExpressionFault(reason, offset);
}

/** Gives a fault without a location the offset of the node being evaluated. */
export function locate(error: unknown, offset: number): unknown {
  if (error instanceof ExpressionFault && error.offset === undefined) error.offset = offset;
  return error;
}

/** "1 argument", "0 to 2 arguments": for arity messages. */
export function describeArity(min: number, max: number): string {
  const count = min === max ? `${min}` : `${min} to ${max}`;
  return `${count} argument${max === 1 ? '' : 's'}`;
}

function quote(expression: string): string {
  return expression.length <= QUOTE_LIMIT ? expression : `${expression.slice(0, QUOTE_LIMIT)}…`;
}
