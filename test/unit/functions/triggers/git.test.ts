import { describe, expect, it } from 'vitest';
import { matchGitTrigger } from '../../../../functions/triggers/git/match.js';
import { gitTrigger, normalizeBitbucket, normalizeGitHub, normalizeGitLab } from '../../../../functions/triggers/git/normalize.js';
import { MalformedEventError } from '../../../../functions/triggers/errors.js';
import { fixture } from './fixtures.js';

const github = fixture('github/push-branch-created.json');
const gitlab = fixture('gitlab/push-hook-docs.json');
const bitbucket = fixture('bitbucket-cloud/repo-push.json');
const bitbucketServer = fixture('bitbucket-server/repo-refs-changed.json');

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
      action: 'push:push',
      user: 'Codertocat',
      // Echo's github/file artifacts: each file the push added or modified, at the pushed commit.
      artifacts: [
        {
          type: 'github/file',
          name: 'README.md',
          version: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
          reference: 'https://api.github.com/repos/Codertocat/Hello-World/contents/README.md',
        },
      ],
    });
  });

  it('makes an artifact of each safe file path once, its segments encoded', () => {
    const body = {
      ...github,
      commits: [
        { added: ['deploy/task def.json', '../etc/passwd', '/abs'], modified: ['README.md'] },
        { added: [], modified: ['README.md', 'a//b'] },
      ],
    };
    const push = event(normalizeGitHub('push', body));
    expect(push.artifacts?.map((a) => a.reference)).toEqual([
      'https://api.github.com/repos/Codertocat/Hello-World/contents/deploy/task%20def.json',
      'https://api.github.com/repos/Codertocat/Hello-World/contents/README.md',
    ]);
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

  it('reads a Bitbucket Server refs_changed push as Echo does (project key, slug, branch from the ref, toHash)', () => {
    const push = event(normalizeBitbucket('repo:refs_changed', bitbucketServer));
    expect(gitTrigger(push)).toEqual({
      type: 'git',
      source: 'bitbucket',
      project: 'PROJ',
      slug: 'repository',
      branch: 'master',
      hash: '178864a7d521b6f5e720b386b2c2b0ef8563e0dc',
      action: 'repo:refs_changed',
      user: 'admin',
    });
    // The event key in the body serves when the header is missing.
    expect(event(normalizeBitbucket(undefined, bitbucketServer)).action).toBe('repo:refs_changed');
  });

  it('ignores Bitbucket Server deletions and pings; keeps tag refs', () => {
    const change = (bitbucketServer.changes as Array<Record<string, unknown>>)[0]!;
    const deleted = { ...bitbucketServer, changes: [{ ...change, type: 'DELETE', toHash: '0'.repeat(40) }] };
    expect(normalizeBitbucket('repo:refs_changed', deleted)).toEqual({ kind: 'ignored', reason: 'the push only deleted refs' });
    expect(normalizeBitbucket('diagnostics:ping', {})).toEqual({ kind: 'ignored', reason: 'ping' });
    const tag = {
      ...bitbucketServer,
      changes: [{ ...change, ref: { id: 'refs/tags/v2.0', displayId: 'v2.0', type: 'TAG' }, refId: 'refs/tags/v2.0', type: 'ADD' }],
    };
    expect(event(normalizeBitbucket('repo:refs_changed', tag)).branch).toBe('refs/tags/v2.0');
    expect(() => normalizeBitbucket('repo:refs_changed', { ...bitbucketServer, repository: { slug: 'x' } })).toThrow(MalformedEventError);
  });

  it("sets the action as Echo does per provider (GitLab's object_kind, Bitbucket Cloud's event key)", () => {
    expect(event(normalizeGitLab('Push Hook', gitlab)).action).toBe('push');
    expect(event(normalizeGitLab('Tag Push Hook', { ...gitlab, object_kind: 'tag_push', ref: 'refs/tags/v1' })).action).toBe('tag_push');
    expect(event(normalizeBitbucket('repo:push', bitbucket)).action).toBe('repo:push');
  });

  it("filters on the trigger's events by the delivery's action", () => {
    const tagPush = event(normalizeGitLab('Tag Push Hook', { ...gitlab, object_kind: 'tag_push', ref: 'refs/tags/v1' }));
    const push = event(normalizeGitLab('Push Hook', gitlab));
    const trigger = { type: 'git', source: 'gitlab', project: 'mike', slug: 'diaspora', events: ['tag_push'] };
    expect(matchGitTrigger(trigger, tagPush).matched).toBe(true);
    expect(matchGitTrigger(trigger, push)).toEqual({ matched: false, reason: "event 'push' is not one of tag_push" });
    expect(matchGitTrigger({ ...trigger, events: [] }, push).matched).toBe(true);
    const gh = event(normalizeGitHub('push', github));
    expect(matchGitTrigger({ type: 'git', source: 'github', project: 'Codertocat', slug: 'Hello-World', events: ['push:push'] }, gh).matched).toBe(true);
    expect(matchGitTrigger({ type: 'git', source: 'github', project: 'Codertocat', slug: 'Hello-World', events: ['pull_request:opened'] }, gh).matched).toBe(
      false,
    );
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

  it('reads a GitHub pull_request delivery as Echo does: the head branch and commit, action pull_request:<action>', () => {
    // The push sample's repository and sender, in the shape of GitHub's pull_request webhook payload.
    const pullRequest = {
      action: 'opened',
      number: 2,
      pull_request: {
        number: 2,
        state: 'open',
        head: { ref: 'feature/x', sha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821' },
        base: { ref: 'master', sha: '6113728f' },
      },
      repository: github.repository,
      sender: github.sender,
    };
    const pr = event(normalizeGitHub('pull_request', pullRequest));
    expect(gitTrigger(pr)).toMatchObject({
      source: 'github',
      project: 'Codertocat',
      slug: 'Hello-World',
      branch: 'feature/x',
      hash: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
      action: 'pull_request:opened',
    });
    const trigger = { type: 'git', source: 'github', project: 'Codertocat', slug: 'Hello-World' };
    expect(matchGitTrigger({ ...trigger, events: ['pull_request:opened'] }, pr).matched).toBe(true);
    expect(matchGitTrigger({ ...trigger, events: ['push:push'] }, pr).matched).toBe(false);
    // No events filter: any action, as in Echo.
    expect(matchGitTrigger({ ...trigger, branch: 'feature/.*' }, pr).matched).toBe(true);
    expect(() => normalizeGitHub('pull_request', { action: 'opened', repository: github.repository })).toThrow(MalformedEventError);
  });

  it('reads a merged Bitbucket Cloud pull request (pullrequest:fulfilled) as Echo does: the destination branch at the merge commit', () => {
    // The push sample's repository and actor, in the shape of Bitbucket Cloud's pullrequest:fulfilled payload.
    const merged = {
      actor: bitbucket.actor,
      repository: bitbucket.repository,
      pullrequest: {
        id: 7,
        state: 'MERGED',
        source: { branch: { name: 'feature/x' }, commit: { hash: 'aaaa1111' } },
        destination: { branch: { name: 'main' }, commit: { hash: 'bbbb2222' } },
        merge_commit: { hash: 'cccc3333dddd' },
      },
    };
    const pr = event(normalizeBitbucket('pullrequest:fulfilled', merged));
    expect(pr).toMatchObject({ branch: 'main', hash: 'cccc3333dddd', action: 'pullrequest:fulfilled' });
    expect(pr.projects[0]).toBe(event(normalizeBitbucket('repo:push', bitbucket)).projects[0]);
    expect(normalizeBitbucket('pullrequest:created', merged)).toMatchObject({ kind: 'ignored' });
    expect(() => normalizeBitbucket('pullrequest:fulfilled', { ...merged, pullrequest: { state: 'MERGED' } })).toThrow(MalformedEventError);
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
