import { describe, expect, it } from 'vitest';
import {
  deriveEnabled,
  evaluateUp,
  instanceProblems,
  isNoop,
  planDisable,
  planEnable,
  targetGroupName,
  targetHealthOf,
  type InstanceView,
} from '../../../../../functions/core/cloud/state.js';

const TG1 = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef';
const TG2 = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/fedcba9876543210';

describe('enabled / disabled', () => {
  it('is enabled when in all its target groups with AddToLoadBalancer running', () => {
    expect(deriveEnabled({ suspendedProcesses: [], attachedTargetGroups: [TG1], recordedTargetGroups: [TG1] })).toEqual({ enabled: true });
    expect(deriveEnabled({ suspendedProcesses: ['AZRebalance'], attachedTargetGroups: [], recordedTargetGroups: [] })).toEqual({ enabled: true });
  });

  it('is disabled when AddToLoadBalancer is suspended', () => {
    expect(deriveEnabled({ suspendedProcesses: ['AddToLoadBalancer'], attachedTargetGroups: [TG1], recordedTargetGroups: [TG1] })).toEqual({
      enabled: false,
      reason: 'AddToLoadBalancer is suspended',
    });
  });

  it('is disabled when detached from a target group it belongs to', () => {
    expect(deriveEnabled({ suspendedProcesses: [], attachedTargetGroups: [TG1], recordedTargetGroups: [TG1, TG2] })).toEqual({
      enabled: false,
      reason: 'detached from target group api',
    });
  });
});

describe('enable / disable plans', () => {
  it('enable resumes the traffic processes and attaches the recorded target groups', () => {
    const plan = planEnable({
      suspendedProcesses: ['Launch', 'Terminate', 'AddToLoadBalancer', 'AZRebalance'],
      attachedTargetGroups: [],
      recordedTargetGroups: [TG1, TG2],
    });
    expect(plan).toEqual({ suspend: [], resume: ['Launch', 'Terminate', 'AddToLoadBalancer'], attach: [TG1, TG2], detach: [], record: [] });
  });

  it('disable suspends, records what it will detach, and detaches', () => {
    const plan = planDisable({ suspendedProcesses: ['Launch'], attachedTargetGroups: [TG1, TG2], recordedTargetGroups: [TG1] });
    expect(plan).toEqual({ suspend: ['Terminate', 'AddToLoadBalancer'], resume: [], attach: [], detach: [TG1, TG2], record: [TG2] });
  });

  it('both are no-ops when already so', () => {
    expect(isNoop(planEnable({ suspendedProcesses: [], attachedTargetGroups: [TG1], recordedTargetGroups: [TG1] }))).toBe(true);
    expect(
      isNoop(planDisable({ suspendedProcesses: ['Launch', 'Terminate', 'AddToLoadBalancer'], attachedTargetGroups: [], recordedTargetGroups: [TG1] })),
    ).toBe(true);
  });
});

describe('up', () => {
  const healthy = (id: string): InstanceView => ({
    instanceId: id,
    lifecycleState: 'InService',
    healthStatus: 'Healthy',
    targetHealth: [{ targetGroupArn: TG1, state: 'healthy' }],
  });

  it('counts instances InService, Healthy and healthy in every target group', () => {
    const result = evaluateUp(
      [
        healthy('i-1'),
        healthy('i-2'),
        { ...healthy('i-3'), lifecycleState: 'Pending' },
        {
          ...healthy('i-4'),
          targetHealth: [{ targetGroupArn: TG1, state: 'unhealthy', reason: 'Target.FailedHealthChecks', description: 'Health checks failed' }],
        },
        { ...healthy('i-5'), healthStatus: 'Unhealthy' },
      ],
      2,
    );
    expect(result).toEqual({
      up: true,
      expected: 2,
      upCount: 2,
      unhealthy: [
        { instanceId: 'i-3', reason: 'lifecycle state Pending' },
        { instanceId: 'i-4', reason: 'target group web unhealthy (Target.FailedHealthChecks: Health checks failed)' },
        { instanceId: 'i-5', reason: 'Auto Scaling health Unhealthy' },
      ],
    });
  });

  it('is not up below the expected capacity; zero expected is up', () => {
    expect(evaluateUp([healthy('i-1')], 2).up).toBe(false);
    expect(evaluateUp([], 0).up).toBe(true);
  });

  it('an instance missing from a target group is not up', () => {
    const index = new Map([
      [TG1, new Map([['i-1', { state: 'healthy' }]])],
      [TG2, new Map()],
    ]);
    const targetHealth = targetHealthOf('i-1', [TG1, TG2], index);
    expect(instanceProblems({ instanceId: 'i-1', lifecycleState: 'InService', healthStatus: 'Healthy', targetHealth })).toEqual([
      'target group api not-registered (Target.NotRegistered)',
    ]);
  });

  it('names target groups from their ARNs', () => {
    expect(targetGroupName(TG1)).toBe('web');
    expect(targetGroupName('not-an-arn')).toBe('not-an-arn');
  });
});
