/** The parsed form of one expression body. Every node records its 0-based offset in the body. */
export type Node =
  | LiteralNode
  | IdentifierNode
  | PropertyNode
  | IndexNode
  | MethodCallNode
  | FunctionCallNode
  | UnaryNode
  | BinaryNode
  | ConditionalNode
  | ElvisNode
  | ListNode
  | MapNode;

/** A string, number, boolean or null written in the expression. */
interface LiteralNode {
  readonly kind: 'literal';
  readonly offset: number;
  readonly value: string | number | boolean | null;
}

/** A top-level name: `execution`, `trigger`, `parameters`, or a context/output key. */
interface IdentifierNode {
  readonly kind: 'identifier';
  readonly offset: number;
  readonly name: string;
}

/** `object.name`, or `object?.name` when `safe`. */
interface PropertyNode {
  readonly kind: 'property';
  readonly offset: number;
  readonly object: Node;
  readonly name: string;
  readonly safe: boolean;
}

/** `object[index]`, or `object?.[index]` when `safe`. */
interface IndexNode {
  readonly kind: 'index';
  readonly offset: number;
  readonly object: Node;
  readonly index: Node;
  readonly safe: boolean;
}

/** `object.name(args)`: only whitelisted methods are ever called. */
interface MethodCallNode {
  readonly kind: 'method';
  readonly offset: number;
  readonly object: Node;
  readonly name: string;
  readonly args: readonly Node[];
  readonly safe: boolean;
}

/** `#name(args)`: one of the helper functions. */
interface FunctionCallNode {
  readonly kind: 'function';
  readonly offset: number;
  readonly name: string;
  readonly args: readonly Node[];
}

export type UnaryOperator = '-' | '+' | '!';

export interface UnaryNode {
  readonly kind: 'unary';
  readonly offset: number;
  readonly operator: UnaryOperator;
  readonly operand: Node;
}

/** Operators in their symbolic form: the parser maps `and`, `eq`, `div`... onto these. */
export type BinaryOperator = '||' | '&&' | '==' | '!=' | '<' | '>' | '<=' | '>=' | 'matches' | '+' | '-' | '*' | '/' | '%' | '^';

export interface BinaryNode {
  readonly kind: 'binary';
  readonly offset: number;
  readonly operator: BinaryOperator;
  readonly left: Node;
  readonly right: Node;
}

/** `test ? consequent : alternate` */
interface ConditionalNode {
  readonly kind: 'conditional';
  readonly offset: number;
  readonly test: Node;
  readonly consequent: Node;
  readonly alternate: Node;
}

/** `value ?: fallback`: the fallback when value is null or an empty string. */
interface ElvisNode {
  readonly kind: 'elvis';
  readonly offset: number;
  readonly value: Node;
  readonly fallback: Node;
}

/** Inline list `{1, 2, 3}`. */
interface ListNode {
  readonly kind: 'list';
  readonly offset: number;
  readonly elements: readonly Node[];
}

/** Inline map `{'a': 1, b: 2}`; `{:}` is the empty map. */
export interface MapNode {
  readonly kind: 'map';
  readonly offset: number;
  readonly entries: ReadonlyArray<{ readonly key: string; readonly value: Node }>;
}

/** The nodes directly below a node, in source order. */
export function childrenOf(node: Node): readonly Node[] {
  switch (node.kind) {
    case 'literal':
    case 'identifier':
      return [];
    case 'property':
      return [node.object];
    case 'index':
      return [node.object, node.index];
    case 'method':
      return [node.object, ...node.args];
    case 'function':
      return node.args;
    case 'unary':
      return [node.operand];
    case 'binary':
      return [node.left, node.right];
    case 'conditional':
      return [node.test, node.consequent, node.alternate];
    case 'elvis':
      return [node.value, node.fallback];
    case 'list':
      return node.elements;
    case 'map':
      return node.entries.map((e) => e.value);
  }
}
