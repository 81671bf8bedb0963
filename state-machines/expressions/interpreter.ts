import type { BinaryNode, BinaryOperator, Node, UnaryNode } from './ast.js';
import { fail, locate } from './errors.js';
import type { FunctionEnvironment } from './functions.js';
import { callFunction } from './functions.js';
import type { Budget } from './limits.js';
import { MAX_STRING_LENGTH } from './limits.js';
import { callMethod } from './methods.js';
import { compileUserPattern } from './regex.js';
import type { Scope } from './scope.js';
import type { PlainMap } from './values.js';
import { asBoolean, compare, deepEqual, describe, readIndex, readProperty, toConcatText } from './values.js';

/** Operators that take two numbers and give a number; `+` also joins strings. */
const ARITHMETIC: ReadonlySet<BinaryOperator> = new Set(['-', '*', '/', '%', '^']);

/**
 * Returned by a `?.` link whose object is null: the rest of the chain is skipped and the whole
 * chain is null, so `a?.b.c` is null when `a` is.
 */
const SKIP_CHAIN: unique symbol = Symbol('skip-chain');

/** Evaluates a parsed expression. Failures are ExpressionFaults located at the innermost node. */
export function interpret(node: Node, scope: Scope, env: FunctionEnvironment, budget: Budget): unknown {
  return new Interpreter(scope, env, budget).evaluate(node);
}

class Interpreter {
  constructor(
    private readonly scope: Scope,
    private readonly env: FunctionEnvironment,
    private readonly budget: Budget,
  ) {}

  evaluate(node: Node): unknown {
    const value = this.link(node);
    return value === SKIP_CHAIN ? null : value;
  }

  /** Evaluates a node, possibly to SKIP_CHAIN, and locates any failure without a position. */
  private link(node: Node): unknown {
    this.budget.spend();
    try {
      return this.dispatch(node);
    } catch (error) {
      throw locate(error, node.offset);
    }
  }

  /** Evaluates an operand that must be a boolean, blaming the operand if it is not. */
  private condition(node: Node, role: string): boolean {
    const value = this.evaluate(node);
    try {
      return asBoolean(value, role);
    } catch (error) {
      throw locate(error, node.offset);
    }
  }

  /** Evaluates an operand that must be a number, blaming the operand if it is not. */
  private numeric(node: Node, operator: string): number {
    const value = this.evaluate(node);
    if (typeof value === 'number') return value;
    return fail(`operator '${operator}' needs numbers, got ${describe(value)}`, node.offset);
  }

  private dispatch(node: Node): unknown {
    switch (node.kind) {
      case 'literal':
        return node.value;
      case 'identifier':
        return this.scope.resolve(node.name);
      case 'property': {
        const object = this.receiver(node.object, node.safe, `read property '${node.name}' of`);
        return object === SKIP_CHAIN ? object : readProperty(object, node.name);
      }
      case 'index': {
        const object = this.receiver(node.object, node.safe, 'index');
        return object === SKIP_CHAIN ? object : readIndex(object, this.evaluate(node.index));
      }
      case 'method': {
        const object = this.receiver(node.object, node.safe, `call method '${node.name}' on`);
        if (object === SKIP_CHAIN) return object;
        return callMethod(
          object,
          node.name,
          node.args.map((arg) => this.evaluate(arg)),
          this.budget,
        );
      }
      case 'function':
        return callFunction(
          node.name,
          node.args.map((arg) => this.evaluate(arg)),
          this.env,
          this.budget,
        );
      case 'unary':
        return this.unary(node);
      case 'binary':
        return this.binary(node);
      case 'conditional':
        return this.condition(node.test, "the condition of '?'") ? this.evaluate(node.consequent) : this.evaluate(node.alternate);
      case 'elvis': {
        const value = this.evaluate(node.value);
        return value === null || value === '' ? this.evaluate(node.fallback) : value;
      }
      case 'list':
        return node.elements.map((element) => this.evaluate(element));
      case 'map': {
        const map: PlainMap = {};
        for (const { key, value } of node.entries) {
          // defineProperty, not assignment: a key can never reach a setter or the prototype.
          Object.defineProperty(map, key, { value: this.evaluate(value), enumerable: true, writable: true, configurable: true });
        }
        return map;
      }
    }
  }

