/**
 * The artifact a stage field names, as Orca's ArtifactUtils.getBoundArtifactForStage finds it:
 * `{artifactId}` (an expected artifact the trigger bound, from the execution's
 * `trigger.resolvedExpectedArtifacts`), `{artifact: {...}}` inline, or an artifact object itself.
 * A bound artifact without an account takes its matchArtifact's, and a stage's separate account
 * field (Deck's `…ArtifactAccount`) fills one still missing. Pure; errors name the field.
 */
import { type Artifact, cleanArtifact, expectedArtifactLabel } from '../../../state-machines/model/expected-artifacts.js';
import { StageConfigError } from '../stage-errors.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The resolvedExpectedArtifacts a trigger object carries (the record's, as Orca stores them). */
function resolvedOf(trigger: Readonly<Record<string, unknown>>): Record<string, unknown>[] {
  const list = trigger.resolvedExpectedArtifacts;
  return Array.isArray(list) ? list.filter(isObject) : [];
}

export function boundArtifactFor(value: unknown, field: string, trigger: Readonly<Record<string, unknown>>, account?: string): Artifact {
  if (!isObject(value)) throw new StageConfigError(`${field}: must name an artifact ({artifactId} of an expected artifact, or {artifact: {type, reference}})`);
  let artifact: Artifact;
  const id = typeof value.artifactId === 'string' && value.artifactId !== '' ? value.artifactId : undefined;
  if (id !== undefined) {
    const expected = resolvedOf(trigger).find((e) => e.id === id);
    if (!expected)
      throw new StageConfigError(
        `${field}.artifactId: no expected artifact with id '${id}' was resolved for this execution (declare it in the pipeline's expectedArtifacts)`,
      );
    const label = expectedArtifactLabel({ id, ...(typeof expected.displayName === 'string' ? { displayName: expected.displayName } : {}) });
    if (!isObject(expected.boundArtifact))
      throw new StageConfigError(`${field}.artifactId: expected artifact ${label} is not bound in this execution (nothing the trigger carried matched it)`);
    artifact = cleanArtifact(expected.boundArtifact);
    const matchAccount = isObject(expected.matchArtifact) ? expected.matchArtifact.artifactAccount : undefined;
    if (!artifact.artifactAccount && typeof matchAccount === 'string' && matchAccount !== '') artifact = { ...artifact, artifactAccount: matchAccount };
  } else if (isObject(value.artifact)) {
    artifact = cleanArtifact(value.artifact);
  } else if (typeof value.type === 'string') {
    artifact = cleanArtifact(value);
  } else {
    throw new StageConfigError(`${field}: names no artifact (give artifactId, or artifact: {type, reference})`);
  }
  if (!artifact.type) throw new StageConfigError(`${field}: the artifact has no type`);
  if (!artifact.artifactAccount && account) artifact = { ...artifact, artifactAccount: account };
  return artifact;
}
