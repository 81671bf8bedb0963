/**
 * Provisioned concurrency on an alias (`provisionedConcurrentExecutions`, set where the plugin sets
 * it: Qualifier = the alias), one call at a time like converge.ts: read the alias's configuration,
 * make the one change still needed (put when the value differs, delete for 0), and wait until
 * Lambda reports READY. Lambda re-allocates when the alias moves to another version, so an
 * unchanged value is waited for too. A FAILED allocation fails the stage when this stage asked for
 * it; one left FAILED from before is asked for again once. The intent is checkpointed before each
 * change, so a re-run after a crash makes the same call (both are idempotent) and no other.
 */
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { provisionedConcurrency, setProvisionedConcurrency } from '../../../core/cloud/lambda/index.js';
import { StageConfigError } from '../../../core/stage-api.js';
import { CloudStageError } from '../errors.js';
import { wholeNumber } from '../fields.js';
import { MAX_PROVISIONED } from '../../../../state-machines/stage-types/lambda.js';
import { clearWait, poll, type WaitFields } from '../waiting.js';

export interface ProvisionedState extends WaitFields {
  /** This stage asked Lambda for the value (a FAILED allocation after that is the stage's failure). */
  readonly requested?: boolean;
}

export type ProvisionedStep =
  | { readonly kind: 'done' }
  | { readonly kind: 'changed'; readonly state: ProvisionedState }
  | { readonly kind: 'wait'; readonly state: ProvisionedState; readonly waitSeconds: number };

/** How long a stage waits for Lambda to allocate provisioned concurrency. */
const PROVISIONED_TIMEOUT_SECONDS = 15 * 60;

class ProvisionedConcurrencyError extends CloudStageError {}

/** The field as the plugin reads it: a number ≥ 0 (0 removes it), or undefined when unset. */
export function provisionedOf(config: Readonly<Record<string, unknown>>): number | undefined {
  const n = wholeNumber(config, 'provisionedConcurrentExecutions');
  if (n !== undefined && n > MAX_PROVISIONED)
    throw new StageConfigError(`provisionedConcurrentExecutions: must be from 0 to ${MAX_PROVISIONED} (got ${n}; 0 removes it)`);
  return n;
}

/**
 * One step towards `wanted` provisioned executions on `name:alias` (0 = none). `save` checkpoints
 * the state before a change.
 */
export async function provisionedStep(
  lambda: LambdaClient,
  name: string,
  alias: string,
  wanted: number,
  initial: ProvisionedState,
  now: number,
  save: (state: ProvisionedState) => Promise<void>,
): Promise<ProvisionedStep> {
  const current = await provisionedConcurrency(lambda, name, alias);
  const where = `${name}:${alias}`;
  if (wanted === 0) {
    if (!current) return { kind: 'done' };
    const state = { ...clearWait(initial), requested: true };
    await save(state);
    await setProvisionedConcurrency(lambda, name, alias, undefined);
    return { kind: 'changed', state };
  }
  if (!current || current.requested !== wanted || (current.status === 'FAILED' && !initial.requested)) {
    const state = { ...clearWait(initial), requested: true };
    await save(state);
    await setProvisionedConcurrency(lambda, name, alias, wanted);
    return { kind: 'changed', state };
  }
  if (current.status === 'READY') return { kind: 'done' };
  if (current.status === 'FAILED') {
    throw new ProvisionedConcurrencyError(
      `provisioned concurrency of ${wanted} on ${where} failed: ${current.reason ?? 'Lambda gave no reason'} (the alias keeps its traffic)`,
    );
  }
  const next = poll(initial, now, PROVISIONED_TIMEOUT_SECONDS);
  if (next.timedOut) {
    throw new ProvisionedConcurrencyError(
      `provisioned concurrency of ${wanted} on ${where} was still ${current.status} after ${next.waitedSeconds} s (${current.allocated} allocated)`,
    );
  }
  return { kind: 'wait', state: next.state, waitSeconds: next.waitSeconds };
}
