import { describe, expect, it } from 'vitest';
import { holdsAnyRole, roleMatches } from '../../../../functions/core/roles.js';

const HOME = '123456789012';

describe('roleMatches', () => {
  it.each([
    ['approvers', 'arn:aws:iam::123456789012:role/approvers', true],
    ['approvers', 'arn:aws:iam::999999999999:role/approvers', false],
    ['approvers', 'approvers', true],
    ['arn:aws:iam::999999999999:role/approvers', 'arn:aws:iam::999999999999:role/approvers', true],
    ['arn:aws:iam::999999999999:role/team/approvers', 'arn:aws:iam::999999999999:role/approvers', true],
    ['arn:aws:iam::999999999999:role/approvers', 'arn:aws:iam::123456789012:role/approvers', false],
    ['999999999999:role/approvers', 'arn:aws:iam::999999999999:role/approvers', true],
    ['arn:aws:iam::999999999999:role/approvers', 'approvers', false],
    ['approvers', 'Approvers', false],
  ])('GIVEN the entry %s WHEN the caller holds %s THEN it matches: %s', (entry, held, expected) => {
    expect(roleMatches(entry, held, HOME)).toBe(expected);
  });

  it('GIVEN no home account WHEN a bare name is checked against an IAM role THEN it never matches', () => {
    expect(roleMatches('approvers', 'arn:aws:iam::123456789012:role/approvers')).toBe(false);
    expect(holdsAnyRole(['x', 'approvers'], ['approvers'])).toBe(true);
  });
});
