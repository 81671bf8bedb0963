/**
 * Git webhooks (GitHub, GitLab, Bitbucket Cloud and Server: pushes, and GitHub's, Bitbucket Cloud's
 * and Bitbucket Server's pull request events, GitHub's branch events) → a push event → Spinnaker's
 * git trigger object `{type: 'git', source, project, slug, branch, hash, action, user}`. Pure.
 * Bitbucket Server: project key / repository slug, branch from the first change's ref, its toHash;
 * its pull request events as Echo reads them (the source branch, or the target at the merge commit).
 *
 * Project and slug follow Echo: GitHub owner / repository name, GitLab namespace / project name,
 * Bitbucket owner / repository; the path spellings (`group/sub`, `repo-name`) are accepted too,
 * compared case-insensitively. The branch is the ref without `refs/heads/` (tags keep `refs/tags/`).
 */
import * as z from 'zod/mini';
import '../../../state-machines/zod-messages.js';
import { carriedPayload, ignored, type Normalized, parseOrRefuse } from '../normalized.js';
import { textOf } from '../../../state-machines/model/problems.js';

export type GitSource = 'github' | 'gitlab' | 'bitbucket';

export interface GitPush {
  readonly source: GitSource;
  /** The project as Spinnaker names it, then other accepted spellings. */
  readonly projects: readonly [string, ...string[]];
  readonly slugs: readonly [string, ...string[]];
  readonly branch: string;
  /** The commit; absent where the event names none (GitHub branch events, a merge without its commit). */
  readonly hash?: string;
  /**
   * What happened, as Echo names it per provider (the trigger's `events` filter and the trigger
   * object's `action`): GitHub `push:push`, `pull_request:<action>` (opened, synchronize, ...) or `branch:create` / `branch:delete`,
   * GitLab's object_kind (`push`, `tag_push`), Bitbucket Cloud `repo:push` or `pullrequest:fulfilled` (merged: the destination
   * branch at the merge commit), Bitbucket Server `repo:refs_changed` or `pr:opened`, `pr:from_ref_updated`, `pr:merged`,
   * `pr:declined`, `pr:deleted`.
   */
  readonly action: string;
  readonly user?: string;
  /** Files the push added or changed, as Echo's github/file artifacts (GitHub pushes only). */
  readonly artifacts?: readonly Readonly<Record<string, string>>[];
  /** Echo's trigger `properties` of a pull request: number, draft, state, title (GitHub). */
  readonly properties?: Readonly<Record<string, string>>;
}

const ZERO_SHA = /^0+$/;

