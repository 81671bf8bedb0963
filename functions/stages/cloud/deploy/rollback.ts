/**
 * Rolling a failed deploy back: the groups that served before get their capacity and traffic back,
 * then the new group is taken out and scaled to zero. No traffic guard applies: this returns the
 * cluster to the state it was in before the deploy (which the guards accepted). Each step is
 * idempotent, like the deploy steps.
 */
import { ResourceNotFoundError, sameCapacity, type Capacity } from '../../../core/cloud/index.js';
import type { StepResult } from '../units.js';
import { clearWait } from '../waiting.js';
import type { RollbackStep } from './strategy.js';
import { healthyCount, waitForUp } from '../up.js';
import { rollbackCanaries, rollbackRoutes } from './progressive.js';
import { nextStep, type DeployUnitContext, type DeployUnitState, type Snapshot } from './state.js';

type Result = StepResult<DeployUnitState>;

function servedBefore(state: DeployUnitState): Snapshot[] {
  return (state.ancestors ?? []).filter((a) => a.enabled && a.name !== state.serverGroup);
}

async function restoreAncestors(u: DeployUnitContext, state: DeployUnitState): Promise<Result> {
  const driver = await u.provider();
  const missing: string[] = [];
  for (const ancestor of servedBefore(state)) {
    const current = await driver.describeServerGroup(ancestor.name, { launchTemplates: false, targetHealth: false });
    if (!current || current.status) {
      missing.push(ancestor.name);
      continue;
    }
    if (!sameCapacity(current.capacity, ancestor.capacity)) await driver.resizeServerGroup(ancestor.name, ancestor.capacity);
    if (!current.enabled) await driver.enableServerGroup(ancestor.name);
  }
  const note = missing.length > 0 ? `; could not restore ${missing.join(', ')}: gone` : '';
  return { state: nextStep(state, note ? { error: `${state.error ?? ''}${note}` } : {}) };
}

async function waitAncestorsUp(u: DeployUnitContext, state: DeployUnitState): Promise<Result> {
  const driver = await u.provider();
  for (const ancestor of servedBefore(state)) {
    const exists = await driver.describeServerGroup(ancestor.name, { launchTemplates: false, targetHealth: false });
    if (!exists) continue;
    const expected = healthyCount(ancestor.capacity.desired, u.cluster.options.targetHealthyDeployPercentage);
    const result = await waitForUp({ driver, now: u.ctx.clock.now(), timeoutSeconds: u.upTimeoutSeconds }, state, ancestor.name, expected, (s) => s);
    if (result.waitSeconds !== undefined) return result;
  }
  return { state: nextStep(clearWait(state)) };
}

const ZERO: Capacity = { min: 0, max: 0, desired: 0 };

async function retireNew(u: DeployUnitContext, state: DeployUnitState): Promise<Result> {
  if (state.serverGroup) {
    const driver = await u.provider();
    try {
      await driver.disableServerGroup(state.serverGroup);
      if (u.cluster.options.destroyOnFailure) await driver.destroyServerGroup(state.serverGroup);
      else await driver.resizeServerGroup(state.serverGroup, ZERO);
    } catch (error) {
      if (!(error instanceof ResourceNotFoundError)) throw error;
    }
  }
  return { state: nextStep(state) };
}

export async function runRollbackStep(step: RollbackStep, u: DeployUnitContext, state: DeployUnitState): Promise<Result> {
  switch (step.kind) {
    case 'restoreAncestors':
      return restoreAncestors(u, state);
    case 'waitAncestorsUp':
      return waitAncestorsUp(u, state);
    case 'retireNew':
      return retireNew(u, state);
    case 'closeRoutes':
      return rollbackRoutes(u, state);
    case 'dropCanaries':
      return rollbackCanaries(u, state);
  }
}
