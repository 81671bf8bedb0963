/** Flow-control stage types: they touch only the execution itself. */
import { field } from './fields.js';
import { registerStageType, type StageReads } from './registry.js';

const DAY_MS = 24 * 60 * 60 * 1000;

const isNonNegativeNumberOrExpression = (v: unknown) => (typeof v === 'number' && v >= 0) || (typeof v === 'string' && (/^\d+$/.test(v) || v.includes('${')));

registerStageType({
  type: 'wait',
  family: 'flow',
  execution: 'poll',
  description: 'Pause for waitTime seconds',
  fields: [
    field('waitTime', 'integer', 'seconds to wait (a number, numeric text or an expression)', { default: 30 }),
    field('skipWaitText', 'string', "Deck's text for the skip-wait button (shown, not used)"),
  ],
  check: (s) =>
    s.waitTime === undefined || isNonNegativeNumberOrExpression(s.waitTime) ? [] : ['waitTime: must be a number of seconds >= 0 or an expression'],
});
/**
 * Preconditions that read clusters (clusterSize) run in the cloud family, which has the cloud
 * driver and the accounts' roles; the flow family then needs neither. A type still to be
 * evaluated might be clusterSize, so it goes to the cloud family too.
 */
const readsClusters = (s: Readonly<Record<string, unknown>>) =>
  Array.isArray(s.preconditions) &&
  s.preconditions.some((p) => {
    const type = (p as { type?: unknown } | null)?.type;
    return type === 'clusterSize' || (typeof type === 'string' && type.includes('${'));
  });

registerStageType({
  type: 'checkPreconditions',
  family: 'flow',
  execution: 'task',
  description: 'Check expression, stage-status and cluster-size preconditions',
  fields: [field('preconditions', 'object[]', 'checks, each {type: expression | stageStatus | clusterSize, context, failPipeline}', { default: [] })],
  check: (s) => (s.preconditions === undefined || Array.isArray(s.preconditions) ? [] : ['preconditions: must be a list']),
  familyFor: (s) => (readsClusters(s) ? 'cloud' : 'flow'),
  reads: stageStatusReads,
});
registerStageType({
  type: 'manualJudgment',
  family: 'flow',
  execution: 'callback',
  description: 'Wait for a person to continue or stop the pipeline',
  fields: [
    field('instructions', 'string', 'what the judge is asked (Markdown)'),
    field('judgmentInputs', 'object[]', 'choices offered, each {value}; the answer is recorded as judgmentInput', { default: [] }),
    field('selectedStageRoles', 'string[]', 'roles that may judge (any authenticated caller when empty)', { aliases: ['requiredJudgmentRoles'] }),
    field('propagateAuthenticationContext', 'boolean', 'run later stages as the judge (accepted; stages run with the platform roles)', { default: false }),
  ],
  defaultTimeoutMs: 3 * DAY_MS,
  check: (s) => (s.judgmentInputs === undefined || Array.isArray(s.judgmentInputs) ? [] : ['judgmentInputs: must be a list']),
});
registerStageType({
  type: 'evaluateVariables',
  family: 'flow',
  execution: 'task',
  description: 'Evaluate expressions into pipeline variables',
  fields: [
    field('variables', 'object[]', 'each {key, value}: value evaluated, then readable as ${key} in later stages', { default: [] }),
    field('failOnFailedExpressions', 'boolean', 'accepted: a value that cannot be evaluated always fails the stage'),
  ],
  check: (s) => (s.variables === undefined || Array.isArray(s.variables) ? [] : ['variables: must be a list of {key, value}']),
});
registerStageType({
  type: 'pipeline',
  family: 'flow',
  execution: 'poll',
  description: 'Run another pipeline as a child execution',
  fields: [
    field('application', 'string', "the child pipeline's application", { default: "this pipeline's" }),
    field('pipeline', 'string', "the child pipeline's id (or name)"),
    field('pipelineParameters', 'object', "the child's parameters (values may be expressions)", { default: {} }),
    field('waitForCompletion', 'boolean', 'wait for the child to end and take its status', { default: true }),
  ],
  required: ['pipeline'],
});

/** A stageStatus precondition reads the stage it names; a computed name could be any stage. */
function stageStatusReads(stage: Readonly<Record<string, unknown>>): StageReads {
  const names: string[] = [];
  for (const p of Array.isArray(stage.preconditions) ? (stage.preconditions as unknown[]) : []) {
    const entry = p as { type?: unknown; context?: { stageName?: unknown } } | null;
    if (entry?.type !== 'stageStatus' && !(typeof entry?.type === 'string' && entry.type.includes('${'))) continue;
    const name = entry.context?.stageName;
    if (typeof name !== 'string' || name.includes('${') || entry.type !== 'stageStatus') return 'all';
    names.push(name);
  }
  return { stageNames: names };
}