function branchOf(ref: string): string {
  return ref.replace(/^refs\/heads\//, '');
}

function spellings(...values: Array<string | null | undefined>): [string, ...string[]] {
  const unique = [...new Set(values.filter((v): v is string => typeof v === 'string' && v.length > 0))];
  return unique.length > 0 ? (unique as [string, ...string[]]) : [''];
}

const GitHubPush = z.looseObject({
  ref: z.string().check(z.minLength(1)),
  after: z.string(),
  deleted: z.optional(z.boolean()),
  commits: z.optional(z.array(z.looseObject({ added: z.optional(z.array(z.string())), modified: z.optional(z.array(z.string())) }))),
  repository: z.looseObject({
    name: z.string().check(z.minLength(1)),
    full_name: z.optional(z.string()),
    contents_url: z.optional(z.string()),
    owner: z.looseObject({ login: z.optional(z.string()), name: z.nullish(z.string()) }),
  }),
  pusher: z.optional(z.looseObject({ name: z.optional(z.string()) })),
  sender: z.optional(z.looseObject({ login: z.optional(z.string()) })),
});

/** A pull request event as Echo reads it: the head's branch and commit, action `pull_request:<action>`. */
const GitHubPullRequest = z.looseObject({
  action: z.string().check(z.minLength(1)),
  pull_request: z.looseObject({
    head: z.looseObject({ ref: z.string().check(z.minLength(1)), sha: z.string().check(z.minLength(1)) }),
    number: z.optional(z.number()),
    draft: z.optional(z.nullable(z.boolean())),
    state: z.optional(z.nullable(z.string())),
    title: z.optional(z.nullable(z.string())),
  }),
  repository: GitHubPush.shape.repository,
  sender: z.optional(z.looseObject({ login: z.optional(z.string()) })),
});

/** A branch created or deleted (GitHub's create and delete events with ref_type branch). */
const GitHubBranch = z.looseObject({
  ref: z.string().check(z.minLength(1)),
  ref_type: z.string(),
  repository: GitHubPush.shape.repository,
  sender: GitHubPullRequest.shape.sender,
});

export function normalizeGitHub(eventName: string | undefined, body: unknown): Normalized<GitPush> {
  if (eventName === 'ping') return ignored('ping');
  if (eventName === 'pull_request') return normalizeGitHubPullRequest(body);
  if (eventName === 'create' || eventName === 'delete') return normalizeGitHubBranch(eventName, body);
  if (eventName !== 'push') return ignored(`GitHub event '${eventName ?? '(none)'}' does not trigger pipelines`);
  const push = parseOrRefuse(GitHubPush, body, 'GitHub push event');
  if (push.deleted === true || ZERO_SHA.test(push.after)) return ignored(`${push.ref} was deleted`);
  const repo = push.repository;
  const fullOwner = repo.full_name?.split('/')[0];
  return {
    kind: 'event',
    event: {
      source: 'github',
      projects: spellings(repo.owner.name, repo.owner.login, fullOwner),
      slugs: spellings(repo.name),
      branch: branchOf(push.ref),
      hash: push.after,
      action: 'push:push',
      ...((push.sender?.login ?? push.pusher?.name) ? { user: (push.sender?.login ?? push.pusher?.name)! } : {}),
      artifacts: pushedFiles(push),
    },
  };
}

/** A path Echo makes an artifact of: relative, no `..` or empty segments, no control characters. */
function safeFilePath(path: string): boolean {
  // eslint-disable-next-line no-control-regex
  return path !== '' && !path.startsWith('/') && !/[\u0000-\u001f\\]/.test(path) && path.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

/**
 * Echo's github/file artifacts of a push: every file a commit added or modified, once, at the
 * pushed commit; the reference is the repository's contents URL for the path (segments encoded).
 */
function pushedFiles(push: z.output<typeof GitHubPush>): Record<string, string>[] {
  const repo = push.repository;
  const contents = repo.contents_url ?? (repo.full_name ? `https://api.github.com/repos/${repo.full_name}/contents/{+path}` : undefined);
  if (!contents) return [];
  const files = new Set((push.commits ?? []).flatMap((c) => [...(c.added ?? []), ...(c.modified ?? [])]).filter(safeFilePath));
  return [...files].map((file) => ({
    type: 'github/file',
    name: file,
    version: push.after,
    reference: contents.replace('{+path}', file.split('/').map(encodeURIComponent).join('/')),
  }));
}

/**
 * Echo's GitHub branch event: a branch created or deleted fires git triggers with action
 * `branch:create` / `branch:delete` and the branch name; there is no commit. Tags are not branches
 * (their pushes arrive as push events).
 */
function normalizeGitHubBranch(eventName: 'create' | 'delete', body: unknown): Normalized<GitPush> {
  const event = parseOrRefuse(GitHubBranch, body, `GitHub ${eventName} event`);
  if (event.ref_type !== 'branch') return ignored(`GitHub ${eventName} of a ${textOf(event.ref_type)} does not trigger pipelines (its push does)`);
  const repo = event.repository;
  return {
    kind: 'event',
    event: {
      source: 'github',
      projects: spellings(repo.owner.login, repo.owner.name, repo.full_name?.split('/')[0]),
      slugs: spellings(repo.name),
      branch: branchOf(event.ref),
      action: `branch:${eventName}`,
      ...(event.sender?.login ? { user: event.sender.login } : {}),
    },
  };
}

function normalizeGitHubPullRequest(body: unknown): Normalized<GitPush> {
  const event = parseOrRefuse(GitHubPullRequest, body, 'GitHub pull_request event');
  const repo = event.repository;
  const pr = event.pull_request;
  // Echo's trigger properties, as strings as Echo writes them.
  const properties = Object.fromEntries(
    Object.entries({ number: pr.number, draft: pr.draft, state: pr.state, title: pr.title })
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => [k, String(v)]),
  );
  return {
    kind: 'event',
    event: {
      source: 'github',
      projects: spellings(repo.owner.login, repo.owner.name, repo.full_name?.split('/')[0]),
      slugs: spellings(repo.name),
      branch: event.pull_request.head.ref,
      hash: event.pull_request.head.sha,
      action: `pull_request:${event.action}`,
      ...(event.sender?.login ? { user: event.sender.login } : {}),
      ...(Object.keys(properties).length > 0 ? { properties } : {}),
    },
  };
}

const GitLabPush = z.looseObject({
  object_kind: z.optional(z.string()),
  ref: z.string().check(z.minLength(1)),
  after: z.string(),
  checkout_sha: z.nullish(z.string()),
  user_username: z.optional(z.string()),
  user_name: z.optional(z.string()),
  project: z.looseObject({
    name: z.string().check(z.minLength(1)),
    namespace: z.optional(z.string()),
    path_with_namespace: z.optional(z.string()),
  }),
});

export function normalizeGitLab(eventName: string | undefined, body: unknown): Normalized<GitPush> {
  if (eventName !== undefined && eventName !== 'Push Hook' && eventName !== 'Tag Push Hook') {
    return ignored(`GitLab event '${eventName}' does not trigger pipelines`);
  }
  // Echo reads pushes and tag pushes only (a merge request hook has no ref: nothing fires there).
  const kind = (body as { object_kind?: unknown } | null)?.object_kind;
  if (kind !== undefined && kind !== 'push' && kind !== 'tag_push') return ignored(`GitLab '${textOf(kind)}' events do not trigger pipelines`);
  const push = parseOrRefuse(GitLabPush, body, 'GitLab push event');
  if (ZERO_SHA.test(push.after)) return ignored(`${push.ref} was deleted`);
  const path = push.project.path_with_namespace?.split('/') ?? [];
  return {
    kind: 'event',
    event: {
      source: 'gitlab',
      projects: spellings(push.project.namespace, path.slice(0, -1).join('/')),
      slugs: spellings(push.project.name, path.at(-1)),
      branch: branchOf(push.ref),
      hash: push.checkout_sha ?? push.after,
      action: push.object_kind ?? (eventName === 'Tag Push Hook' ? 'tag_push' : 'push'),
      ...((push.user_username ?? push.user_name) ? { user: (push.user_username ?? push.user_name)! } : {}),
    },
  };
}

const BitbucketPush = z.looseObject({
  actor: z.optional(z.looseObject({ nickname: z.optional(z.string()), display_name: z.optional(z.string()), username: z.optional(z.string()) })),
  repository: z.looseObject({
    name: z.optional(z.string()),
    full_name: z.string().check(z.minLength(1)),
    owner: z.optional(z.looseObject({ username: z.optional(z.string()), nickname: z.optional(z.string()) })),
    project: z.optional(z.looseObject({ key: z.optional(z.string()) })),
  }),
  push: z.looseObject({
    changes: z.array(
      z.looseObject({
        new: z.nullish(
          z.looseObject({
            type: z.optional(z.string()),
            name: z.string().check(z.minLength(1)),
            target: z.looseObject({ hash: z.string().check(z.minLength(1)) }),
          }),
        ),
      }),
    ),
  }),
});

/** A merged Bitbucket Cloud pull request: Echo builds the destination branch at the merge commit. */
const BitbucketMerged = z.looseObject({
  actor: BitbucketPush.shape.actor,
  repository: BitbucketPush.shape.repository,
  pullrequest: z.looseObject({
    destination: z.looseObject({ branch: z.looseObject({ name: z.string().check(z.minLength(1)) }) }),
    merge_commit: z.looseObject({ hash: z.string().check(z.minLength(1)) }),
  }),
});

/** Bitbucket Server / Data Center `repo:refs_changed` (Echo's BitbucketServerEventHandler). */
const BitbucketServerPush = z.looseObject({
  eventKey: z.optional(z.string()),
  actor: z.optional(z.looseObject({ name: z.optional(z.string()), displayName: z.optional(z.string()) })),
  repository: z.looseObject({
    slug: z.string().check(z.minLength(1)),
    name: z.optional(z.string()),
    project: z.looseObject({ key: z.string().check(z.minLength(1)) }),
  }),
  changes: z.array(
    z.looseObject({
      ref: z.optional(z.looseObject({ id: z.optional(z.string()), displayId: z.optional(z.string()), type: z.optional(z.string()) })),
      refId: z.optional(z.string()),
      toHash: z.string(),
      type: z.optional(z.string()),
    }),
  ),
});

const BitbucketServerRef = z.looseObject({
  id: z.string().check(z.minLength(1)),
  latestCommit: z.optional(z.string()),
  repository: z.looseObject({
    slug: z.string().check(z.minLength(1)),
    name: z.optional(z.string()),
    project: z.looseObject({ key: z.string().check(z.minLength(1)) }),
  }),
});

/** Bitbucket Server / Data Center pull request events (Echo's BitbucketServerEventHandler). */
const BitbucketServerPullRequest = z.looseObject({
  actor: BitbucketServerPush.shape.actor,
  pullRequest: z.looseObject({
    fromRef: BitbucketServerRef,
    toRef: BitbucketServerRef,
    properties: z.optional(z.looseObject({ mergeCommit: z.optional(z.looseObject({ id: z.optional(z.string()) })) })),
  }),
});

/** The pull request events Echo fires git triggers for; the action is the event key. */
const BITBUCKET_SERVER_PR_EVENTS: readonly string[] = ['pr:opened', 'pr:from_ref_updated', 'pr:merged', 'pr:declined', 'pr:deleted'];

/**
 * As Echo reads them: a merged pull request is the target branch at the merge commit; the others
 * are the source branch at its latest commit.
 */
function normalizeBitbucketServerPullRequest(eventKey: string, body: unknown): Normalized<GitPush> {
  const event = parseOrRefuse(BitbucketServerPullRequest, body, `Bitbucket Server ${eventKey} event`);
  const pr = event.pullRequest;
  const merged = eventKey === 'pr:merged';
  const ref = merged ? pr.toRef : pr.fromRef;
  const hash = merged ? pr.properties?.mergeCommit?.id : pr.fromRef.latestCommit;
  const user = event.actor?.name ?? event.actor?.displayName;
  return {
    kind: 'event',
    event: {
      source: 'bitbucket',
      projects: spellings(ref.repository.project.key),
      slugs: spellings(ref.repository.slug, ref.repository.name),
      branch: branchOf(ref.id),
      ...(hash ? { hash } : {}),
      action: eventKey,
      ...(user ? { user } : {}),
    },
  };
}

function normalizeBitbucketServer(body: unknown): Normalized<GitPush> {
  const push = parseOrRefuse(BitbucketServerPush, body, 'Bitbucket Server refs_changed event');
  // A deleted branch or tag has nothing to build (DELETE changes, or a zero toHash).
  const change = push.changes.find((c) => c.type !== 'DELETE' && !ZERO_SHA.test(c.toHash));
  if (!change) return ignored('the push only deleted refs');
  const ref = change.ref?.id ?? change.refId ?? '';
  const user = push.actor?.name ?? push.actor?.displayName;
  return {
    kind: 'event',
    event: {
      source: 'bitbucket',
      projects: spellings(push.repository.project.key),
      slugs: spellings(push.repository.slug, push.repository.name),
      branch: branchOf(ref),
      hash: change.toHash,
      action: 'repo:refs_changed',
      ...(user ? { user } : {}),
    },
  };
}

/** Bitbucket Cloud (`repo:push`) and Bitbucket Server / Data Center (`repo:refs_changed`), as Echo tells them apart. */
export function normalizeBitbucket(eventKey: string | undefined, body: unknown): Normalized<GitPush> {
  if (eventKey === 'diagnostics:ping') return ignored('ping');
  const key = eventKey ?? (body as { eventKey?: unknown } | null)?.eventKey;
  if (key === 'repo:refs_changed') return normalizeBitbucketServer(body);
  if (typeof key === 'string' && BITBUCKET_SERVER_PR_EVENTS.includes(key)) return normalizeBitbucketServerPullRequest(key, body);
  if (key === 'pullrequest:fulfilled') {
    const merged = parseOrRefuse(BitbucketMerged, body, 'Bitbucket pullrequest:fulfilled event');
    return bitbucketCloudEvent(merged, merged.pullrequest.destination.branch.name, merged.pullrequest.merge_commit.hash, 'pullrequest:fulfilled');
  }
  if (key !== undefined && key !== 'repo:push') return ignored(`Bitbucket event '${textOf(key)}' does not trigger pipelines`);
  const push = parseOrRefuse(BitbucketPush, body, 'Bitbucket push event');
  const change = push.push.changes.find((c) => c.new);
  if (!change?.new) return ignored('the push only deleted refs');
  return bitbucketCloudEvent(push, change.new.name, change.new.target.hash, 'repo:push');
}

function bitbucketCloudEvent(
  delivery: Pick<z.infer<typeof BitbucketPush>, 'actor' | 'repository'>,
  branch: string,
  hash: string,
  action: string,
): Normalized<GitPush> {
  const { repository, actor } = delivery;
  const [owner, name] = repository.full_name.split('/');
  const user = actor?.nickname ?? actor?.username ?? actor?.display_name;
  return {
    kind: 'event',
    event: {
      source: 'bitbucket',
      projects: spellings(owner, repository.owner?.username, repository.owner?.nickname, repository.project?.key),
      slugs: spellings(name, repository.name),
      branch,
      hash,
      action,
      ...(user ? { user } : {}),
    },
  };
}

/** Spinnaker's git trigger object for a push. */
export function gitTrigger(push: GitPush, payload?: unknown): Record<string, unknown> {
  return {
    type: 'git',
    source: push.source,
    project: push.projects[0],
    slug: push.slugs[0],
    branch: push.branch,
    ...(push.hash !== undefined ? { hash: push.hash } : {}),
    action: push.action,
    ...(push.user ? { user: push.user } : {}),
    ...(push.properties ? { properties: push.properties } : {}),
    ...(push.artifacts && push.artifacts.length > 0 ? { artifacts: push.artifacts } : {}),
    ...(payload !== undefined ? carriedPayload(payload) : {}),
  };
}
