/**
 * Concurrency slots: a run may start only while it holds one. A slot is an item
 * `concurrency#<app>/<pipelineId>#<n>` in the locks table (locks-table.ts owns its keys and
 * conditions), taken only while free, so two triggers at once cannot both take the last slot. Its `holder` is the execution id, so
 * `releaseLocksHeldBy` (run by the lifecycle handler when the execution ends, however it ends)
 * frees it with the execution's other locks.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LocksTable, slotKey } from '../locks-table.js';

/** Whether a full slot's holder has ended (so its slot may be taken over), given when it took it. */
export type HolderEnded = (holder: string, acquiredAt: number) => Promise<boolean>;

export class ConcurrencySlots {
  private readonly table: LocksTable;

  constructor(db?: DynamoDBDocumentClient, table?: string) {
    this.table = new LocksTable({ ...(db ? { db } : {}), ...(table ? { table } : {}) });
  }

  /**
   * Takes a free slot (or, unless `takeOver` is false, one whose holder `ended`) for `holder`;
   * returns its number, or undefined when every slot is held.
   */
  async acquire(
    queueKey: string,
    maxRunning: number,
    holder: string,
    now: number,
    options: { takeOver?: false; ended?: HolderEnded } = {},
  ): Promise<number | undefined> {
    const item = (slot: number) => ({ pk: slotKey(queueKey, slot), holder, kind: 'concurrency', queueKey, acquiredAt: now });
    for (let slot = 0; slot < maxRunning; slot++) {
      if (await this.table.take(item(slot), { kind: 'free' })) return slot;
    }
    // Every slot is taken. A holder that has ended but was never released (its lifecycle event was
    // lost) must not block the pipeline for ever: take its slot over.
    if (options.takeOver === false || !options.ended) return undefined;
    for (let slot = 0; slot < maxRunning; slot++) {
      const current = (await this.table.read(slotKey(queueKey, slot))) as { holder?: string; acquiredAt?: number } | undefined;
      if (!current?.holder || !(await options.ended(current.holder, current.acquiredAt ?? 0))) continue;
      if (await this.table.take(item(slot), { kind: 'takeOver', from: current.holder })) return slot;
    }
    return undefined;
  }

  /** Releases the slot `holder` has (also done by releaseLocksHeldBy). */
  async release(queueKey: string, holder: string, maxRunning = 64): Promise<void> {
    for (let slot = 0; slot < maxRunning; slot++) {
      if (await this.table.release(slotKey(queueKey, slot), holder)) return;
    }
  }
}
