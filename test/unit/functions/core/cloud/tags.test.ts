import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../../../../functions/core/cloud/errors.js';
import { parseServerGroupName } from '../../../../../functions/core/cloud/naming.js';
import { imageTags, recordedTargetGroups, serverGroupTags, tagRecord, TagKeys } from '../../../../../functions/core/cloud/tags.js';

const TG1 = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef';
const TG2 = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/fedcba9876543210';

describe('serverGroupTags', () => {
  it('records where the group came from, and propagates the naming tags to instances', () => {
    const tags = serverGroupTags({
      name: parseServerGroupName('app-prod-canary-v003'),
      imageId: 'ami-1',
      metadata: { executionId: 'exec-1', version: '1.2.3', build: '45', commit: 'abc', replaces: 'app-prod-canary-v002', deployKey: 'exec-1' },
      targetGroupArns: [TG1, TG2],
      enabled: true,
      extra: { team: 'payments' },
    });
    expect(tags).toEqual([
      { key: 'Name', value: 'app-prod-canary-v003', propagateAtLaunch: true },
      { key: 'gennaker:application', value: 'app', propagateAtLaunch: true },
      { key: 'gennaker:cluster', value: 'app-prod-canary', propagateAtLaunch: true },
      { key: 'gennaker:stack', value: 'prod', propagateAtLaunch: true },
      { key: 'gennaker:detail', value: 'canary', propagateAtLaunch: true },
      { key: 'gennaker:server-group', value: 'app-prod-canary-v003', propagateAtLaunch: true },
      { key: 'gennaker:image-id', value: 'ami-1', propagateAtLaunch: false },
      { key: 'gennaker:version', value: '1.2.3', propagateAtLaunch: true },
      { key: 'gennaker:build', value: '45', propagateAtLaunch: false },
      { key: 'gennaker:commit', value: 'abc', propagateAtLaunch: false },
      { key: 'gennaker:execution-id', value: 'exec-1', propagateAtLaunch: false },
      { key: 'gennaker:replaces', value: 'app-prod-canary-v002', propagateAtLaunch: false },
      { key: 'gennaker:deploy-key', value: 'exec-1', propagateAtLaunch: false },
      { key: 'gennaker:enabled', value: 'true', propagateAtLaunch: false },
      { key: 'gennaker:target-group:1', value: TG1, propagateAtLaunch: false },
      { key: 'gennaker:target-group:2', value: TG2, propagateAtLaunch: false },
      { key: 'team', value: 'payments', propagateAtLaunch: true },
    ]);
  });

  it('leaves out what is not known', () => {
    const tags = serverGroupTags({ name: parseServerGroupName('app-v000'), imageId: 'ami-1', metadata: {}, targetGroupArns: [], enabled: false });
    expect(tags.map((t) => t.key)).toEqual(['Name', TagKeys.application, TagKeys.cluster, TagKeys.serverGroup, TagKeys.imageId, TagKeys.enabled]);
  });

  it('refuses user tags with the reserved prefix, too many tags, and values AWS would refuse', () => {
    const base = { name: parseServerGroupName('app-v000'), imageId: 'ami-1', metadata: {}, targetGroupArns: [], enabled: true };
    expect(() => serverGroupTags({ ...base, extra: { 'gennaker:x': 'y' } })).toThrow(InvalidRequestError);
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`t${i}`, 'v']));
    expect(() => serverGroupTags({ ...base, extra: many })).toThrow(/AWS allows 50/);
    expect(() => serverGroupTags({ ...base, extra: { big: 'x'.repeat(257) } })).toThrow(/longer than 256/);
  });
});

describe('reading tags', () => {
  it('turns AWS tag lists into records', () => {
    expect(tagRecord([{ Key: 'a', Value: '1' }, { Key: 'b' }, { Value: 'lost' }])).toEqual({ a: '1', b: '' });
    expect(tagRecord(undefined)).toEqual({});
  });

  it('reads recorded target groups in order', () => {
    expect(recordedTargetGroups({ 'gennaker:target-group:10': 'j', 'gennaker:target-group:2': 'b', 'gennaker:target-group:1': 'a', other: 'x' })).toEqual([
      'a',
      'b',
      'j',
    ]);
  });

  it('builds image tags', () => {
    expect(imageTags({ application: 'app', version: '1.0', commit: 'abc', extra: { os: 'al2023' } })).toEqual({
      os: 'al2023',
      'gennaker:application': 'app',
      'gennaker:version': '1.0',
      'gennaker:commit': 'abc',
    });
  });
});
