/**
 * Physical names of a pipeline's resources. A state machine's name is derived from the pipeline,
 * never generated, so the platform can name its ARN (for GENNAKER_STATE_MACHINES and IAM) without
 * a reference to the pipeline's stack, which would make the two stacks depend on each other.
 */
import { createHash } from 'node:crypto';
import type { Pipeline } from '../../state-machines/index.js';

/** Step Functions allows 80 characters of [A-Za-z0-9_-] (more, but those are safe in ARNs and URLs). */
const MAX_NAME = 80;

export function stateMachineName(prefix: string, pipeline: Pick<Pipeline, 'application' | 'name'>): string {
  const raw = `${prefix}-${pipeline.application}-${pipeline.name}`;
  const clean = raw.replace(/[^A-Za-z0-9_-]+/g, '-');
  if (clean.length <= MAX_NAME && clean === raw) return clean;
  // Changed or shortened: a digest of the original keeps distinct pipelines distinct.
  const digest = createHash('sha256').update(raw).digest('hex').slice(0, 8);
  return `${clean.slice(0, MAX_NAME - digest.length - 1)}-${digest}`;
}

/** The keys the runtime looks pipelines up by (pipeline-launcher.ts stateMachineArnFor). */
export function lookupKeys(pipeline: Pick<Pipeline, 'application' | 'name' | 'id'>): string[] {
  return [...new Set([`${pipeline.application}/${pipeline.name}`, `${pipeline.application}/${pipeline.id}`])];
}
