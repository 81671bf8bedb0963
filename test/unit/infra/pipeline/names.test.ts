import { describe, expect, it } from 'vitest';
import { lookupKeys, stateMachineName } from '../../../../infra/pipeline/names.js';

describe('stateMachineName', () => {
  it('joins prefix, application and name when they are already valid', () => {
    expect(stateMachineName('gennaker', { application: 'shop', name: 'release' })).toBe('gennaker-shop-release');
  });

  it('replaces characters Step Functions refuses and keeps distinct inputs distinct', () => {
    const a = stateMachineName('gennaker', { application: 'shop', name: 'Deploy to prod' });
    const b = stateMachineName('gennaker', { application: 'shop', name: 'Deploy-to-prod' });
    expect(a).toMatch(/^gennaker-shop-Deploy-to-prod-[0-9a-f]{8}$/);
    expect(b).toBe('gennaker-shop-Deploy-to-prod');
    expect(a).not.toBe(b);
  });

  it('stays within 80 characters, stable across calls', () => {
    const long = { application: 'a'.repeat(50), name: 'b'.repeat(50) };
    expect(stateMachineName('gennaker', long)).toHaveLength(80);
    expect(stateMachineName('gennaker', long)).toBe(stateMachineName('gennaker', long));
  });
});

describe('lookupKeys', () => {
  it('names a pipeline by application and name, and by id when that differs', () => {
    expect(lookupKeys({ application: 'shop', name: 'release', id: 'shop-release' })).toEqual(['shop/release', 'shop/shop-release']);
    expect(lookupKeys({ application: 'shop', name: 'x', id: 'x' })).toEqual(['shop/x']);
  });
});
