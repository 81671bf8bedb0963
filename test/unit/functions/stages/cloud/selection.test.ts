/** Which server groups targets, cluster stages, findImage and rollbacks pick (pure). */
import { describe, expect, it } from 'vitest';
import type { ServerGroupView } from '../../../../../functions/core/cloud/index.js';
import { selectToDisable, selectToScaleDown, selectToShrink } from '../../../../../functions/stages/cloud/cluster/selection.js';
import { selectImageGroup } from '../../../../../functions/stages/cloud/find-image.js';
import { clusterRollbackPlan, restoreCapacity } from '../../../../../functions/stages/cloud/rollback/plan.js';
import { resizeTarget } from '../../../../../functions/stages/cloud/server-group/resize.js';
import { pickTarget, targetKind } from '../../../../../functions/stages/cloud/targets.js';

function group(sequence: number, extra: Partial<ServerGroupView> = {}): ServerGroupView {
  const name = `app-prod-v${String(sequence).padStart(3, '0')}`;
  return {
    app: 'app',
    stack: 'prod',
    cluster: 'app-prod',
    name,
    sequence,
    region: 'us-east-1',
    createdTime: new Date(Date.UTC(2030, 0, 1, sequence)).toISOString(),
    capacity: { min: 1, max: 3, desired: 2 },
    enabled: true,
    suspendedProcesses: [],
    targetGroupArns: [],
    recordedTargetGroupArns: [],
    subnetIds: [],
    availabilityZones: [],
    healthCheckType: 'EC2',
    imageId: `ami-${sequence}`,
    tags: {},
    instances: [],
    upCount: 0,
    ...extra,
  };
}

describe('targets', () => {
  const groups = [group(0, { capacity: { min: 1, max: 9, desired: 5 } }), group(1), group(2), group(3, { status: 'Delete in progress' })];
  it.each([
    ['current_asg_dynamic', 'app-prod-v002'],
    ['ancestor_asg_dynamic', 'app-prod-v001'],
    ['oldest_asg_dynamic', 'app-prod-v000'],
    ['largest_asg_dynamic', 'app-prod-v000'],
    ['current_asg', 'app-prod-v002'],
  ])('%s → %s (groups being deleted do not count)', (target, expected) => {
    expect(pickTarget(groups, targetKind(target))?.name).toBe(expected);
  });
  it('refuses unknown targets', () => {
    expect(() => targetKind('newest')).toThrow(/target: 'newest' is not one of/);
  });
});

describe('cluster selections', () => {
  const groups = [
    group(0, { enabled: false }),
    group(1, { enabled: false, capacity: { min: 0, max: 0, desired: 0 } }),
    group(2, { capacity: { min: 1, max: 9, desired: 6 } }),
    group(3),
  ];
  it('disableCluster keeps the newest (or largest) enabled', () => {
    expect(selectToDisable(groups, 1, false)).toEqual(['app-prod-v002']);
    expect(selectToDisable(groups, 1, true)).toEqual(['app-prod-v003']);
  });
  it('scaleDownCluster skips active groups unless allowed, and those already at 0', () => {
    expect(selectToScaleDown(groups, 1, false, false)).toEqual(['app-prod-v000']);
    expect(selectToScaleDown(groups, 1, false, true)).toEqual(['app-prod-v002', 'app-prod-v000']);
  });
  it('shrinkCluster keeps shrinkToSize and deletes active ones only when allowed', () => {
    expect(selectToShrink(groups, 2, false, false)).toEqual(['app-prod-v001', 'app-prod-v000']);
    expect(selectToShrink(groups, 1, false, true)).toEqual(['app-prod-v002', 'app-prod-v001', 'app-prod-v000']);
  });
});

describe('findImage selection', () => {
  const groups = [group(0, { capacity: { min: 1, max: 9, desired: 7 } }), group(1)];
  it('NEWEST, OLDEST, LARGEST, FAIL', () => {
    expect(selectImageGroup(groups, 'NEWEST', 'c')?.imageId).toBe('ami-1');
    expect(selectImageGroup(groups, 'OLDEST', 'c')?.imageId).toBe('ami-0');
    expect(selectImageGroup(groups, 'LARGEST', 'c')?.imageId).toBe('ami-0');
    expect(() => selectImageGroup(groups, 'FAIL', 'cluster c')).toThrow('cluster c runs 2 images (ami-1, ami-0); selectionStrategy FAIL wants exactly one');
    expect(selectImageGroup([group(0), group(1, { imageId: 'ami-0' })], 'FAIL', 'c')?.name).toBe('app-prod-v001');
  });
});

describe('rollback plans', () => {
  it('goes back to the group the current one replaced', () => {
    const plan = clusterRollbackPlan(
      [group(0, { enabled: false }), group(1, { enabled: false }), group(2, { tags: { 'gennaker:replaces': 'app-prod-v000' } })],
      'app-prod',
      'us-east-1',
    );
    expect(plan).toMatchObject({ mode: 'explicit', rollback: { name: 'app-prod-v002' }, restore: { name: 'app-prod-v000' } });
  });
  it('else to the newest older group with another image', () => {
    const plan = clusterRollbackPlan([group(0), group(1, { imageId: 'ami-2' }), group(2)], 'app-prod', 'us-east-1');
    expect(plan).toMatchObject({ mode: 'explicit', restore: { name: 'app-prod-v000' } });
  });
  it('else to the previous image recorded on the current group', () => {
    const plan = clusterRollbackPlan([group(4, { tags: { 'gennaker:previous-image-id': 'ami-3' } })], 'app-prod', 'us-east-1');
    expect(plan).toEqual({ mode: 'image', rollback: expect.objectContaining({ name: 'app-prod-v004' }), imageId: 'ami-3' });
  });
  it('refuses when there is nothing to go back to', () => {
    expect(() => clusterRollbackPlan([group(0)], 'app-prod', 'us-east-1')).toThrow(/nothing to roll back to/);
    expect(() => clusterRollbackPlan([group(0, { enabled: false })], 'app-prod', 'us-east-1')).toThrow(/no enabled server group/);
  });
  it('restores at least the capacity it takes over', () => {
    expect(restoreCapacity({ min: 0, max: 1, desired: 1 }, { min: 2, max: 4, desired: 3 })).toEqual({ min: 2, max: 4, desired: 3 });
    expect(restoreCapacity({ min: 1, max: 9, desired: 5 }, { min: 2, max: 4, desired: 3 })).toEqual({ min: 1, max: 9, desired: 5 });
  });
});

describe('resizeTarget', () => {
  const current = { min: 1, max: 4, desired: 2 };
  it.each<[Record<string, unknown>, object]>([
    [{ capacity: { desired: 3 } }, { min: 1, max: 4, desired: 3 }],
    [
      { action: 'scale_exact', capacity: { min: 0, max: 0, desired: 0 } },
      { min: 0, max: 0, desired: 0 },
    ],
    [
      { action: 'scale_up', scaleNum: 3 },
      { min: 1, max: 5, desired: 5 },
    ],
    [
      { action: 'scale_up', scalePct: 50 },
      { min: 1, max: 4, desired: 3 },
    ],
    [
      { action: 'scale_down', scaleNum: 5 },
      { min: 0, max: 4, desired: 0 },
    ],
  ])('%j', (config, expected) => {
    expect(resizeTarget(current, config, 'g')).toEqual(expected);
  });
  it('refuses an impossible capacity', () => {
    expect(() => resizeTarget(current, { capacity: { min: 5 } }, 'app-v001')).toThrow(/min \(5\) is greater than max \(4\)/);
  });
});
