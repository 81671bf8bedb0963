/**
 * Binds a run's expected artifacts before it starts (every trigger, manual runs and local runs
 * go through here): the trigger object gains Orca's `artifacts` (what it carried plus what was
 * bound from the prior run or defaults) and `resolvedExpectedArtifacts` (each expected artifact
 * with its `boundArtifact`), which the execution record keeps and stages read
 * (stage-artifact.ts). A required artifact nothing binds throws ArtifactResolutionError, naming
 * it: no execution starts.
 */
import type { Artifact } from '../../../state-machines/model/expected-artifacts.js';
import type { Pipeline } from '../../../state-machines/model/pipeline.js';
import { loadPatternEngine } from '../../../state-machines/expressions/regex.js';
import type { ExecutionStore } from '../execution-store.js';
import { ArtifactResolutionError, artifactsIn, resolveExpectedArtifacts } from './resolve.js';

/** The prior execution's artifacts (Orca reads the pipeline's most recent execution). */
export type PriorArtifacts = () => Promise<readonly Artifact[]>;

/** The newest execution of the pipeline, from the store: its trigger's artifacts. */
export function priorArtifactsIn(store: Pick<ExecutionStore, 'list'>, pipeline: Pick<Pipeline, 'application' | 'name'>): PriorArtifacts {
  return async () => {
    const [latest] = await store.list({ application: pipeline.application, pipelineName: pipeline.name, limit: 1 });
    return latest ? artifactsIn(latest.trigger.artifacts) : [];
  };
}

export async function bindTriggerArtifacts(
  pipeline: Pick<Pipeline, 'application' | 'name' | 'expectedArtifacts'>,
  trigger: Readonly<Record<string, unknown>>,
  prior: PriorArtifacts,
): Promise<Record<string, unknown>> {
  const expectedArtifacts = pipeline.expectedArtifacts ?? [];
  if (trigger.artifacts !== undefined && !Array.isArray(trigger.artifacts)) throw new ArtifactResolutionError('artifacts: must be a list of artifacts');
  const received = artifactsIn(trigger.artifacts);
  if (expectedArtifacts.length === 0) return received.length > 0 ? { ...trigger, artifacts: received } : { ...trigger };
  const requiredIds = Array.isArray(trigger.expectedArtifactIds) ? trigger.expectedArtifactIds.filter((id): id is string => typeof id === 'string') : [];
  const priorList = expectedArtifacts.some((e) => e.usePriorArtifact) ? await prior() : [];
  await loadPatternEngine(); // match fields are user patterns
  try {
    const result = resolveExpectedArtifacts({ expectedArtifacts, requiredIds, received, prior: () => priorList });
    return { ...trigger, artifacts: result.artifacts, resolvedExpectedArtifacts: result.resolvedExpectedArtifacts };
  } catch (error) {
    if (error instanceof ArtifactResolutionError) {
      throw new ArtifactResolutionError(`pipeline ${pipeline.application}/${pipeline.name}: ${error.message}`);
    }
    throw error;
  }
}
