/**
 * The one table of pipeline trigger types: which handler fires each type, the settings that
 * handler needs to ever fire, and which settings hold patterns it runs. `validate` reports from it,
 * the platform catalog wires handlers from it (infra/platform/catalog.ts) and each trigger handler
 * matches exactly the types it lists for that handler, so the three never disagree. Pure.
 */
import { userPatternProblem } from '../expressions/regex.js';
import { jsonPath, type Problem } from '../model/problems.js';
import { DEFAULT_TIME_ZONE } from '../model/time-zone.js';
import { quartzToScheduler, timeZoneProblem } from './cron-expression.js';

/** The trigger handlers of the platform (TRIGGER_HANDLERS in infra/platform/catalog.ts), plus people (API, CLI). */
export type TriggerHandlerKind = 'manual' | 'cron' | 'git' | 'ci' | 'docker' | 'codebuild' | 'pipeline' | 'pubsub' | 'webhook';

type Settings = Readonly<Record<string, unknown>>;

interface TriggerTypeSpec {
  readonly handler: TriggerHandlerKind;
  /** Settings without which the handler never fires this trigger. */
  readonly required?: readonly string[];
  /** Settings holding whole-value patterns the matcher runs (Java's Pattern.matches). */
  readonly patterns?: readonly string[];
  /** Settings holding maps of key → pattern (Echo's payload and attribute constraints). */
  readonly constraints?: readonly string[];
  /** Settings that mean no handler of this platform fires the trigger (warnings: it would never start). */
  readonly unsupported?: (settings: Settings) => Array<{ field: string; message: string }>;
  /** Settings a handler would refuse for sure (errors). */
  readonly check?: (settings: Settings) => Array<{ field: string; message: string }>;
  /** Settings read as the name of a Secrets Manager secret, where Echo's hold the secret itself. */
  readonly secretNames?: readonly string[];
}

const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const STORE_IT = "store Echo's shared secret in Secrets Manager under the platform's secret prefix (gennaker/ by default) and write its name here";

/**
 * Echo's git trigger `secret` is the shared secret itself; Gennaker reads the name of the Secrets
 * Manager secret that holds it. An imported literal would silently verify no delivery, so a value
 * that cannot be a name, or one outside any prefix, is named (never echoed: it may be the secret).
 */
function secretNameProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '' || value.startsWith('arn:')) return undefined;
  if (!SECRET_NAME.test(value))
    return `read as the name of a Secrets Manager secret, and this value cannot be one; ${STORE_IT}; until then no delivery verifies and this trigger never starts the pipeline`;
  if (!value.includes('/'))
    return `read as the name of a Secrets Manager secret; a name with no prefix looks like Echo's shared secret itself: if it is, ${STORE_IT}`;
  return undefined;
}

/** The git providers the git webhook handler understands (functions/triggers/git). */
const GIT_SOURCES = ['github', 'gitlab', 'bitbucket'] as const;

const PUBSUB_SYSTEMS = new Set(['amazon', 'sns']);

/** Whether the pubsub handler (SNS) handles a trigger's `pubsubSystem` (absent: yes). */
export function isHandledPubsubSystem(system: unknown): boolean {
  return system === undefined || (typeof system === 'string' && PUBSUB_SYSTEMS.has(system));
}

const TRIGGER_TYPES: Readonly<Record<string, TriggerTypeSpec>> = {
  manual: { handler: 'manual' },
  cron: { handler: 'cron', required: ['cronExpression'], check: cronProblems },
  git: {
    handler: 'git',
    required: ['source', 'project', 'slug'],
    patterns: ['branch'],
    secretNames: ['secret'],
    unsupported: (s) =>
      typeof s.source === 'string' && !(GIT_SOURCES as readonly string[]).includes(s.source.toLowerCase())
        ? [{ field: 'source', message: `git source '${s.source}' has no webhook handler on this platform (${GIT_SOURCES.join(', ')})` }]
        : [],
  },
  jenkins: { handler: 'ci', required: ['master', 'job'] },
  docker: { handler: 'docker', required: ['repository'], patterns: ['tag'] },
  ecr: { handler: 'docker', required: ['repository'], patterns: ['tag'] },
  codebuild: { handler: 'codebuild', required: ['project'], patterns: ['project'] },
  pipeline: { handler: 'pipeline', required: ['application', 'pipeline'] },
  pubsub: {
    handler: 'pubsub',
    constraints: ['payloadConstraints', 'attributeConstraints'],
    unsupported: (s) => {
      if (!isHandledPubsubSystem(s.pubsubSystem)) {
        return [{ field: 'pubsubSystem', message: `pubsubSystem '${String(s.pubsubSystem)}' is not 'amazon': only SNS topics are handled on this platform` }];
      }
      return s.subscriptionName === undefined && s.topic === undefined
        ? [{ field: 'subscriptionName', message: 'the pubsub trigger names no SNS topic (subscriptionName or topic)' }]
        : [];
    },
  },
  sns: { handler: 'pubsub', constraints: ['payloadConstraints', 'attributeConstraints'] },
  // Echo's generic webhook: POST /webhooks/webhook/{source}.
  webhook: { handler: 'webhook', required: ['source'], constraints: ['payloadConstraints'] },
};

