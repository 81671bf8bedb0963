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

describe("real provider deliveries beyond pushes, as Echo's handlers read them", () => {
  const serverTrigger = { type: 'git', source: 'bitbucket', project: '~gopher', slug: 'webhook-test' };

  it('Bitbucket Server pr:merged: the target branch at the merge commit', () => {
    const merged = event(normalizeBitbucket('pr:merged', fixture('bitbucket-server/pr-merged.json')));
    expect(gitTrigger(merged)).toEqual({
      type: 'git',
      source: 'bitbucket',
      project: '~gopher',
      slug: 'webhook-test',
      branch: 'master',
      hash: 'cbf26be7bfc8394906abbd571498fb8d28888b58',
      action: 'pr:merged',
      user: 'gopher',
    });
    expect(matchGitTrigger({ ...serverTrigger, branch: 'master', events: ['pr:merged'] }, merged).matched).toBe(true);
    expect(matchGitTrigger({ ...serverTrigger, events: ['repo:refs_changed'] }, merged).matched).toBe(false);
  });

  it.each([
    ['pr:opened', 'bitbucket-server/pr-opened.json', '32a0b8a740c2963c6f56bd8baf3dc05683d299e0'],
    ['pr:declined', 'bitbucket-server/pr-declined.json', '50a8ee1fae3abf75738a85f9039b4b2de4947174'],
    ['pr:from_ref_updated', 'bitbucket-server/pr-opened.json', '32a0b8a740c2963c6f56bd8baf3dc05683d299e0'],
  ])('Bitbucket Server %s: the source branch at its latest commit', (key, file, hash) => {
    const pr = event(normalizeBitbucket(key, fixture(file)));
    expect(pr).toMatchObject({ branch: 'feature/wip', hash, action: key, projects: ['~gopher'] });
  });

  it('Bitbucket Server: the event key from the body when the header is missing; other pr events and a merge without its commit', () => {
    expect(event(normalizeBitbucket(undefined, fixture('bitbucket-server/pr-merged.json'))).action).toBe('pr:merged');
    expect(normalizeBitbucket('pr:modified', fixture('bitbucket-server/pr-modified.json'))).toMatchObject({ kind: 'ignored' });
    const { properties: _p, ...pullRequest } = fixture<{ pullRequest: Record<string, unknown> }>('bitbucket-server/pr-merged.json').pullRequest;
    const noCommit = event(normalizeBitbucket('pr:merged', { ...fixture<Record<string, unknown>>('bitbucket-server/pr-merged.json'), pullRequest }));
    // No invented commit: the trigger carries none.
    expect(gitTrigger(noCommit)).not.toHaveProperty('hash');
    expect(() => normalizeBitbucket('pr:opened', { eventKey: 'pr:opened', pullRequest: {} })).toThrow(MalformedEventError);
  });

  it('Bitbucket Cloud pullrequest:fulfilled (real payload): the destination branch at the merge commit', () => {
    const merged = event(normalizeBitbucket('pullrequest:fulfilled', fixture('bitbucket-cloud/pull-request-merged.json')));
    expect(merged).toMatchObject({ branch: 'master', hash: '764413d85e29', action: 'pullrequest:fulfilled', slugs: ['repo_name'] });
  });

  it('GitHub pull_request (real payload): head branch and commit, and Echo trigger properties', () => {
    const pr = event(normalizeGitHub('pull_request', fixture('github/pull-request.json')));
    expect(gitTrigger(pr)).toMatchObject({
      project: 'baxterthehacker',
      slug: 'public-repo',
      branch: 'changes',
      hash: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c',
      action: 'pull_request:opened',
      properties: { number: '1', draft: 'false', state: 'open', title: 'Update the README with new information' },
    });
  });

  it('GitHub create and delete of a branch fire branch:create / branch:delete with no commit; of a tag, nothing', () => {
    expect(normalizeGitHub('create', fixture('github/create.json'))).toMatchObject({ kind: 'ignored' });
    expect(normalizeGitHub('delete', fixture('github/delete.json'))).toMatchObject({ kind: 'ignored' });
    const created = event(normalizeGitHub('create', { ...fixture<Record<string, unknown>>('github/create.json'), ref: 'feature/x', ref_type: 'branch' }));
    expect(gitTrigger(created)).toEqual({
      type: 'git',
      source: 'github',
      project: 'baxterthehacker',
      slug: 'public-repo',
      branch: 'feature/x',
      action: 'branch:create',
      user: 'baxterthehacker',
    });
    const deleted = event(normalizeGitHub('delete', { ...fixture<Record<string, unknown>>('github/delete.json'), ref: 'feature/x', ref_type: 'branch' }));
    expect(
      matchGitTrigger({ type: 'git', source: 'github', project: 'baxterthehacker', slug: 'public-repo', events: ['branch:delete'] }, deleted).matched,
    ).toBe(true);
  });

  it('GitLab: tag pushes fire tag_push; merge request hooks fire nothing (Echo reads pushes only), with or without the header', () => {
    expect(event(normalizeGitLab('Tag Push Hook', fixture('gitlab/tag-event.json')))).toMatchObject({
      branch: 'refs/tags/v1.0.0',
      hash: '82b3d5ae55f7080f1e6022629cdb57bfae7cccc7',
      action: 'tag_push',
    });
    expect(event(normalizeGitLab('Push Hook', fixture('gitlab/push-event.json')))).toMatchObject({ branch: 'master', action: 'push' });
    expect(normalizeGitLab('Merge Request Hook', fixture('gitlab/merge-request-event.json'))).toMatchObject({ kind: 'ignored' });
    expect(normalizeGitLab(undefined, fixture('gitlab/merge-request-event.json'))).toEqual({
      kind: 'ignored',
      reason: "GitLab 'merge_request' events do not trigger pipelines",
    });
  });
});
