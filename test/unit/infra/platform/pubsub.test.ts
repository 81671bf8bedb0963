/** SNS filter policies from pubsub triggers' attributeConstraints: never narrower than what the handler matches. */
import { describe, expect, it } from 'vitest';
import { constraintsHold } from '../../../../functions/triggers/pubsub/normalize.js';
import { attributeCondition, type FilterPolicy, filterPolicyFor, isTopicArn, mergeFilterPolicies } from '../../../../infra/platform/pubsub.js';

/** What SNS would do with a String attribute under a filter policy. */
function snsAccepts(policy: FilterPolicy | undefined, attributes: Record<string, string>): boolean {
  if (!policy) return true;
  return Object.entries(policy).every(([key, conditions]) => {
    const value = attributes[key];
    if (value === undefined) return false;
    return conditions.some((c) => (typeof c === 'string' ? c === value : 'prefix' in c ? value.startsWith(c.prefix) : true));
  });
}

describe('pubsub filter policies', () => {
  it('turns anchored literals into exact values and prefixes, anything else into exists', () => {
    expect(attributeCondition('^prod$')).toBe('prod');
    expect(attributeCondition('^v1\\.2$')).toBe('v1.2');
    expect(attributeCondition('^shop')).toEqual({ prefix: 'shop' });
    expect(attributeCondition('prod')).toEqual({ exists: true }); // found somewhere: "production" matches too
    expect(attributeCondition('^pro.$')).toEqual({ exists: true });
    expect(attributeCondition('(?i)^prod$')).toEqual({ exists: true });
    expect(attributeCondition('^42$')).toEqual({ exists: true }); // may be a Number attribute
    expect(attributeCondition(null)).toEqual({ exists: true });
    expect(filterPolicyFor(undefined)).toBeUndefined();
    expect(filterPolicyFor({ a: '1', b: '2', c: '3', d: '4', e: '5', f: '6' })).toBeUndefined();
  });

  it('merges the triggers of one topic into what any of them lets through', () => {
    const a = filterPolicyFor({ env: '^prod$', team: '^shop', build: '\\d+' });
    const b = filterPolicyFor({ env: '^staging$', team: '^shop' });
    expect(mergeFilterPolicies([a, b])).toEqual({ env: ['prod', 'staging'], team: [{ prefix: 'shop' }] });
    expect(mergeFilterPolicies([a, filterPolicyFor({ env: 'prod' })])).toEqual({ env: [{ exists: true }] });
    expect(mergeFilterPolicies([a, undefined])).toBeUndefined();
    expect(mergeFilterPolicies([filterPolicyFor({ x: '^1' }), filterPolicyFor({ y: '^2' })])).toBeUndefined();
  });

  it('never drops a message the handler would match', () => {
    const constraints = [{ env: '^prod$' }, { env: '^prod' }, { env: 'prod' }, { env: '^v1\\.2$', team: '^shop' }, { env: '^pro.$' }];
    const values = ['prod', 'production', 'preprod', 'v1.2', 'v1x2', 'prox', ''];
    for (const c of constraints) {
      const policy = filterPolicyFor(c);
      for (const env of values) {
        for (const team of ['shop', 'shopfront', 'x']) {
          const attributes = { env, team };
          if (constraintsHold(c, attributes).ok) expect(snsAccepts(policy, attributes), `${JSON.stringify(c)} ${env} ${team}`).toBe(true);
        }
      }
    }
  });

  it('recognises topic ARNs only', () => {
    expect(isTopicArn('arn:aws:sns:us-east-1:111111111111:releases')).toBe(true);
    expect(isTopicArn('releases')).toBe(false);
    expect(isTopicArn('${trigger.topic}')).toBe(false);
  });
});
