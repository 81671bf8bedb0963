import type { BinaryOperator, MapNode, Node, UnaryOperator } from './ast.js';
import { childrenOf } from './ast.js';
import { fail } from './errors.js';
import { FUNCTIONS, checkFunctionArity, describeSupportedFunctions } from './functions.js';
import type { Token } from './lexer.js';
import { tokenize } from './lexer.js';
import { MAX_NESTING_DEPTH } from './limits.js';
import { METHOD_NAMES, describeAllowedMethods } from './methods.js';
import { checkName } from './values.js';

/** Word forms of operators, case-insensitive as in SpEL. */
const WORD_OPERATORS: ReadonlyMap<string, BinaryOperator> = new Map([
  ['or', '||'],
  ['and', '&&'],
  ['eq', '=='],
  ['ne', '!='],
  ['lt', '<'],
  ['gt', '>'],
  ['le', '<='],
  ['ge', '>='],
  ['div', '/'],
  ['mod', '%'],
  ['matches', 'matches'],
]);

const RELATIONAL: ReadonlySet<string> = new Set(['==', '!=', '<', '>', '<=', '>=', 'matches']);
const UNSUPPORTED_WORDS: ReadonlySet<string> = new Set(['instanceof', 'between']);

/**
 * Parses one expression body (what lies between `${` and `}`) into a tree, following SpEL's
 * precedence: ternary and elvis, or, and, relational, additive, multiplicative, power, unary,
 * then primaries with their `.name`, `?.name`, `[index]` and `.method()` chains.
 * Throws an ExpressionFault carrying the offset of the offending token.
 */
export function parse(body: string): Node {
  return new Parser(tokenize(body)).parseAll();
}

class Parser {
  private position = 0;
  private nesting = 0;
  /** Height of every node built, to refuse trees deeper than the limit. */
  private readonly heights = new WeakMap<Node, number>();

  constructor(private readonly tokens: readonly Token[]) {}

  parseAll(): Node {
    if (this.peek().kind === 'end') fail('empty expression', 0);
    const node = this.expression();
    const rest = this.peek();
    if (rest.kind !== 'end') this.unexpected(rest);
    return node;
  }

  // ---- grammar, lowest precedence first ----

  private expression(): Node {
    return this.nested(this.peek().offset, () => {
      const value = this.logicalOr();
      const token = this.peek();
      if (this.takeSymbol('?')) {
        const consequent = this.expression();
        this.expectSymbol(':');
        const alternate = this.expression();
        return this.build({ kind: 'conditional', offset: token.offset, test: value, consequent, alternate });
      }
      if (this.takeSymbol('?:')) {
        const fallback = this.expression();
        return this.build({ kind: 'elvis', offset: token.offset, value, fallback });
      }
      if (this.isSymbol('=')) fail('assignment is not allowed', token.offset);
      return value;
    });
  }

  private logicalOr(): Node {
    let left = this.logicalAnd();
    for (let token = this.peek(); this.takeSymbol('||') || this.takeWord('or'); token = this.peek()) {
      left = this.binary('||', token, left, this.logicalAnd());
    }
    return left;
  }

  private logicalAnd(): Node {
    let left = this.relational();
    for (let token = this.peek(); this.takeSymbol('&&') || this.takeWord('and'); token = this.peek()) {
      left = this.binary('&&', token, left, this.relational());
    }
    return left;
  }

  /** Relational operators do not chain: `a < b < c` is an error, as in SpEL. */
  private relational(): Node {
    const left = this.additive();
    const token = this.peek();
    if (token.kind === 'identifier' && UNSUPPORTED_WORDS.has(token.text.toLowerCase())) {
      fail(`operator '${token.text}' is not supported`, token.offset);
    }
    const operator = this.operatorAt(token);
    if (operator === undefined || !RELATIONAL.has(operator)) return left;
    this.position++;
    return this.binary(operator, token, left, this.additive());
  }

  private additive(): Node {
    let left = this.multiplicative();
    for (;;) {
      const token = this.peek();
      if (!this.takeSymbol('+') && !this.takeSymbol('-')) return left;
      left = this.binary(token.text as BinaryOperator, token, left, this.multiplicative());
    }
  }

  private multiplicative(): Node {
    let left = this.power();
    for (;;) {
      const token = this.peek();
      const operator = this.operatorAt(token);
      if (operator !== '*' && operator !== '/' && operator !== '%') return left;
      this.position++;
      left = this.binary(operator, token, left, this.power());
    }
  }

  private power(): Node {
    const left = this.unary();
    const token = this.peek();
    return this.takeSymbol('^') ? this.binary('^', token, left, this.unary()) : left;
  }

