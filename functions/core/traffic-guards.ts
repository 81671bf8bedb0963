/**
 * Traffic guards (Spinnaker's application setting): a guarded cluster must never be left without
 * enabled, up capacity by a pipeline. Disable, destroy, shrink, scale down or resize to 0 that would
 * do that is refused, naming the guard, before anything is changed.
 *
 * Guards come from configuration (GENNAKER_TRAFFIC_GUARDS as YAML / JSON text, or the file
 * GENNAKER_TRAFFIC_GUARDS_FILE names) and from a stage's own `trafficGuards` (Spinnaker's
 * application setting, copied into the stage):
 *
 *   applications:
 *     demo:
 *       - { account: prod, region: us-east-1, cluster: demo-prod }
 *       - { account: "*", location: "*", stack: prod, detail: "*" }     # Spinnaker's form
 *
 * `*` matches anything; a field left out matches anything too. A guard with `enabled: false` is off.
 * Matching and checking are pure; only loading reads the environment.
 */
import { readFile } from 'node:fs/promises';
import * as z from 'zod/mini';
import '../../state-machines/zod-messages.js';
import { tryParseClusterName } from './cloud/naming.js';
import { parseConfigText } from './config-text.js';
import { GennakerError } from '../../state-machines/errors.js';

const TRAFFIC_GUARDS_ENV = 'GENNAKER_TRAFFIC_GUARDS';
export const TRAFFIC_GUARDS_FILE_ENV = 'GENNAKER_TRAFFIC_GUARDS_FILE';

export interface TrafficGuard {
  readonly application: string;
  readonly account?: string;
  readonly region?: string;
  /** A whole cluster name (or `*`); otherwise stack and detail are matched. */
  readonly cluster?: string;
  readonly stack?: string;
  readonly detail?: string;
  /** Where it was configured, for messages ("GENNAKER_TRAFFIC_GUARDS", "stage trafficGuards"). */
  readonly source: string;
}

/** The cluster an operation touches. */
export interface GuardTarget {
  readonly account: string;
  readonly region: string;
  readonly cluster: string;
}

/** A server group as the guard sees it. */
export interface GroupCapacity {
  readonly name: string;
  readonly enabled: boolean;
  /** Instances that are up (InService, healthy). */
  readonly upCount: number;
}

/** What an operation does to one server group. */
export type GroupChange =
  | { readonly kind: 'disable'; readonly serverGroup: string }
  | { readonly kind: 'destroy'; readonly serverGroup: string }
  | { readonly kind: 'resize'; readonly serverGroup: string; readonly desired: number }
  | { readonly kind: 'enable'; readonly serverGroup: string };

/** An operation would leave a guarded cluster without serving capacity. */
export class TrafficGuardError extends GennakerError {
  override readonly kind = 'conflict';
  constructor(
    message: string,
    readonly guard: TrafficGuard,
  ) {
    super(message);
  }
}

export class TrafficGuardConfigError extends GennakerError {
  override readonly kind = 'input';
}

const GuardFields = {
  account: z.optional(z.string()),
  region: z.optional(z.string()),
  location: z.optional(z.string()),
  cluster: z.optional(z.string()),
  stack: z.optional(z.string()),
  detail: z.optional(z.string()),
  enabled: z.optional(z.boolean()),
};
const GuardSchema = z.strictObject(GuardFields);
const GuardListSchema = z.array(GuardSchema);
const ListedGuardSchema = z.strictObject({ application: z.string().check(z.minLength(1)), ...GuardFields });
const DocumentSchema = z.union([z.array(ListedGuardSchema), z.strictObject({ applications: z.record(z.string().check(z.minLength(1)), GuardListSchema) })]);

type RawGuard = z.infer<typeof GuardSchema>;

function toGuard(application: string, raw: RawGuard, source: string): TrafficGuard | undefined {
  if (raw.enabled === false) return undefined;
  const region = raw.region ?? raw.location;
  return {
    application,
    source,
    ...(raw.account !== undefined ? { account: raw.account } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(raw.cluster !== undefined ? { cluster: raw.cluster } : {}),
    ...(raw.stack !== undefined ? { stack: raw.stack } : {}),
    ...(raw.detail !== undefined ? { detail: raw.detail } : {}),
  };
}

/** Validates a guards document (already parsed from YAML / JSON). */
export function parseTrafficGuards(document: unknown, source = TRAFFIC_GUARDS_ENV): TrafficGuard[] {
  if (document === null || document === undefined) return [];
  const parsed = DocumentSchema.safeParse(document);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new TrafficGuardConfigError(`invalid traffic guards in ${source}: ${problems.join('; ')}`);
  }
  const data = parsed.data;
  const entries = Array.isArray(data)
    ? data.map(({ application, ...raw }) => toGuard(application, raw, source))
    : Object.entries(data.applications).flatMap(([application, list]) => list.map((raw) => toGuard(application, raw, source)));
  return entries.filter((g): g is TrafficGuard => g !== undefined);
}

/**
 * A stage's `trafficGuards` (Spinnaker's application setting: `[{account, location, stack, detail,
 * enabled}]`) for the application the stage deploys. Problems are "field: reason" strings.
 */
