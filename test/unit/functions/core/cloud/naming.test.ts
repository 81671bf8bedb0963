import { describe, expect, it } from 'vitest';
import {
  buildClusterName,
  buildServerGroupName,
  clusterNameProblems,
  nextSequence,
  parseClusterName,
  parseServerGroupName,
  tryParseServerGroupName,
} from '../../../../../functions/core/cloud/naming.js';
import { InvalidNameError, SequenceExhaustedError } from '../../../../../functions/core/cloud/errors.js';

describe('buildClusterName', () => {
  it.each([
    [{ app: 'app' }, 'app'],
    [{ app: 'app', stack: 'prod' }, 'app-prod'],
    [{ app: 'app', stack: 'prod', detail: 'canary' }, 'app-prod-canary'],
    [{ app: 'app', detail: 'canary' }, 'app--canary'],
    [{ app: 'App2', stack: 'prod_east', detail: 'a.b~c^d-e_f' }, 'App2-prod_east-a.b~c^d-e_f'],
  ])('%j → %s', (parts, expected) => {
    expect(buildClusterName(parts)).toBe(expected);
  });

  it.each([
    [{ app: '' }, 'app is required'],
    [{ app: 'my-app' }, 'app "my-app" may only contain letters and digits'],
    [{ app: 'my_app' }, 'app "my_app" may only contain letters and digits'],
    [{ app: 'app', stack: 'pr-od' }, 'stack "pr-od" may only contain letters, digits and _'],
    [{ app: 'app', stack: 'pr.od' }, 'stack "pr.od" may only contain letters, digits and _'],
    [{ app: 'app', detail: 'a b' }, 'detail "a b" may only contain'],
    [{ app: 'app', detail: 'x/y' }, 'detail "x/y" may only contain'],
  ])('refuses %j', (parts, message) => {
    expect(() => buildClusterName(parts)).toThrow(InvalidNameError);
    expect(() => buildClusterName(parts)).toThrow(message);
  });

  it.each([
    ['stack', { app: 'app', stack: 'd0prod' }],
    ['detail', { app: 'app', detail: 'c0us' }],
    ['detail', { app: 'app', detail: 'canary-h0large' }],
    ['detail', { app: 'app', detail: 'x0y' }],
    ['detail', { app: 'app', stack: 's', detail: 'z0east-1' }],
  ])('refuses a Frigga labeled variable in the %s: %j', (_part, parts) => {
    expect(() => buildClusterName(parts)).toThrow(/labeled variable/);
  });

  it.each([
    { app: 'app', stack: 'v001' },
    { app: 'app', detail: 'v002' },
    { app: 'app', detail: 'a-v123456-b' },
  ])('refuses a push version inside %j', (parts) => {
    expect(() => buildClusterName(parts)).toThrow(/reserved for server group versions/);
  });

  it('allows tokens that only look similar', () => {
    expect(buildClusterName({ app: 'app', detail: 'v1-v12-c0-a0_b-x10y' })).toBe('app--v1-v12-c0-a0_b-x10y');
  });

  it('names every problem at once', () => {
    expect(clusterNameProblems({ app: 'a-b', stack: 'c-d', detail: 'e f' })).toHaveLength(3);
  });
});

describe('parseClusterName', () => {
  it.each([
    ['app', { app: 'app' }],
    ['app-prod', { app: 'app', stack: 'prod' }],
    ['app-prod-canary-east', { app: 'app', stack: 'prod', detail: 'canary-east' }],
    ['app--canary', { app: 'app', detail: 'canary' }],
    ['my.app-st.ack', { app: 'my.app', stack: 'st.ack' }],
  ])('%s', (name, parts) => {
    expect(parseClusterName(name)).toEqual({ cluster: name, ...parts });
  });

  it('refuses what is not a cluster name', () => {
    expect(() => parseClusterName('app prod')).toThrow(InvalidNameError);
    expect(() => parseClusterName('')).toThrow(/not a cluster name/);
  });
});

describe('server group names', () => {
  it('builds v%03d', () => {
    expect(buildServerGroupName('app-prod', 0)).toBe('app-prod-v000');
    expect(buildServerGroupName({ app: 'app', detail: 'x' }, 42)).toBe('app--x-v042');
    expect(buildServerGroupName('app', 999)).toBe('app-v999');
  });

  it('refuses sequences outside 0..999', () => {
    expect(() => buildServerGroupName('app', 1000)).toThrow(/0 to 999/);
    expect(() => buildServerGroupName('app', -1)).toThrow(InvalidNameError);
    expect(() => buildServerGroupName('app', 1.5)).toThrow(InvalidNameError);
  });

  it('refuses names longer than a launch template name may be', () => {
    expect(() => buildServerGroupName({ app: 'a', detail: 'x'.repeat(130) }, 1)).toThrow(/limit is 128/);
  });

  it.each([
    ['app-v000', { cluster: 'app', app: 'app', sequence: 0 }],
    ['app-prod-v012', { cluster: 'app-prod', app: 'app', stack: 'prod', sequence: 12 }],
    ['app-prod-canary-v1234', { cluster: 'app-prod-canary', app: 'app', stack: 'prod', detail: 'canary', sequence: 1234 }],
    ['app--d-v123456', { cluster: 'app--d', app: 'app', detail: 'd', sequence: 123456 }],
  ])('parses %s', (name, parts) => {
    expect(parseServerGroupName(name)).toEqual({ name, ...parts });
  });

  it.each(['app', 'app-v01', 'app-v1234567', 'app-prod', 'app v001', '-v001'])('%s is not a server group name', (name) => {
    expect(tryParseServerGroupName(name)).toBeUndefined();
    expect(() => parseServerGroupName(name)).toThrow(InvalidNameError);
  });

  it('round-trips', () => {
    const name = buildServerGroupName({ app: 'app', stack: 'prod', detail: 'a-b' }, 7);
    expect(parseServerGroupName(name)).toMatchObject({ app: 'app', stack: 'prod', detail: 'a-b', sequence: 7 });
  });
});

describe('nextSequence', () => {
  it('starts at 0', () => {
    expect(nextSequence([])).toBe(0);
  });

  it('follows the highest taken by default', () => {
    expect(nextSequence([0, 1, 5])).toBe(6);
  });

  it('follows the latest when given, skipping taken ones', () => {
    expect(nextSequence([3, 4, 7], { latest: 3 })).toBe(5);
  });

  it('wraps after 999 and skips taken', () => {
    expect(nextSequence([999], { latest: 999 })).toBe(0);
    expect(nextSequence([999, 0, 1], { latest: 999 })).toBe(2);
  });

  it('fails, naming the cluster, when all 1000 are taken', () => {
    const all = Array.from({ length: 1000 }, (_, i) => i);
    expect(() => nextSequence(all, { cluster: 'app-prod' })).toThrow(SequenceExhaustedError);
    expect(() => nextSequence(all, { cluster: 'app-prod' })).toThrow(/cluster app-prod/);
  });

  it('finds the single free one', () => {
    const all = Array.from({ length: 1000 }, (_, i) => i).filter((i) => i !== 500);
    expect(nextSequence(all, { latest: 900 })).toBe(500);
  });
});
