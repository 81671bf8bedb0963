import type { Node } from './ast.js';
import { childrenOf } from './ast.js';
import { parsePart } from './expression.js';
import { hasExpression, splitTemplate } from './template.js';
import { visitStrings } from './walk.js';

/** What expressions refer to by name, for checking against the pipeline before it runs. */
export interface ExpressionReferences {
  parameters: Set<string>;
  stageNames: Set<string>;
  stageRefIds: Set<string>;
  judgments: Set<string>;
  /** Patterns written as literals for `matches`, `split`, `replaceAll`, `replaceFirst`. */
  patterns: Set<string>;
  /**
   * True when an expression may read stages it does not name: a free variable (resolved against
   * the outputs of any completed stage), `execution.stages`, or a stage function with a computed name.
   */
  opaque: boolean;
}

const PATTERN_METHODS: ReadonlySet<string> = new Set(['matches', 'split', 'replaceAll', 'replaceFirst']);

/** Fields of `execution` that are not stages. */
const EXECUTION_HEADER_FIELDS: ReadonlySet<string> = new Set(['id', 'application', 'name', 'status', 'startTime', 'trigger', 'parameters']);
/** Top-level names that read nothing but the execution's header. */
const HEADER_ROOTS: ReadonlySet<string> = new Set(['trigger', 'parameters']);
/** Functions that look stages up by the name or refId in their first argument. */
const STAGE_FUNCTIONS: ReadonlySet<string> = new Set(['stage', 'stageByRefId', 'stageExists', 'judgment', 'judgement']);

/** Paths that lead to the parameters map: `parameters`, `trigger.parameters` and their `execution.` forms. */
const PARAMETER_MAPS: ReadonlySet<string> = new Set(['parameters', 'trigger.parameters', 'execution.parameters', 'execution.trigger.parameters']);

/**
 * Collects the parameters, stages and judgments named in every `${...}` of `value`. Only literal
 * names count (`#stage(parameters.x)` names nothing); unparsable expressions are skipped.
 * Never throws.
 */
export function collectReferences(value: unknown): ExpressionReferences {
  const references: ExpressionReferences = {
    parameters: new Set(),
    stageNames: new Set(),
    stageRefIds: new Set(),
    judgments: new Set(),
    patterns: new Set(),
    opaque: false,
  };
  try {
    visitStrings(
      value,
      '$',
      (text) => {
        if (!hasExpression(text)) return;
        for (const part of splitTemplate(text)) {
          if (part.kind !== 'expression') continue;
          try {
            collectFromTree(parsePart(part), references);
          } catch {
            // Unparsable expressions are findExpressionProblems' business.
          }
        }
      },
      () => undefined,
    );
  } catch {
    // Return what was found so far.
  }
  return references;
}

function collectFromTree(root: Node, references: ExpressionReferences): void {
  const pending: Node[] = [root];
  // `execution` identifiers read through a header field (`execution.trigger`), so no stage.
  const headerReads = new Set<Node>();
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if ((node.kind === 'property' || node.kind === 'index') && node.object.kind === 'identifier' && node.object.name === 'execution') {
      const step = node.kind === 'property' ? node.name : literalString(node.index);
      if (step !== undefined && EXECUTION_HEADER_FIELDS.has(step)) headerReads.add(node.object);
    }
    if (node.kind === 'identifier' && !HEADER_ROOTS.has(node.name) && !headerReads.has(node)) references.opaque = true;
    collectFromNode(node, references);
    pending.push(...childrenOf(node));
  }
}

function collectFromNode(node: Node, references: ExpressionReferences): void {
  switch (node.kind) {
    case 'property':
    case 'index': {
      const path = staticPath(node);
      const name = path?.at(-1);
      if (path !== undefined && name !== undefined && PARAMETER_MAPS.has(path.slice(0, -1).join('.'))) {
        references.parameters.add(name);
      }
      return;
    }
    case 'binary': {
      const pattern = literalString(node.right);
      if (node.operator === 'matches' && pattern !== undefined) references.patterns.add(pattern);
      return;
    }
    case 'method': {
      // parameters.get('x') and parameters.containsKey('x')
      const path = staticPath(node.object);
      const name = literalString(node.args[0]);
      if (PATTERN_METHODS.has(node.name) && name !== undefined) references.patterns.add(name);
      if ((node.name === 'get' || node.name === 'containsKey') && path && PARAMETER_MAPS.has(path.join('.')) && name !== undefined) {
        references.parameters.add(name);
      }
      return;
    }
    case 'function': {
      const name = literalString(node.args[0]);
      if (name === undefined) {
        if (STAGE_FUNCTIONS.has(node.name)) references.opaque = true;
        return;
      }
      if (node.name === 'stageExists') {
        references.stageNames.add(name);
        references.stageRefIds.add(name);
      } else if (node.name === 'stage') references.stageNames.add(name);
      else if (node.name === 'stageByRefId') references.stageRefIds.add(name);
      else if (node.name === 'judgment' || node.name === 'judgement') references.judgments.add(name);
      return;
    }
    default:
      return;
  }
}

/** `trigger['parameters'].x` → ['trigger', 'parameters', 'x']; undefined when any step is computed. */
function staticPath(node: Node): string[] | undefined {
  const steps: string[] = [];
  let current: Node = node;
  while (current.kind !== 'identifier') {
    if (current.kind !== 'property' && current.kind !== 'index') return undefined;
    const step = current.kind === 'property' ? current.name : literalString(current.index);
    if (step === undefined) return undefined;
    steps.unshift(step);
    current = current.object;
  }
  return [current.name, ...steps];
}

function literalString(node: Node | undefined): string | undefined {
  if (node?.kind !== 'literal') return undefined;
  if (typeof node.value === 'string') return node.value;
  return typeof node.value === 'number' ? String(node.value) : undefined;
}
