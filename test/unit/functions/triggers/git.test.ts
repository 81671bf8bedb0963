import { describe, expect, it } from 'vitest';
import { matchGitTrigger } from '../../../../functions/triggers/git/match.js';
import { gitTrigger, normalizeBitbucket, normalizeGitHub, normalizeGitLab } from '../../../../functions/triggers/git/normalize.js';
import { MalformedEventError } from '../../../../functions/triggers/errors.js';
import { fixture } from './fixtures.js';

const github = fixture('github/push-branch-created.json');
const gitlab = fixture('gitlab/push-hook-docs.json');
const bitbucket = fixture('bitbucket-cloud/repo-push.json');

function event<T>(n: { kind: string; event?: T }): T {
  if (n.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(n)}`);
  return n.event!;
}

describe('normalising pushes', () => {
  it('reads the GitHub sample', () => {
    const push = event(normalizeGitHub('push', github));
    expect(gitTrigger(push)).toEqual({
      type: 'git',
      source: 'github',
      project: 'Codertocat',
      slug: 'Hello-World',
      branch: 'master',
      hash: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
      action: 'push',
      user: 'Codertocat',
    });
  });

  it('reads the GitLab sample (namespace and path spellings)', () => {
    const push = event(normalizeGitLab('Push Hook', gitlab));
    expect(push).toMatchObject({ source: 'gitlab', branch: 'master', hash: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7', user: 'jsmith' });
    expect(push.projects).toEqual(['Mike', 'mike']);
    expect(push.slugs).toEqual(['Diaspora', 'diaspora']);
  });

  it('reads the Bitbucket sample', () => {
    const push = event(normalizeBitbucket('repo:push', bitbucket));
    expect(push).toMatchObject({ source: 'bitbucket', branch: 'name-of-branch', hash: '709d658dc5b6d6afcd46049c2f332ee3f515a67d', user: 'emmap1' });
    expect(push.projects[0]).toBe('team_name');
    expect(push.slugs[0]).toBe('repo_name');
  });

  it('keeps refs/tags/ on tag pushes (Echo strips refs/heads/ only)', () => {
    expect(event(normalizeGitHub('push', { ...github, ref: 'refs/tags/v1.0' })).branch).toBe('refs/tags/v1.0');
  });

  it('ignores deletions, pings and other events', () => {
    expect(normalizeGitHub('push', { ...github, deleted: true, after: '0'.repeat(40) })).toMatchObject({ kind: 'ignored' });
    expect(normalizeGitHub('ping', {})).toEqual({ kind: 'ignored', reason: 'ping' });
    expect(normalizeGitHub('issues', github)).toMatchObject({ kind: 'ignored' });
    expect(normalizeGitLab('Merge Request Hook', gitlab)).toMatchObject({ kind: 'ignored' });
    expect(normalizeGitLab('Push Hook', { ...gitlab, after: '0'.repeat(40) })).toMatchObject({ kind: 'ignored' });
    const deleted = { ...bitbucket, push: { changes: [{ new: null, old: {} }] } };
    expect(normalizeBitbucket('repo:push', deleted)).toMatchObject({ kind: 'ignored' });
  });

  it('refuses payloads that are not pushes', () => {
    expect(() => normalizeGitHub('push', { ref: 'refs/heads/x' })).toThrow(MalformedEventError);
    expect(() => normalizeGitLab('Push Hook', [])).toThrow(/not a GitLab push event/);
    expect(() => normalizeBitbucket('repo:push', { push: {} })).toThrow(MalformedEventError);
  });
});

describe('matching git triggers', () => {
  const push = event(normalizeGitHub('push', github));
  const trigger = (fields: Record<string, unknown>) => ({ type: 'git', source: 'github', project: 'Codertocat', slug: 'Hello-World', ...fields });

  it.each([
    [{}, true],
    [{ branch: 'master' }, true],
    [{ branch: 'mast.*' }, true],
    [{ branch: 'mast' }, false],
    [{ branch: 'main|master' }, true],
    [{ branch: '' }, true],
    [{ project: 'codertocat', slug: 'hello-world' }, true],
    [{ project: 'Octocat' }, false],
    [{ slug: 'Hello' }, false],
    [{ source: 'gitlab' }, false],
    [{ branch: '(a+)+$' }, false],
  ])('%j → %s', (fields, expected) => {
    expect(matchGitTrigger(trigger(fields), push).matched).toBe(expected);
  });

  it('says why a branch did not match', () => {
    expect(matchGitTrigger(trigger({ branch: 'release/.*' }), push)).toEqual({ matched: false, reason: "branch 'master' does not match 'release/.*'" });
  });
});
