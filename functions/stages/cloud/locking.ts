/**
 * Every mutating cloud stage runs holding the locks of the clusters it changes (functions/core/
 * cluster-lock.ts). Each call of the stage takes (or renews) them before doing anything:
 *   - all taken: the stage runs; when it finishes (succeeded or failed) they are released, while it
 *     waits they are kept, with a lease that outlasts the wait (the heartbeat);
 *   - one is held by another execution: the stage returns RUNNING and tries again with backoff, up
 *     to the lock wait timeout, then fails naming the execution that holds it.
 * A crash keeps the locks: the re-run takes them again as the same holder, and the lifecycle
 * handler releases whatever an execution still holds when it ends.
 */
import { ClusterLockedError, DEFAULT_LEASE_SECONDS, sortedKeys, type ClusterKey, type HeldLock } from '../../core/cluster-lock.js';
import { StageConfigError, type StageImplementation, type StageRunContext, type TaskResult, stageFields } from '../../core/stage-api.js';
import type { SecretFetcher } from '../../core/secrets/scope.js';
import type { CloudEnv } from './deps.js';

export interface LockedStage {
  readonly type: string;
  validate?(config: Record<string, unknown>): string[];
  /** The clusters this call will change; pure (from the config). */
  locks(ctx: StageRunContext): ClusterKey[] | Promise<ClusterKey[]>;
  run(ctx: StageRunContext): Promise<TaskResult>;
  cancel?(ctx: StageRunContext): Promise<string | undefined>;
  /** Reads the secrets this stage's references name (a GitHub artifact account's token). */
  readonly secrets?: SecretFetcher;
}

interface LockWait {
  readonly since: number;
  readonly polls: number;
}

/** What every locked stage keeps in its context beside its own state; `null` clears a field. */
interface LockFields {
  /** The locks held while the stage waits, for cancel, which may be called without the stage's config. */
  readonly heldLocks: readonly ClusterKey[] | null;
  /** Since when and how often this stage waited for a lock another execution holds. */
  readonly lockWait: LockWait | null;
  /** Who held the lock it last waited for. */
  readonly lockedBy: { readonly execution: string; readonly stage: string };
}
const LOCKS = stageFields<LockFields>();

const FIRST_RETRY_SECONDS = 5;
const MAX_RETRY_SECONDS = 30;
/** Extra lease beyond a wait, so a late call still finds the lock its own. */
const LEASE_MARGIN_SECONDS = 300;

function lockRetrySeconds(polls: number): number {
  return Math.min(MAX_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** polls);
}

export function withClusterLocks(stage: LockedStage, env: CloudEnv): StageImplementation {
  return {
    type: stage.type,
    ...(stage.secrets ? { secrets: stage.secrets } : {}),
    ...(stage.validate ? { validate: (config: Record<string, unknown>) => stage.validate!(config) } : {}),
    // Undo what can be undone, then let go of the clusters (the execution's end releases them too).
    async cancel(ctx) {
      const done = await stage.cancel?.(ctx);
      const held = LOCKS.of(ctx.state).heldLocks ?? [];
      const locks = env.locks(ctx.clock);
      await Promise.all(held.map((k) => locks.release(k, { executionId: ctx.executionId, stage: ctx.stage.refId })));
      return done;
    },
    async run(ctx) {
      const keys = sortedKeys(await stage.locks(ctx));
      const locks = env.locks(ctx.clock);
      const holder = { executionId: ctx.executionId, stage: ctx.stage.refId };
      const release = () => Promise.all(keys.map((k) => locks.release(k, holder)));

      let blocked: { key: ClusterKey; heldBy: HeldLock } | undefined;
      for (const key of keys) {
        const outcome = await locks.acquire(key, holder);
        if (!outcome.acquired) {
          blocked = { key, heldBy: outcome.heldBy };
          break;
        }
      }
      const waiting = LOCKS.of(ctx.state).lockWait;
      if (blocked) {
        // Nothing was changed in this call: let go of what we took, so a partial set blocks nobody.
        await release();
        return waitForLock(ctx, env, blocked, waiting ?? undefined);
      }

      let result: TaskResult;
      try {
        result = await stage.run(ctx);
      } catch (error) {
        // Bad configuration ends the stage (the engine fails it); anything else is retried holding the locks.
        if (error instanceof StageConfigError) await release();
        throw error;
      }
      if (result.status === 'RUNNING') {
        const lease = result.waitSeconds + LEASE_MARGIN_SECONDS;
        if (lease > DEFAULT_LEASE_SECONDS) for (const key of keys) await locks.acquire(key, holder, lease);
        // Recorded for cancel, which may be called without the stage's config.
        return { ...result, context: { ...result.context, ...LOCKS.save({ heldLocks: keys, ...(waiting ? { lockWait: null } : {}) }) } };
      }
      await release();
      return { ...result, context: { ...result.context, ...LOCKS.save({ heldLocks: null, ...(waiting ? { lockWait: null } : {}) }) } };
    },
  };
}

function waitForLock(ctx: StageRunContext, env: CloudEnv, blocked: { key: ClusterKey; heldBy: HeldLock }, waiting?: LockWait): TaskResult {
  const now = ctx.clock.now();
  const since = waiting?.since ?? now;
  const polls = waiting?.polls ?? 0;
  const waited = Math.round((now - since) / 1000);
  const lockedBy = { execution: blocked.heldBy.executionId, stage: blocked.heldBy.stage };
  if (waited >= env.lockWaitTimeoutSeconds) {
    return {
      status: 'FAILED',
      error: new ClusterLockedError(blocked.key, blocked.heldBy, waited).message,
      context: LOCKS.save({ lockWait: null, lockedBy }),
    };
  }
  const remaining = env.lockWaitTimeoutSeconds - waited;
  return {
    status: 'RUNNING',
    waitSeconds: Math.max(1, Math.min(lockRetrySeconds(polls), remaining)),
    context: LOCKS.save({ lockWait: { since, polls: polls + 1 }, lockedBy }),
  };
}
