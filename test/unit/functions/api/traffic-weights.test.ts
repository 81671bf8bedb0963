/** The cluster view's traffic weights: a forward's share per target group, split between the server groups serving from it. */
import { describe, expect, it } from 'vitest';
import { trafficWeights } from '../../../../functions/api/clusters.js';
import { forwardShare } from '../../../../functions/core/cloud/weighted-routing.js';

const weighted = (pairs: Array<[string, number | undefined]>) => ({
  Type: 'forward' as const,
  ForwardConfig: { TargetGroups: pairs.map(([TargetGroupArn, Weight]) => ({ TargetGroupArn, ...(Weight === undefined ? {} : { Weight }) })) },
});

describe('forwardShare', () => {
  it('is the percent of a weighted forward, 100 for a plain one, 0 when not in it', () => {
    expect(
      forwardShare(
        weighted([
          ['tg', 75],
          ['canary', 25],
        ]),
        'canary',
      ),
    ).toBe(25);
    expect(
      forwardShare(
        weighted([
          ['tg', 2],
          ['canary', 1],
        ]),
        'tg',
      ),
    ).toBe(67);
    expect(
      forwardShare(
        weighted([
          ['tg', undefined],
          ['canary', undefined],
        ]),
        'tg',
      ),
    ).toBe(50);
    expect(
      forwardShare(
        weighted([
          ['tg', 0],
          ['canary', 0],
        ]),
        'tg',
      ),
    ).toBe(0);
    expect(forwardShare({ Type: 'forward', TargetGroupArn: 'tg' }, 'tg')).toBe(100);
    expect(forwardShare({ Type: 'forward', TargetGroupArn: 'tg' }, 'other')).toBe(0);
  });
});

describe('trafficWeights', () => {
  const group = (enabled: boolean, upCount: number, ...targetGroupArns: string[]) => ({ enabled, upCount, targetGroupArns });

  it('gives each group its target group share, split by what is up among the enabled groups in it', () => {
    const shares = new Map([
      ['tg', 75],
      ['canary', 25],
    ]);
    expect(trafficWeights([group(true, 2, 'tg'), group(true, 1, 'canary')], shares)).toEqual([75, 25]);
    // Red/black mid-way: two enabled groups in the cluster target group share it by instances up.
    expect(trafficWeights([group(true, 3, 'tg'), group(true, 1, 'tg')], new Map([['tg', 100]]))).toEqual([75, 25]);
    expect(trafficWeights([group(true, 0, 'tg'), group(true, 0, 'tg')], new Map([['tg', 100]]))).toEqual([50, 50]);
    // Disabled (an ECS service at 0 keeps its target group; an EC2 group is out of it): none.
    expect(trafficWeights([group(false, 0, 'tg'), group(true, 2, 'tg')], new Map([['tg', 100]]))).toEqual([0, 100]);
    expect(trafficWeights([group(false, 0), group(true, 2, 'tg')], new Map([['tg', 100]]))).toEqual([0, 100]);
  });

  it('leaves groups without any routed target group unweighted', () => {
    expect(trafficWeights([group(true, 2, 'tg'), group(false, 0)], new Map())).toEqual([undefined, undefined]);
    expect(trafficWeights([], new Map())).toEqual([]);
  });
});