  private unary(): Node {
    const token = this.peek();
    if (this.isSymbol('++') || this.isSymbol('--')) fail('increment and decrement are not allowed', token.offset);
    let operator: UnaryOperator | undefined;
    if (this.takeSymbol('-')) operator = '-';
    else if (this.takeSymbol('+')) operator = '+';
    else if (this.takeSymbol('!') || this.takeWord('not')) operator = '!';
    if (operator === undefined) return this.postfix();
    const unaryOperator = operator;
    return this.nested(token.offset, () => this.build({ kind: 'unary', offset: token.offset, operator: unaryOperator, operand: this.unary() }));
  }

  /** A primary followed by any number of `.name`, `?.name`, `[index]`, `?.[index]`, `.method(...)`. */
  private postfix(): Node {
    let node = this.primary();
    for (;;) {
      const token = this.peek();
      if (this.takeSymbol('.') || this.takeSymbol('?.')) {
        node = this.member(node, token.text === '?.');
      } else if (this.takeSymbol('[')) {
        node = this.index(node, token, false);
      } else if (token.kind === 'symbol' && ['.?[', '.![', '.^[', '.$['].includes(token.text)) {
        fail(`collection selection and projection ('${token.text}...]') are not supported`, token.offset);
      } else if (this.isSymbol('++') || this.isSymbol('--')) {
        fail('increment and decrement are not allowed', token.offset);
      } else if (this.isSymbol('(')) {
        fail('only whitelisted methods (value.name(...)) and helper functions (#name(...)) can be called', token.offset);
      } else {
        return node;
      }
    }
  }

  private member(object: Node, safe: boolean): Node {
    const bracket = this.peek();
    if (safe && this.takeSymbol('[')) return this.index(object, bracket, true);
    const name = this.next();
    if (name.kind !== 'identifier') fail(`expected a property or method name, found ${this.show(name)}`, name.offset);
    checkName(name.text, name.offset);
    if (!this.isSymbol('(')) return this.build({ kind: 'property', offset: name.offset, object, name: name.text, safe });
    if (!METHOD_NAMES.has(name.text)) {
      fail(`method '${name.text}' is not allowed (allowed: ${describeAllowedMethods()})`, name.offset);
    }
    const args = this.arguments();
    return this.build({ kind: 'method', offset: name.offset, object, name: name.text, args, safe });
  }

  private index(object: Node, bracket: Token, safe: boolean): Node {
    const index = this.expression();
    if (index.kind === 'literal' && typeof index.value === 'string') checkName(index.value, index.offset);
    this.expectSymbol(']');
    return this.build({ kind: 'index', offset: bracket.offset, object, index, safe });
  }

  private primary(): Node {
    const token = this.next();
    switch (token.kind) {
      case 'number':
      case 'string':
        return this.build({ kind: 'literal', offset: token.offset, value: token.value ?? null });
      case 'identifier':
        return this.identifier(token);
      case 'end':
        return this.unexpected(token);
      case 'symbol':
        break;
    }
    switch (token.text) {
      case '(': {
        const inner = this.expression();
        this.expectSymbol(')');
        return inner;
      }
      case '#':
        return this.functionCall(token);
      case '{':
        return this.nested(token.offset, () => this.inlineCollection(token));
      case '@':
      case '&':
        return fail('bean references are not allowed', token.offset);
      default:
        return this.unexpected(token);
    }
  }

  private identifier(token: Token): Node {
    const lower = token.text.toLowerCase();
    if (lower === 'true' || lower === 'false') return this.build({ kind: 'literal', offset: token.offset, value: lower === 'true' });
    if (lower === 'null') return this.build({ kind: 'literal', offset: token.offset, value: null });
    if (token.text === 'T' && this.isSymbol('(')) fail('type references are not allowed', token.offset);
    if (lower === 'new') fail("'new' is not allowed: expressions cannot construct objects", token.offset);
    if (this.isSymbol('(')) {
      fail(`unknown function '${token.text}()': helper functions start with '#' (supported: ${describeSupportedFunctions()})`, token.offset);
    }
    checkName(token.text, token.offset);
    return this.build({ kind: 'identifier', offset: token.offset, name: token.text });
  }

  private functionCall(hash: Token): Node {
    const name = this.next();
    if (name.kind !== 'identifier') fail(`expected a function name after '#', found ${this.show(name)}`, name.offset);
    if (!this.isSymbol('(')) {
      fail(`variable '#${name.text}' is not supported; only helper functions such as #stage('name') may follow '#'`, hash.offset);
    }
    if (!FUNCTIONS.has(name.text)) {
      fail(`unknown function '#${name.text}' (supported: ${describeSupportedFunctions()})`, hash.offset);
    }
    const args = this.arguments();
    const problem = checkFunctionArity(name.text, args.length);
    if (problem !== undefined) fail(problem, hash.offset);
    return this.build({ kind: 'function', offset: hash.offset, name: name.text, args });
  }