export function stageTrafficGuards(application: string, raw: unknown): { guards: TrafficGuard[]; problems: string[] } {
  if (raw === undefined || raw === null) return { guards: [], problems: [] };
  const parsed = GuardListSchema.safeParse(raw);
  if (!parsed.success) {
    return { guards: [], problems: parsed.error.issues.map((i) => `trafficGuards${i.path.map((p) => `[${String(p)}]`).join('')}: ${i.message}`) };
  }
  return {
    guards: parsed.data.map((g) => toGuard(application, g, 'stage trafficGuards')).filter((g): g is TrafficGuard => g !== undefined),
    problems: [],
  };
}

export interface LoadGuardsOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly readText?: (path: string) => Promise<string>;
}

/** The guards configured for this process: none when neither variable is set. */
export async function loadTrafficGuards(options: LoadGuardsOptions = {}): Promise<TrafficGuard[]> {
  const env = options.env ?? process.env;
  const inline = env[TRAFFIC_GUARDS_ENV];
  const path = env[TRAFFIC_GUARDS_FILE_ENV];
  const guards: TrafficGuard[] = [];
  if (inline) guards.push(...parseTrafficGuards(await parseText(inline, TRAFFIC_GUARDS_ENV), TRAFFIC_GUARDS_ENV));
  if (path) {
    let text: string;
    try {
      text = await (options.readText ?? ((p: string) => readFile(p, 'utf8')))(path);
    } catch (error) {
      throw new TrafficGuardConfigError(`cannot read ${TRAFFIC_GUARDS_FILE_ENV}=${path}: ${(error as Error).message}`);
    }
    guards.push(...parseTrafficGuards(await parseText(text, path), path));
  }
  return guards;
}

async function parseText(text: string, source: string): Promise<unknown> {
  try {
    return await parseConfigText(text);
  } catch (error) {
    throw new TrafficGuardConfigError(`traffic guards in ${source} are not valid YAML or JSON: ${(error as Error).message}`);
  }
}

function matches(pattern: string | undefined, value: string | undefined): boolean {
  if (pattern === undefined || pattern === '*') return true;
  if (!pattern.includes('*')) return pattern === (value ?? '');
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return regex.test(value ?? '');
}

/** The guards that cover a cluster in an account and region. */
export function guardsFor(guards: readonly TrafficGuard[], target: GuardTarget): TrafficGuard[] {
  const parsed = tryParseClusterName(target.cluster);
  if (!parsed) return [];
  return guards.filter(
    (g) =>
      g.application === parsed.app &&
      matches(g.account, target.account) &&
      matches(g.region, target.region) &&
      (g.cluster !== undefined ? matches(g.cluster, target.cluster) : matches(g.stack, parsed.stack) && matches(g.detail, parsed.detail)),
  );
}

/** The cluster after the changes, as far as traffic is concerned. Pure. */
export function projectChanges(groups: readonly GroupCapacity[], changes: readonly GroupChange[]): GroupCapacity[] {
  return groups.flatMap((group) => {
    let next: GroupCapacity | undefined = group;
    for (const change of changes) {
      if (!next || change.serverGroup !== group.name) continue;
      if (change.kind === 'destroy') next = undefined;
      else if (change.kind === 'disable') next = { ...next, enabled: false };
      else if (change.kind === 'enable') next = { ...next, enabled: true };
      else next = { ...next, upCount: Math.min(next.upCount, change.desired) };
    }
    return next ? [next] : [];
  });
}

function upCapacity(groups: readonly GroupCapacity[]): number {
  return groups.filter((g) => g.enabled).reduce((sum, g) => sum + g.upCount, 0);
}

function describeGuard(guard: TrafficGuard): string {
  const fields = [
    `application ${guard.application}`,
    guard.account !== undefined ? `account ${guard.account}` : undefined,
    guard.region !== undefined ? `region ${guard.region}` : undefined,
    guard.cluster !== undefined ? `cluster ${guard.cluster}` : undefined,
    guard.stack !== undefined ? `stack ${guard.stack}` : undefined,
    guard.detail !== undefined ? `detail ${guard.detail}` : undefined,
  ].filter(Boolean);
  return `traffic guard {${fields.join(', ')}} (from ${guard.source})`;
}

/**
 * Refuses changes that would take a guarded cluster from some enabled, up capacity to none.
 * A cluster that serves nothing already is not made worse, so it is not refused.
 */
export function checkTrafficGuards(
  guards: readonly TrafficGuard[],
  target: GuardTarget,
  groups: readonly GroupCapacity[],
  changes: readonly GroupChange[],
  action: string,
): void {
  const applicable = guardsFor(guards, target);
  const guard = applicable[0];
  if (!guard || changes.length === 0) return;
  const before = upCapacity(groups);
  const after = upCapacity(projectChanges(groups, changes));
  if (before > 0 && after === 0) {
    throw new TrafficGuardError(
      `refused to ${action}: cluster ${target.cluster} in ${target.account}/${target.region} is protected by ${describeGuard(guard)}, ` +
        `and this would leave it with no enabled, up instances (${before} up now)`,
      guard,
    );
  }
}
