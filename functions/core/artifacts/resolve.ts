/**
 * Binding a run's expected artifacts, as Orca's ArtifactUtils.resolveArtifacts and kork's
 * ArtifactResolver do. Pure: the caller passes what the trigger received and, when asked, the
 * prior execution's artifacts.
 *
 * - An expected artifact is resolved when the trigger lists its id in `expectedArtifactIds`, or it
 *   uses a default or the prior artifact (Orca's filter); each of those must bind or the run does
 *   not start. Others bind when exactly one received artifact matches, and are left unbound
 *   otherwise (a manual run may pass artifacts for them).
 * - Order: one received artifact that matches (two that match is an error: Orca requires unique
 *   matches), else the prior execution's (usePriorArtifact), else the default (useDefaultArtifact).
 * - Matching is kork's ExpectedArtifact.matches: every non-empty field of the matchArtifact among
 *   type, name, version, location and reference is a regular expression the artifact's field must
 *   match whole (on the linear-time engine); other fields are not compared.
 */
import { ExpressionFault } from '../../../state-machines/expressions/errors.js';
import { compileUserPattern } from '../../../state-machines/expressions/regex.js';
import {
  type Artifact,
  cleanArtifact,
  type ExpectedArtifact,
  expectedArtifactLabel,
  MATCHED_FIELDS,
} from '../../../state-machines/model/expected-artifacts.js';
import { GennakerError } from '../../../state-machines/errors.js';

/** An expected artifact with what it was bound to (Orca's resolvedExpectedArtifacts entries). */
interface ResolvedExpectedArtifact extends ExpectedArtifact {
  readonly boundArtifact?: Artifact;
}

/** A required expected artifact that nothing bound, or one that matched twice: the run does not start. */
export class ArtifactResolutionError extends GennakerError {
  override readonly kind = 'input';
}

/** Values longer than this never match (as trigger values), keeping every match bounded. */
const MAX_VALUE_LENGTH = 10_000;

function fieldMatches(pattern: unknown, value: unknown): boolean {
  if (typeof pattern !== 'string' || pattern === '') return true;
  if (typeof value !== 'string' || value.length > MAX_VALUE_LENGTH) return false;
  if (pattern === value) return true;
  try {
    return compileUserPattern(pattern).matchesWhole(value);
  } catch (error) {
    // validate refuses such patterns; a stored one that slipped through matches nothing.
    if (!(error instanceof ExpressionFault)) throw error;
    return false;
  }
}

/** kork's ExpectedArtifact.matches. */
export function artifactMatches(matchArtifact: Artifact, artifact: Artifact): boolean {
  return MATCHED_FIELDS.every((field) => fieldMatches(matchArtifact[field], artifact[field]));
}

/** Artifacts from untrusted JSON (a trigger, a request, a record): objects only, empty fields dropped. */
export function artifactsIn(value: unknown): Artifact[] {
  if (!Array.isArray(value)) return [];
  return value.filter((a): a is Record<string, unknown> => typeof a === 'object' && a !== null && !Array.isArray(a)).map(cleanArtifact);
}

export interface ResolveInput {
  readonly expectedArtifacts: readonly ExpectedArtifact[];
  /** The firing trigger's `expectedArtifactIds`. */
  readonly requiredIds: readonly string[];
  /** What the trigger (or the request) carried. */
  readonly received: readonly Artifact[];
  /** The prior execution's artifacts; called only when an expected artifact may use them. */
  readonly prior: () => readonly Artifact[];
}

export interface ResolveResult {
  readonly resolvedExpectedArtifacts: ResolvedExpectedArtifact[];
  /** The received artifacts, then those bound from the prior run or defaults (Orca's trigger.artifacts). */
  readonly artifacts: Artifact[];
}

function keyOf(a: Artifact): string {
  return JSON.stringify(MATCHED_FIELDS.map((f) => a[f] ?? null).concat([a.artifactAccount ?? null]));
}

function single(expected: ExpectedArtifact, candidates: readonly Artifact[], where: string): Artifact | undefined {
  const matches = candidates.filter((a) => artifactMatches(expected.matchArtifact, a));
  const distinct = [...new Map(matches.map((a) => [keyOf(a), a])).values()];
  if (distinct.length > 1) {
    const refs = distinct.map((a) => a.reference ?? a.name ?? a.type ?? '?').join(', ');
    throw new ArtifactResolutionError(
      `expected artifact ${expectedArtifactLabel(expected)} matches ${distinct.length} ${where} artifacts (${refs}): it must match one`,
    );
  }
  return distinct[0];
}

export function resolveExpectedArtifacts(input: ResolveInput): ResolveResult {
  const required = new Set(input.requiredIds);
  let prior: readonly Artifact[] | undefined;
  const resolved: ResolvedExpectedArtifact[] = [];
  const added: Artifact[] = [];
  const unbound: string[] = [];
  for (const expected of input.expectedArtifacts) {
    const mustBind = required.has(expected.id) || expected.useDefaultArtifact || expected.usePriorArtifact;
    let bound = single(expected, input.received, 'received');
    let fromElsewhere = false;
    if (!bound && expected.usePriorArtifact) {
      prior ??= input.prior();
      // The prior run's list may hold one artifact twice (received, then bound): the first counts.
      bound = prior.find((a) => artifactMatches(expected.matchArtifact, a));
      fromElsewhere = bound !== undefined;
    }
    if (!bound && expected.useDefaultArtifact && expected.defaultArtifact) {
      bound = expected.defaultArtifact;
      fromElsewhere = true;
    }
    if (!bound && mustBind) unbound.push(describeUnbound(expected, required.has(expected.id)));
    if (bound && fromElsewhere) added.push(bound);
    resolved.push({ ...expected, ...(bound ? { boundArtifact: bound } : {}) });
  }
  if (unbound.length > 0) throw new ArtifactResolutionError(`unbound expected artifact${unbound.length > 1 ? 's' : ''}: ${unbound.join('; ')}`);
  const seen = new Set(input.received.map(keyOf));
  const artifacts = [...input.received];
  for (const a of added) {
    if (seen.has(keyOf(a))) continue;
    seen.add(keyOf(a));
    artifacts.push(a);
  }
  return { resolvedExpectedArtifacts: resolved, artifacts };
}

function describeUnbound(expected: ExpectedArtifact, listed: boolean): string {
  const tried = [
    'no artifact the trigger carried matches it',
    ...(expected.usePriorArtifact ? ['the prior execution had none that matches'] : []),
    ...(expected.useDefaultArtifact ? [] : [listed ? 'it has no default (useDefaultArtifact)' : '']),
  ].filter((s) => s !== '');
  const match = MATCHED_FIELDS.filter((f) => expected.matchArtifact[f])
    .map((f) => `${f} ${JSON.stringify(expected.matchArtifact[f])}`)
    .join(', ');
  return `${expectedArtifactLabel(expected)}${match ? ` (match: ${match})` : ''}: ${tried.join(', ')}`;
}
