import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../../../../functions/core/cloud/errors.js';
import {
  buildLaunchTemplateData,
  checkUserData,
  launchTemplateFingerprint,
  launchTemplateName,
  requestDataFrom,
} from '../../../../../functions/core/cloud/launch-templates.js';

describe('launchTemplateName', () => {
  it('is the server group name when AWS allows it', () => {
    expect(launchTemplateName('app-prod-canary-v001')).toBe('app-prod-canary-v001');
    expect(launchTemplateName('my.app-x_y-v001')).toBe('my.app-x_y-v001');
  });

  it('replaces characters AWS refuses and adds a hash so names stay distinct', () => {
    const a = launchTemplateName('app--a~b-v001');
    const b = launchTemplateName('app--a^b-v001');
    expect(a).toMatch(/^app--a_b-v001-[0-9a-f]{8}$/);
    expect(b).toMatch(/^app--a_b-v001-[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
  });
});

describe('buildLaunchTemplateData', () => {
  it('writes complete data from the spec', () => {
    expect(
      buildLaunchTemplateData({
        imageId: 'ami-1',
        instanceType: 't3.micro',
        userData: Buffer.from('#!/bin/sh\necho hi').toString('base64'),
        securityGroupIds: ['sg-1'],
        keyName: 'deploy',
        iamInstanceProfile: 'app-profile',
        requireImdsV2: true,
        detailedMonitoring: true,
      }),
    ).toEqual({
      ImageId: 'ami-1',
      InstanceType: 't3.micro',
      UserData: 'IyEvYmluL3NoCmVjaG8gaGk=',
      SecurityGroupIds: ['sg-1'],
      KeyName: 'deploy',
      IamInstanceProfile: { Name: 'app-profile' },
      MetadataOptions: { HttpTokens: 'required' },
      Monitoring: { Enabled: true },
    });
  });

  it('takes an instance profile ARN as an ARN', () => {
    const data = buildLaunchTemplateData({ imageId: 'ami-1', instanceType: 't3.micro', iamInstanceProfile: 'arn:aws:iam::123456789012:instance-profile/x' });
    expect(data.IamInstanceProfile).toEqual({ Arn: 'arn:aws:iam::123456789012:instance-profile/x' });
  });

  it('writes the spec over a base (clone), keeping what the spec does not set', () => {
    const base = requestDataFrom({
      ImageId: 'ami-old',
      InstanceType: 'm5.large',
      KeyName: 'old',
      SecurityGroups: ['default'],
      UserData: 'aGk=',
      MetadataOptions: { HttpTokens: 'optional', HttpPutResponseHopLimit: 2 },
    });
    expect(buildLaunchTemplateData({ imageId: 'ami-new', instanceType: 'm5.large', securityGroupIds: ['sg-9'], requireImdsV2: true }, base)).toEqual({
      ImageId: 'ami-new',
      InstanceType: 'm5.large',
      KeyName: 'old',
      UserData: 'aGk=',
      SecurityGroupIds: ['sg-9'],
      MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
    });
  });

  it('refuses user data that is not base64', () => {
    expect(() => buildLaunchTemplateData({ imageId: 'ami-1', instanceType: 't3.micro', userData: '#!/bin/sh' })).toThrow(InvalidRequestError);
    expect(() => checkUserData('abc', 'app-v001')).toThrow(/user data of app-v001 must be base64/);
    expect(() => checkUserData('', 'x')).not.toThrow();
  });
});

describe('requestDataFrom', () => {
  it('drops service-managed fields, empty lists and launch-template tag specifications', () => {
    expect(
      requestDataFrom({
        ImageId: 'ami-1',
        SecurityGroupIds: [],
        Operator: { Managed: false },
        TagSpecifications: [
          { ResourceType: 'instance', Tags: [{ Key: 'a', Value: 'b' }] },
          { ResourceType: 'launch-template', Tags: [{ Key: 'gennaker:server-group', Value: 'x' }] },
        ],
      }),
    ).toEqual({ ImageId: 'ami-1', TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'a', Value: 'b' }] }] });
  });
});

describe('launchTemplateFingerprint', () => {
  it('ignores key order and undefined fields, and fits in a version description', () => {
    const a = launchTemplateFingerprint({ ImageId: 'ami-1', InstanceType: 't3.micro', KeyName: undefined });
    const b = launchTemplateFingerprint({ InstanceType: 't3.micro', ImageId: 'ami-1' });
    expect(a).toBe(b);
    expect(a).toMatch(/^gennaker:sha256:[0-9a-f]{40}$/);
  });

  it('differs when the data differs', () => {
    expect(launchTemplateFingerprint({ ImageId: 'ami-1' })).not.toBe(launchTemplateFingerprint({ ImageId: 'ami-2' }));
    expect(launchTemplateFingerprint({ SecurityGroupIds: ['a', 'b'] })).not.toBe(launchTemplateFingerprint({ SecurityGroupIds: ['b', 'a'] }));
  });
});
