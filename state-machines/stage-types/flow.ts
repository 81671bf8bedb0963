/** Flow-control stage types: they touch only the execution itself. */
import { registerStageType, type StageReads } from './registry.js';

const DAY_MS = 24 * 60 * 60 * 1000;

const isNonNegativeNumberOrExpression = (v: unknown) => (typeof v === 'number' && v >= 0) || (typeof v === 'string' && (/^\d+$/.test(v) || v.includes('${')));

registerStageType({
  type: 'wait',
  family: 'flow',
  execution: 'poll',
  description: 'Pause for waitTime seconds',
  fields: ['waitTime', 'skipWaitText'],
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
  fields: ['preconditions'],
  check: (s) => (s.preconditions === undefined || Array.isArray(s.preconditions) ? [] : ['preconditions: must be a list']),
  familyFor: (s) => (readsClusters(s) ? 'cloud' : 'flow'),
  reads: stageStatusReads,
});
registerStageType({
  type: 'manualJudgment',
  family: 'flow',
  execution: 'callback',
  description: 'Wait for a person to continue or stop the pipeline',
  fields: ['instructions', 'judgmentInputs', 'requiredJudgmentRoles', 'selectedStageRoles', 'propagateAuthenticationContext'],
  defaultTimeoutMs: 3 * DAY_MS,
  check: (s) => (s.judgmentInputs === undefined || Array.isArray(s.judgmentInputs) ? [] : ['judgmentInputs: must be a list']),
});
registerStageType({
  type: 'evaluateVariables',
  family: 'flow',
  execution: 'task',
  description: 'Evaluate expressions into pipeline variables',
  fields: ['variables', 'failOnFailedExpressions'],
  check: (s) => (s.variables === undefined || Array.isArray(s.variables) ? [] : ['variables: must be a list of {key, value}']),
});
registerStageType({
  type: 'pipeline',
  family: 'flow',
  execution: 'poll',
  description: 'Run another pipeline as a child execution',
  fields: ['application', 'pipeline', 'pipelineParameters', 'waitForCompletion'],
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
