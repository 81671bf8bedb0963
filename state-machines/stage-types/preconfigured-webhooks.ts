/**
 * Spinnaker's preconfigured webhooks (Orca's `webhook.preconfigured`): stage types an operator
 * defines in a settings file with the URL, method, headers (secret references for credentials),
 * payload and status fields, and named parameters. A pipeline uses one as `type: <its type>` with
 * `parameterValues`; it never sees the request's credentials. Pure: parsing the setting and
 * registering the types, so validate, the compiler and the stage reference know them; the
 * external function runs them as webhook stages (functions/stages/external/webhook/preconfigured.ts).
 */
import * as z from 'zod/mini';
import '../zod-messages.js';
import { GennakerError } from '../errors.js';
import { jsonPath } from '../model/problems.js';
import { WEBHOOK_FIELDS } from './external.js';
import { field } from './fields.js';
import { registerStageType, stageTypeInfo } from './registry.js';

/** The settings file the functions read (bundled as JSON beside them; YAML or JSON for the CLI). */
export const PRECONFIGURED_WEBHOOKS_FILE_ENV = 'GENNAKER_PRECONFIGURED_WEBHOOKS_FILE';

const ParameterSchema = z.strictObject({
  name: z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'a parameter name: letters, digits, _ . -')),
  label: z.optional(z.string()),
  description: z.optional(z.string()),
  type: z.optional(z.enum(['string'])),
  defaultValue: z.optional(z.union([z.string(), z.number(), z.boolean()])),
  order: z.optional(z.number()),
});

const stringList = z.union([z.string(), z.array(z.string())]);
const codes = z.union([z.string(), z.array(z.union([z.number(), z.string()]))]);

const WebhookSchema = z.strictObject({
  type: z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'a stage type name: a letter, then letters, digits, _ or -')),
  label: z.optional(z.string()),
  description: z.optional(z.string()),
  enabled: z.optional(z.boolean()),
  url: z.string().check(z.minLength(1)),
  method: z.optional(z.string()),
  customHeaders: z.optional(z.record(z.string(), z.union([z.string(), z.array(z.string())]))),
  payload: z.optional(z.unknown()),
  parameters: z.optional(z.array(ParameterSchema)),
  waitForCompletion: z.optional(z.boolean()),
  statusUrlResolution: z.optional(z.enum(['getMethod', 'locationHeader', 'webhookResponse'])),
  statusUrlJsonPath: z.optional(z.string()),
  statusJsonPath: z.optional(z.string()),
  progressJsonPath: z.optional(z.string()),
  successStatuses: z.optional(stringList),
  canceledStatuses: z.optional(stringList),
  terminalStatuses: z.optional(stringList),
  failFastStatusCodes: z.optional(codes),
  retryStatusCodes: z.optional(codes),
  waitBeforeMonitor: z.optional(z.union([z.number(), z.string()])),
  signalCancellation: z.optional(z.boolean()),
  cancelEndpoint: z.optional(z.string()),
  cancelMethod: z.optional(z.string()),
  cancelPayload: z.optional(z.unknown()),
});

export type PreconfiguredWebhook = z.infer<typeof WebhookSchema>;

/** Fields of a definition that are not request fields (Orca's ignored fields). */
const DESCRIPTIVE = new Set(['type', 'label', 'description', 'enabled', 'parameters']);

/** Orca's shapes: a list, `{preconfigured: [...]}` or `{webhook: {preconfigured: [...]}}`. */
function listOf(document: unknown): unknown {
  if (Array.isArray(document) || typeof document !== 'object' || document === null) return document ?? [];
  const record = document as Record<string, unknown>;
  if ('webhook' in record) return (record.webhook as Record<string, unknown> | null)?.preconfigured ?? [];
  if ('preconfigured' in record) return record.preconfigured ?? [];
  return document;
}

export class PreconfiguredWebhookError extends GennakerError {
  override readonly kind = 'input';
}

