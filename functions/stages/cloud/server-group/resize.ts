/**
 * `resizeServerGroup`: Deck's actions scale_exact (capacity; missing fields keep their value),
 * scale_up and scale_down (by scaleNum instances or scalePct percent of the desired size). The new
 * capacity is computed once from the size before and saved, so a re-run never scales twice.
 */
import { resizeProblems } from '../../../../state-machines/stage-types/cloud.js';
import { checkCapacity, mergeCapacity, type Capacity } from '../../../core/cloud/index.js';
import { StageConfigError } from '../../../core/stage-api.js';
import { isObject, wholeNumber } from '../fields.js';
import { healthyCount, waitForUp } from '../up.js';
import { clearWait } from '../waiting.js';
import type { ServerGroupOperation } from './operation.js';
import { textOf } from '../../../../state-machines/model/problems.js';

/** The capacity a resize sets, from the current one. Pure. */
export function resizeTarget(current: Capacity, config: Readonly<Record<string, unknown>>, serverGroup: string): Capacity {
  const action = config.action ?? 'scale_exact';
  if (action === 'scale_exact') {
    const raw = isObject(config.capacity) ? config.capacity : {};
    const change = Object.fromEntries(
      (['min', 'max', 'desired'] as const).flatMap((field) => {
        const value = wholeNumber(raw, field);
        return value === undefined ? [] : [[field, value]];
      }),
    ) as Partial<Capacity>;
    return checkCapacity(mergeCapacity(current, change), serverGroup);
  }
  const num = wholeNumber(config, 'scaleNum');
  const pct = wholeNumber(config, 'scalePct');
  const by = num ?? (pct !== undefined ? Math.ceil((current.desired * pct) / 100) : undefined);
  if (by === undefined) throw new StageConfigError(`scaleNum: required for ${textOf(action)} (or scalePct)`);
  if (action === 'scale_up') {
    const desired = current.desired + by;
    return { min: current.min, max: Math.max(current.max, desired), desired };
  }
  if (action === 'scale_down') {
    const desired = Math.max(0, current.desired - by);
    return { min: Math.min(current.min, desired), max: current.max, desired };
  }
  throw new StageConfigError(`action: '${textOf(action)}' is not one of scale_exact, scale_up, scale_down`);
}

export const resizeOperation: ServerGroupOperation = {
  type: 'resizeServerGroup',
  done: 'resized',
  check: (config) => resizeProblems(config),
  plan: (config, group) => ({ capacity: resizeTarget(group.capacity, config, group.name) }),
  change: (state) => ({ kind: 'resize', serverGroup: state.serverGroup!, desired: state.capacity!.desired }),
  act: (driver, state) => driver.resizeServerGroup(state.serverGroup!, state.capacity!),
  async wait(w, state) {
    const grew = state.capacity!.desired > (state.before?.desired ?? 0);
    // A disabled group does not launch (Launch is suspended): nothing to wait for.
    if (!grew || !state.enabled) return { state: { ...state, status: 'succeeded' } };
    return waitForUp(w, state, state.serverGroup!, healthyCount(state.capacity!.desired), (s) => ({ ...clearWait(s), status: 'succeeded' }));
  },
};
