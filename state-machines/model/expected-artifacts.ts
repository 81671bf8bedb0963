/**
 * Spinnaker's artifacts as a pipeline declares them: `expectedArtifacts` (kork's ExpectedArtifact:
 * `id`, `displayName`, `matchArtifact`, `defaultArtifact`, `useDefaultArtifact`,
 * `usePriorArtifact`) and the artifact object itself (`type`, `name`, `version`, `location`,
 * `reference`, `artifactAccount`, ...). Pure: the schema, the checks validate runs, and the
 * normalised form the Pipeline model carries. Binding and reading artifacts is
 * functions/core/artifacts/.
 */
import * as z from 'zod/mini';
import '../zod-messages.js';
import { userPatternProblem } from '../expressions/regex.js';
import { jsonPath, type Problem } from './problems.js';

/** An artifact as Spinnaker writes it; fields Gennaker does not read are kept as given. */
export interface Artifact {
  readonly type?: string;
  readonly name?: string;
  readonly version?: string;
  readonly location?: string;
  readonly reference?: string;
  readonly artifactAccount?: string;
  readonly [field: string]: unknown;
}

export interface ExpectedArtifact {
  readonly id: string;
  readonly displayName?: string;
  readonly matchArtifact: Artifact;
  readonly defaultArtifact?: Artifact;
  readonly useDefaultArtifact: boolean;
  readonly usePriorArtifact: boolean;
}

/** The fields kork compares (each a whole-string regular expression in a matchArtifact); never uuid, provenance or account. */
export const MATCHED_FIELDS = ['type', 'name', 'version', 'location', 'reference'] as const;

const text = z.optional(z.nullable(z.string()));
export const ArtifactSchema = z.looseObject({
  type: text,
  name: text,
  version: text,
  location: text,
  reference: text,
  artifactAccount: text,
});

const ExpectedArtifactSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  displayName: text,
  matchArtifact: ArtifactSchema,
  defaultArtifact: z.optional(z.nullable(ArtifactSchema)),
  useDefaultArtifact: z.optional(z.boolean()),
  usePriorArtifact: z.optional(z.boolean()),
});

/** An artifact with empty and null fields left out (Deck writes `"version": ""`, Orca `null`). */
export function cleanArtifact(raw: Readonly<Record<string, unknown>>): Artifact {
  return Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== null && v !== undefined && v !== ''));
}

/** How messages name an expected artifact: its displayName, else its id. */
export function expectedArtifactLabel(expected: Pick<ExpectedArtifact, 'id' | 'displayName'>): string {
  return expected.displayName ? `'${expected.displayName}' (id ${expected.id})` : `'${expected.id}'`;
}

/**
 * The pipeline's expectedArtifacts, checked: ids unique, patterns runnable on the linear-time
 * engine, a default given where one is used, and every trigger's `expectedArtifactIds` naming one.
 */
export function readExpectedArtifacts(
  raw: unknown,
  triggers: ReadonlyArray<Readonly<Record<string, unknown>>>,
): { readonly expectedArtifacts: ExpectedArtifact[]; readonly errors: Problem[] } {
  const errors: Problem[] = [];
  if (raw === undefined || raw === null) return { expectedArtifacts: [], errors: triggerIdProblems(triggers, new Set()) };
  if (!Array.isArray(raw)) return { expectedArtifacts: [], errors: [{ path: '$.expectedArtifacts', message: 'must be a list of expected artifacts' }] };
  const expectedArtifacts: ExpectedArtifact[] = [];
  const seen = new Map<string, number>();
  raw.forEach((entry, i) => {
    const at = `$.expectedArtifacts[${i}]`;
    const parsed = ExpectedArtifactSchema.safeParse(entry);
    if (!parsed.success) {
      errors.push(...parsed.error.issues.map((issue) => ({ path: jsonPath(issue.path, at), message: issue.message })));
      return;
    }
    const e = parsed.data;
    const first = seen.get(e.id);
    if (first !== undefined) errors.push({ path: `${at}.id`, message: `duplicate expected artifact id '${e.id}' (also $.expectedArtifacts[${first}])` });
    else seen.set(e.id, i);
    for (const field of MATCHED_FIELDS) {
      const pattern = e.matchArtifact[field];
      const problem = typeof pattern === 'string' && pattern !== '' ? userPatternProblem(pattern) : undefined;
      if (problem) errors.push({ path: `${at}.matchArtifact.${field}`, message: problem });
    }
    const defaultArtifact = e.defaultArtifact ? cleanArtifact(e.defaultArtifact) : undefined;
    if (e.useDefaultArtifact === true && !defaultArtifact?.type) {
      errors.push({ path: `${at}.defaultArtifact`, message: 'required with useDefaultArtifact: an artifact with at least a type' });
    }
    expectedArtifacts.push({
      id: e.id,
      ...(e.displayName ? { displayName: e.displayName } : {}),
      matchArtifact: cleanArtifact(e.matchArtifact),
      ...(defaultArtifact && Object.keys(defaultArtifact).length > 0 ? { defaultArtifact } : {}),
      useDefaultArtifact: e.useDefaultArtifact === true,
      usePriorArtifact: e.usePriorArtifact === true,
    });
  });
  errors.push(...triggerIdProblems(triggers, new Set(seen.keys())));
  return { expectedArtifacts, errors };
}

function triggerIdProblems(triggers: ReadonlyArray<Readonly<Record<string, unknown>>>, ids: ReadonlySet<string>): Problem[] {
  const problems: Problem[] = [];
  triggers.forEach((t, i) => {
    const list = t.expectedArtifactIds;
    if (list === undefined || list === null) return;
    if (!Array.isArray(list)) {
      problems.push({ path: `$.triggers[${i}].expectedArtifactIds`, message: 'must be a list of expected artifact ids' });
      return;
    }
    list.forEach((id, j) => {
      if (typeof id !== 'string' || !ids.has(id))
        problems.push({ path: `$.triggers[${i}].expectedArtifactIds[${j}]`, message: `no expected artifact has id ${JSON.stringify(id)}` });
    });
  });
  return problems;
}
