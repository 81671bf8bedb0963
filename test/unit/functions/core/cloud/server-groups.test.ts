import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { describe, expect, it } from 'vitest';
import { parseServerGroupName } from '../../../../../functions/core/cloud/naming.js';
import { cloneSpec } from '../../../../../functions/core/cloud/clone.js';
import { chooseSequence, createSpecProblems, type CreateServerGroupSpec } from '../../../../../functions/core/cloud/server-groups.js';

const existing = (name: string, createdTime: number, tags: Record<string, string> = {}) => ({
  name: parseServerGroupName(name),
  tags,
  createdTime,
});

describe('chooseSequence', () => {
  it('reuses the group an earlier run made with the same deploy key', () => {
    const groups = [existing('app-v001', 1), existing('app-v002', 2, { 'gennaker:deploy-key': 'exec-1' })];
    expect(chooseSequence('app', groups, { deployKey: 'exec-1' })).toBe(2);
  });

  it('otherwise takes the requested sequence, or the next after the newest', () => {
    const groups = [existing('app-v998', 1), existing('app-v999', 2), existing('app-v000', 3)];
    expect(chooseSequence('app', groups, { deployKey: 'exec-2' })).toBe(1);
    expect(chooseSequence('app', groups, { sequence: 7 })).toBe(7);
    expect(chooseSequence('app', [], {})).toBe(0);
  });
});

describe('createSpecProblems', () => {
  const spec: CreateServerGroupSpec = {
    application: 'app',
    imageId: 'ami-1',
    instanceType: 't3.micro',
    capacity: { min: 1, max: 1, desired: 1 },
    subnetIds: ['subnet-1'],
  };

  it('accepts a complete spec', () => {
    expect(createSpecProblems(spec)).toEqual([]);
  });

  it('lists every problem', () => {
    expect(
      createSpecProblems({
        ...spec,
        imageId: '',
        subnetIds: [],
        suspendedProcesses: ['Launch', 'Lunch'],
        healthCheckType: 'HTTP' as never,
        healthCheckGracePeriod: -1,
        tags: { 'gennaker:cluster': 'x' },
      }),
    ).toEqual([
      'imageId is required',
      'one of subnetIds, subnetType or availabilityZones is required',
      expect.stringContaining('unknown scaling process Lunch'),
      'healthCheckType must be EC2 or ELB, got HTTP',
      'healthCheckGracePeriod must be whole seconds ≥ 0',
      'tag gennaker:cluster: the gennaker: prefix is reserved',
    ]);
  });
});

describe('cloneSpec', () => {
  const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef';
  const group: AutoScalingGroup = {
    AutoScalingGroupName: 'app-prod-v004',
    MinSize: 1,
    MaxSize: 5,
    DesiredCapacity: 3,
    DefaultCooldown: 300,
    AvailabilityZones: ['us-east-1a'],
    CreatedTime: new Date(0),
    HealthCheckType: 'ELB',
    HealthCheckGracePeriod: 120,
    VPCZoneIdentifier: 'subnet-1,subnet-2',
    TargetGroupARNs: [],
    Tags: [
      { Key: 'Name', Value: 'app-prod-v004' },
      { Key: 'team', Value: 'payments' },
      { Key: 'gennaker:version', Value: '1.0.0' },
      { Key: 'gennaker:target-group:1', Value: TG },
    ],
  };
  const source = {
    name: parseServerGroupName('app-prod-v004'),
    group,
    launchData: { ImageId: 'ami-old', InstanceType: 'm5.large' as const, KeyName: 'k' },
  };

  it('copies the source (also a disabled one: its recorded target groups) and records what it replaces', () => {
    expect(cloneSpec(source, { source: 'app-prod-v004' })).toEqual({
      application: 'app',
      stack: 'prod',
      imageId: 'ami-old',
      instanceType: 'm5.large',
      capacity: { min: 1, max: 5, desired: 3 },
      subnetIds: ['subnet-1', 'subnet-2'],
      targetGroups: [TG],
      healthCheckType: 'ELB',
      healthCheckGracePeriod: 120,
      tags: { team: 'payments' },
      metadata: { version: '1.0.0', replaces: 'app-prod-v004' },
      launchTemplateBase: source.launchData,
    });
  });

  it('applies overrides; a new image does not inherit the old version', () => {
    const spec = cloneSpec(source, {
      source: 'app-prod-v004',
      imageId: 'ami-new',
      stack: '',
      detail: 'canary',
      capacity: { desired: 1 },
      subnetType: 'internal',
      metadata: { version: '2.0.0', executionId: 'e' },
    });
    expect(spec).toMatchObject({
      application: 'app',
      detail: 'canary',
      imageId: 'ami-new',
      capacity: { min: 1, max: 5, desired: 1 },
      subnetType: 'internal',
      metadata: { version: '2.0.0', executionId: 'e', replaces: 'app-prod-v004' },
    });
    expect(spec.stack).toBeUndefined();
    expect(spec.subnetIds).toBeUndefined();
  });
});