/** The enabled definitions, checked; throws one error listing every problem with its path. */
export function parsePreconfiguredWebhooks(document: unknown, source = PRECONFIGURED_WEBHOOKS_FILE_ENV): PreconfiguredWebhook[] {
  const list = listOf(document);
  if (!Array.isArray(list)) throw new PreconfiguredWebhookError(`${source}: must be a list of preconfigured webhooks (or {preconfigured: [...]})`);
  const problems: string[] = [];
  const webhooks: PreconfiguredWebhook[] = [];
  const seen = new Set<string>();
  list.forEach((entry, i) => {
    if (typeof entry === 'object' && entry !== null && 'permissions' in entry) {
      problems.push(`[${i}].permissions: not supported: every pipeline of this platform may use the type (application permissions still apply)`);
      return;
    }
    const parsed = WebhookSchema.safeParse(entry);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`${jsonPath(issue.path, `[${i}]`).replace(/^\$/, '')}: ${issue.message}`);
      return;
    }
    const webhook = parsed.data;
    const builtIn = stageTypeInfo(webhook.type);
    if (builtIn && !isPreconfigured(webhook.type)) problems.push(`[${i}].type: '${webhook.type}' is a built-in stage type`);
    if (seen.has(webhook.type)) problems.push(`[${i}].type: '${webhook.type}' is defined twice`);
    seen.add(webhook.type);
    const names = (webhook.parameters ?? []).map((p) => p.name);
    const repeated = names.find((n, j) => names.indexOf(n) !== j);
    if (repeated) problems.push(`[${i}].parameters: '${repeated}' is listed twice`);
    if (webhook.enabled !== false) webhooks.push(webhook);
  });
  if (problems.length > 0) throw new PreconfiguredWebhookError(`${source}: ${problems.join('; ')}`);
  return webhooks;
}

/** The request fields a definition fixes: a stage may not set them (Orca lets the definition win). */
export function fixedFields(webhook: PreconfiguredWebhook): string[] {
  return Object.keys(webhook).filter((k) => !DESCRIPTIVE.has(k) && (webhook as Record<string, unknown>)[k] !== undefined);
}

/** Each parameter's value: the stage's, else the definition's default (Deck fills defaults in the same way). */
export function parametersOf(webhook: PreconfiguredWebhook, given: unknown): Record<string, unknown> {
  const values = typeof given === 'object' && given !== null && !Array.isArray(given) ? (given as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const p of webhook.parameters ?? []) {
    const value = Object.hasOwn(values, p.name) ? values[p.name] : p.defaultValue;
    if (value !== undefined) out[p.name] = value;
  }
  return out;
}

const registered = new Map<string, PreconfiguredWebhook>();

function isPreconfigured(type: string): boolean {
  return registered.has(type);
}

export function preconfiguredWebhook(type: string): PreconfiguredWebhook | undefined {
  return registered.get(type);
}

export function preconfiguredWebhookTypes(): string[] {
  return [...registered.keys()].sort();
}

/** A stage of a preconfigured type: its parameterValues known, no fixed field overridden. */
function stageProblems(webhook: PreconfiguredWebhook): (stage: Readonly<Record<string, unknown>>) => string[] {
  const fixed = fixedFields(webhook);
  const declared = new Set((webhook.parameters ?? []).map((p) => p.name));
  return (stage) => {
    const problems = fixed
      .filter((f) => stage[f] !== undefined)
      .map((f) => `${f}: set by the preconfigured webhook '${webhook.type}'; remove it from the stage`);
    const values = stage.parameterValues;
    if (values === undefined || values === null) return problems;
    if (typeof values !== 'object' || Array.isArray(values)) return [...problems, 'parameterValues: must be an object of parameter names to values'];
    for (const [name, value] of Object.entries(values)) {
      if (!declared.has(name)) {
        problems.push(
          `parameterValues: '${name}' is not a parameter of '${webhook.type}'${declared.size > 0 ? ` (its parameters: ${[...declared].join(', ')})` : ' (it has none)'}`,
        );
      } else if (typeof value === 'object' && value !== null) problems.push(`parameterValues: '${name}' must be text, a number or a boolean`);
    }
    return problems;
  };
}

/** Registers the types (replacing an earlier registration of the same type): validate, the compiler and the reference know them. */
export function registerPreconfiguredWebhooks(webhooks: readonly PreconfiguredWebhook[]): void {
  for (const webhook of webhooks) {
    registered.set(webhook.type, webhook);
    const parameters = (webhook.parameters ?? []).map((p) => p.name);
    const fixed = new Set(fixedFields(webhook));
    registerStageType({
      type: webhook.type,
      family: 'external',
      execution: 'poll',
      description: `Preconfigured webhook: ${webhook.description ?? webhook.label ?? webhook.type}${parameters.length > 0 ? ` (parameters: ${parameters.join(', ')})` : ''}`,
      defaultTimeoutMs: 24 * 60 * 60 * 1000,
      fields: [
        field('parameterValues', 'object', `the parameters' values${parameters.length > 0 ? `: ${parameters.join(', ')}` : ''} (defaults from the definition)`),
        ...WEBHOOK_FIELDS.filter((f) => !fixed.has(f.name)),
      ],
      check: stageProblems(webhook),
    });
  }
}
