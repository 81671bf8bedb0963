import { describe, expect, it } from 'vitest';
import { copiedPolicyName, policyCopyInput } from '../../../../../functions/core/cloud/scaling-policies.js';

describe('copying scaling policies', () => {
  it('derives the copy name from the target group', () => {
    expect(copiedPolicyName('app-v001-cpu', 'app-v001', 'app-v002')).toBe('app-v002-cpu');
    expect(copiedPolicyName('cpu', 'app-v001', 'app-v002')).toBe('app-v002-cpu');
    expect(copiedPolicyName('x'.repeat(300), 'app-v001', 'app-v002')).toHaveLength(255);
  });

  it('copies a target tracking policy without the fields of other types', () => {
    expect(
      policyCopyInput(
        {
          AutoScalingGroupName: 'app-v001',
          PolicyName: 'cpu',
          PolicyType: 'TargetTrackingScaling',
          StepAdjustments: [],
          PredictiveScalingConfiguration: {} as never,
          TargetTrackingConfiguration: { TargetValue: 50, PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' } },
          Enabled: true,
        },
        'app-v001',
        'app-v002',
      ),
    ).toEqual({
      AutoScalingGroupName: 'app-v002',
      PolicyName: 'app-v002-cpu',
      PolicyType: 'TargetTrackingScaling',
      Enabled: true,
      TargetTrackingConfiguration: { TargetValue: 50, PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' } },
    });
  });

  it('copies step and simple policies', () => {
    expect(
      policyCopyInput(
        {
          PolicyName: 'up',
          PolicyType: 'StepScaling',
          AdjustmentType: 'ChangeInCapacity',
          MetricAggregationType: 'Average',
          StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
        },
        'app-v001',
        'app-v002',
      ),
    ).toEqual({
      AutoScalingGroupName: 'app-v002',
      PolicyName: 'app-v002-up',
      PolicyType: 'StepScaling',
      AdjustmentType: 'ChangeInCapacity',
      MetricAggregationType: 'Average',
      StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
    });
    expect(
      policyCopyInput({ PolicyName: 'app-v001-simple', AdjustmentType: 'ExactCapacity', ScalingAdjustment: 3, Cooldown: 60 }, 'app-v001', 'app-v002'),
    ).toEqual({
      AutoScalingGroupName: 'app-v002',
      PolicyName: 'app-v002-simple',
      PolicyType: 'SimpleScaling',
      AdjustmentType: 'ExactCapacity',
      ScalingAdjustment: 3,
      Cooldown: 60,
    });
  });
});