  /** `{}` and `{a, b}` are lists; `{:}` and `{key: value, ...}` are maps. */
  private inlineCollection(brace: Token): Node {
    if (this.takeSymbol('}')) return this.build({ kind: 'list', offset: brace.offset, elements: [] });
    if (this.isSymbol(':') && this.peek(1).text === '}' && this.peek(1).kind === 'symbol') {
      this.position += 2;
      return this.build({ kind: 'map', offset: brace.offset, entries: [] });
    }
    const first = this.expression();
    if (!this.takeSymbol(':')) {
      const elements = [first];
      while (this.takeSymbol(',')) elements.push(this.expression());
      this.expectSymbol('}');
      return this.build({ kind: 'list', offset: brace.offset, elements });
    }
    const entries: Array<MapNode['entries'][number]> = [{ key: this.mapKey(first), value: this.expression() }];
    while (this.takeSymbol(',')) {
      const key = this.mapKey(this.expression());
      this.expectSymbol(':');
      entries.push({ key, value: this.expression() });
    }
    this.expectSymbol('}');
    return this.build({ kind: 'map', offset: brace.offset, entries });
  }

  private mapKey(node: Node): string {
    let key: string | undefined;
    if (node.kind === 'identifier') key = node.name;
    else if (node.kind === 'literal' && node.value !== null) key = String(node.value);
    if (key === undefined) return fail('a map key must be a name or a literal', node.offset);
    checkName(key, node.offset);
    return key;
  }

  private arguments(): Node[] {
    this.expectSymbol('(');
    const args: Node[] = [];
    if (this.takeSymbol(')')) return args;
    do args.push(this.expression());
    while (this.takeSymbol(','));
    this.expectSymbol(')');
    return args;
  }

  // ---- helpers ----

  private binary(operator: BinaryOperator, token: Token, left: Node, right: Node): Node {
    return this.build({ kind: 'binary', offset: token.offset, operator, left, right });
  }

  /** The operator a token stands for, in symbol or word form. */
  private operatorAt(token: Token): BinaryOperator | undefined {
    if (token.kind === 'identifier') return WORD_OPERATORS.get(token.text.toLowerCase());
    if (token.kind !== 'symbol') return undefined;
    return ['==', '!=', '<', '>', '<=', '>=', '*', '/', '%'].includes(token.text) ? (token.text as BinaryOperator) : undefined;
  }

  /** Records the node's height and refuses trees deeper than the limit. */
  private build<T extends Node>(node: T): T {
    const height = 1 + Math.max(0, ...childrenOf(node).map((child) => this.heights.get(child) ?? 1));
    if (height > MAX_NESTING_DEPTH) this.tooDeep(node.offset);
    this.heights.set(node, height);
    return node;
  }

  /** Guards the parser's own recursion (parentheses, arguments, unary chains). */
  private nested<T>(offset: number, parse: () => T): T {
    if (++this.nesting > MAX_NESTING_DEPTH) this.tooDeep(offset);
    try {
      return parse();
    } finally {
      this.nesting--;
    }
  }

  private tooDeep(offset: number): never {
    return fail(`expression is nested too deeply (at most ${MAX_NESTING_DEPTH} levels)`, offset);
  }

  private peek(ahead = 0): Token {
    const token = this.tokens[Math.min(this.position + ahead, this.tokens.length - 1)];
    if (token === undefined) throw new Error('the lexer always ends with an end token');
    return token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.position++;
    return token;
  }

  private isSymbol(text: string): boolean {
    const token = this.peek();
    return token.kind === 'symbol' && token.text === text;
  }

  private takeSymbol(text: string): boolean {
    if (!this.isSymbol(text)) return false;
    this.position++;
    return true;
  }

  private takeWord(word: string): boolean {
    const token = this.peek();
    if (token.kind !== 'identifier' || token.text.toLowerCase() !== word) return false;
    this.position++;
    return true;
  }

  private expectSymbol(text: string): void {
    if (!this.takeSymbol(text)) {
      const token = this.peek();
      fail(`expected '${text}' but found ${this.show(token)}`, token.offset);
    }
  }

  private unexpected(token: Token): never {
    return fail(token.kind === 'end' ? 'unexpected end of expression' : `unexpected token '${token.text}'`, token.offset);
  }

  private show(token: Token): string {
    return token.kind === 'end' ? 'the end of the expression' : `'${token.text}'`;
  }
}
