/**
 * Who is calling the API. With IAM auth the principal comes from the request context, verified by
 * API Gateway: an assumed role's role (with its account) is the caller's role, written as the
 * role's ARN, and the session name, which the caller chose, is only shown (`user`). So
 * `requiredJudgmentRoles: [Approvers]` means "assumed the Approvers role of the platform's account"
 * and `arn:aws:iam::<account>:role/Approvers` names another account's (functions/core/roles.ts).
 * A Lambda authorizer may add `user` and `roles` to its context. The x-gennaker-user / -roles
 * headers are only believed when GENNAKER_TRUST_IDENTITY_HEADERS=true (set it only behind a proxy
 * or authorizer that overwrites them: a client can send any header).
 */
import { isIamRole, roleArnOf } from '../core/roles.js';

export interface Caller {
  readonly user: string;
  readonly roles: readonly string[];
  /** The IAM ARN, when there is one. */
  readonly principal?: string;
}

export const TRUST_IDENTITY_HEADERS_ENV = 'GENNAKER_TRUST_IDENTITY_HEADERS';

/** The request context fields read here (IAM and Lambda authorizers of an HTTP API). */
export interface IdentityContext {
  readonly authorizer?: {
    readonly iam?: { readonly userArn?: string; readonly callerId?: string; readonly userId?: string };
    readonly lambda?: Readonly<Record<string, unknown>>;
    readonly jwt?: { readonly claims?: Readonly<Record<string, unknown>> };
  };
}

/**
 * `arn:aws:sts::1:assumed-role/Role/session` → {user: 'session (Role in 1)', roles: ['arn:aws:iam::1:role/Role']};
 * `...:user/path/name` → {user: name}.
 */
export function parsePrincipal(arn: string): { user: string; roles: string[] } {
  const parts = arn.split(':');
  const partition = parts[1] || 'aws';
  const account = parts[4] ?? '';
  const resource = parts.slice(5).join(':');
  const assumed = /^assumed-role\/([^/]+)\/(.+)$/.exec(resource);
  if (assumed) {
    const roles = /^\d{12}$/.test(account) ? [roleArnOf(account, assumed[1]!, partition)] : [];
    return { user: `${assumed[2]!} (${assumed[1]!} in ${account})`, roles };
  }
  const user = /^user\/(?:.*\/)?([^/]+)$/.exec(resource);
  if (user) return { user: user[1]!, roles: [] };
  return { user: resource || arn, roles: [] };
}

function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String).filter(Boolean);
  // An HTTP API's JWT authorizer hands array claims (cognito:groups) on as one string: "[a b]".
  if (typeof value === 'string' && value.startsWith('[') && value.endsWith(']'))
    return value
      .slice(1, -1)
      .split(/[\s,]+/)
      .filter(Boolean);
  if (typeof value === 'string')
    return value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return [];
}

export function callerOf(
  context: IdentityContext | undefined,
  headers: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Caller {
  let user = 'anonymous';
  const roles = new Set<string>();
  let principal: string | undefined;
  const iam = context?.authorizer?.iam;
  if (iam?.userArn) {
    principal = iam.userArn;
    const parsed = parsePrincipal(iam.userArn);
    user = parsed.user;
    for (const r of parsed.roles) roles.add(r);
  }
  const lambda = context?.authorizer?.lambda;
  if (lambda) {
    if (typeof lambda.user === 'string' && lambda.user) user = lambda.user;
    for (const r of list(lambda.roles)) roles.add(r);
  }
  const claims = context?.authorizer?.jwt?.claims;
  if (claims) {
    const name = claims.preferred_username ?? claims.email ?? claims.sub;
    if (typeof name === 'string') user = name;
    // Cognito groups are group names, the roles a permissions file names bare. A group spelled as
    // an IAM role is not that role: only a principal API Gateway verified is one.
    for (const r of list(claims['cognito:groups'] ?? claims.groups ?? claims.roles)) if (!isIamRole(r)) roles.add(r);
  }
  if (env[TRUST_IDENTITY_HEADERS_ENV] === 'true') {
    if (headers['x-gennaker-user']) user = headers['x-gennaker-user'];
    for (const r of list(headers['x-gennaker-roles'])) roles.add(r);
  }
  return { user, roles: [...roles], ...(principal ? { principal } : {}) };
}