function cronProblems(s: Settings): Array<{ field: string; message: string }> {
  if (typeof s.cronExpression !== 'string')
    return s.cronExpression === undefined ? [] : [{ field: 'cronExpression', message: 'must be a Quartz expression (text)' }];
  const zone = typeof s.timeZone === 'string' ? s.timeZone : typeof s.cronTimeZone === 'string' ? s.cronTimeZone : DEFAULT_TIME_ZONE;
  // The zone is checked on its own field; the expression is then read in a zone Scheduler takes.
  const zoneProblem = timeZoneProblem(zone);
  const zoneField = typeof s.timeZone === 'string' ? 'timeZone' : 'cronTimeZone';
  const translated = quartzToScheduler(s.cronExpression, zoneProblem ? DEFAULT_TIME_ZONE : zone);
  return [...(zoneProblem ? [{ field: zoneField, message: zoneProblem }] : []), ...translated.errors.map((message) => ({ field: 'cronExpression', message }))];
}

/** The handler that fires a trigger type, or undefined when nothing on this platform does. */
export function triggerHandlerFor(type: string): TriggerHandlerKind | undefined {
  return Object.hasOwn(TRIGGER_TYPES, type) ? TRIGGER_TYPES[type]!.handler : undefined;
}

/** The trigger types a handler fires (what it matches pipelines' triggers on). */
export function triggerTypesFiredBy(handler: TriggerHandlerKind): readonly string[] {
  return Object.keys(TRIGGER_TYPES).filter((type) => TRIGGER_TYPES[type]!.handler === handler);
}

/** Every trigger type some handler fires. */
export function supportedTriggerTypes(): readonly string[] {
  return Object.keys(TRIGGER_TYPES);
}

/**
 * Problems of one trigger, paths under `path` (`$.triggers[0]`). A setting the handler would
 * refuse (a cron expression the scheduler cannot take, a pattern the matcher cannot run) is an
 * error on an enabled trigger; what only means "this never fires" (an unknown type, a missing
 * setting, another provider's system) is a warning. A disabled trigger's problems are warnings.
 */
export function triggerProblems(trigger: Settings, path: string): { errors: Problem[]; warnings: Problem[] } {
  const errors: Problem[] = [];
  const warnings: Problem[] = [];
  const at = (field: string) => jsonPath([field], path);
  const type = String(trigger.type);
  const spec = Object.hasOwn(TRIGGER_TYPES, type) ? TRIGGER_TYPES[type] : undefined;
  if (!spec) {
    warnings.push({
      path: `${path}.type`,
      message: `no handler on this platform fires '${type}' triggers (supported: ${supportedTriggerTypes().join(', ')}); this trigger will never start the pipeline`,
    });
    return { errors, warnings };
  }
  const refusals = trigger.enabled === false ? warnings : errors;
  for (const field of spec.required ?? []) {
    if (trigger[field] === undefined || trigger[field] === null || trigger[field] === '') {
      warnings.push({ path: at(field), message: `required for ${type} triggers to fire; this trigger will never start the pipeline` });
    }
  }
  for (const u of spec.unsupported?.(trigger) ?? []) warnings.push({ path: at(u.field), message: `${u.message}; this trigger will never start the pipeline` });
  for (const c of spec.check?.(trigger) ?? []) refusals.push({ path: at(c.field), message: c.message });
  for (const field of spec.secretNames ?? []) {
    const problem = secretNameProblem(trigger[field]);
    if (problem) warnings.push({ path: at(field), message: problem });
  }
  for (const field of spec.patterns ?? []) {
    const pattern = trigger[field];
    if (typeof pattern !== 'string' || pattern.trim() === '') continue;
    const problem = userPatternProblem(pattern.trim());
    if (problem) refusals.push({ path: at(field), message: problem });
  }
  for (const field of spec.constraints ?? []) {
    const constraints = trigger[field];
    if (constraints === undefined || constraints === null) continue;
    if (typeof constraints !== 'object' || Array.isArray(constraints)) {
      refusals.push({ path: at(field), message: 'must be a map of key to pattern' });
      continue;
    }
    for (const [key, pattern] of Object.entries(constraints)) {
      if (pattern === undefined || pattern === null) continue;
      const problem = userPatternProblem(String(pattern));
      if (problem) refusals.push({ path: jsonPath([field, key], path), message: problem });
    }
  }
  return { errors, warnings };
}