  /** The object of a chain link; null stops a safe link and is an error otherwise. */
  private receiver(object: Node, safe: boolean, action: string): unknown {
    const value = this.link(object);
    if (value === SKIP_CHAIN) return value;
    if (value === null || value === undefined) {
      if (safe) return SKIP_CHAIN;
      fail(`cannot ${action} null (use '?.' to allow null)`);
    }
    return value;
  }

  private unary(node: UnaryNode): unknown {
    if (node.operator === '!') return !this.condition(node.operand, "operator '!'");
    const number = this.numeric(node.operand, node.operator);
    return node.operator === '-' ? -number : number;
  }

  private binary(node: BinaryNode): unknown {
    const { operator } = node;
    // The logical operators evaluate their right side only when needed.
    if (operator === '&&') {
      return this.condition(node.left, "operator 'and'") && this.condition(node.right, "operator 'and'");
    }
    if (operator === '||') {
      return this.condition(node.left, "operator 'or'") || this.condition(node.right, "operator 'or'");
    }
    if (ARITHMETIC.has(operator)) {
      return this.arithmetic(operator, this.numeric(node.left, operator), this.numeric(node.right, operator));
    }
    const left = this.evaluate(node.left);
    const right = this.evaluate(node.right);
    switch (operator) {
      case '==':
        return deepEqual(left, right, this.budget);
      case '!=':
        return !deepEqual(left, right, this.budget);
      case '<':
        return compare(left, right) < 0;
      case '>':
        return compare(left, right) > 0;
      case '<=':
        return compare(left, right) <= 0;
      case '>=':
        return compare(left, right) >= 0;
      case 'matches':
        return this.matches(left, right);
      case '+':
        return this.plus(left, right);
      default:
        return fail(`unknown operator '${operator}'`);
    }
  }

  /** Numbers add; if either side is a string, both are joined as text. */
  private plus(left: unknown, right: unknown): unknown {
    if (typeof left === 'number' && typeof right === 'number') return finite(left + right);
    if (typeof left === 'string' || typeof right === 'string') {
      const a = toConcatText(left, this.budget.output);
      const b = toConcatText(right, this.budget.output);
      // Sized before it is made: the string cap, then the pass's text budget.
      if (a.length + b.length > MAX_STRING_LENGTH) fail(`string is longer than ${MAX_STRING_LENGTH} characters`);
      this.budget.produce(a.length + b.length);
      return a + b;
    }
    return fail(`operator '+' cannot be applied to ${describe(left)} and ${describe(right)}`);
  }

  private arithmetic(operator: BinaryOperator, left: number, right: number): number {
    switch (operator) {
      case '-':
        return finite(left - right);
      case '*':
        return finite(left * right);
      case '/':
        if (right === 0) fail('division by zero');
        return finite(left / right);
      case '%':
        if (right === 0) fail('division by zero');
        return finite(left % right);
      case '^':
        return finite(left ** right);
      default:
        return fail(`unknown operator '${operator}'`);
    }
  }

  private matches(text: unknown, pattern: unknown): boolean {
    if (typeof text !== 'string') fail(`operator 'matches' needs a string on its left, got ${describe(text)}`);
    if (typeof pattern !== 'string') fail(`operator 'matches' needs a pattern string on its right, got ${describe(pattern)}`);
    return compileUserPattern(pattern).matchesWhole(text);
  }
}

function finite(value: number): number {
  if (!Number.isFinite(value)) fail('arithmetic result is not a finite number');
  return value;
}
