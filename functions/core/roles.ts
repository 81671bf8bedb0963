/**
 * Whether a caller holds a role named in a pipeline or a settings file (requiredJudgmentRoles,
 * application permissions). A caller's roles are either IAM roles, written as the role's ARN
 * (`arn:aws:iam::<account>:role/<name>`, taken from the verified principal, never from a session
 * name the caller chose), or group names from an authorizer (Cognito groups, local mode).
 *
 * A configured entry matches:
 * - a role ARN (a path is allowed and ignored, as assumed-role ARNs carry none): the IAM role of
 *   that name in that account, and nothing else;
 * - `<account>:role/<name>`: the same;
 * - a bare name: a group of that name, or the IAM role of that name in the platform's own account
 *   (`homeAccount`), never a role of that name in another account.
 */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/;
const ACCOUNT_ROLE = /^(\d{12}):role\/(?:.*\/)?([^/]+)$/;

interface IamRole {
  readonly account: string;
  readonly name: string;
}

function iamRoleOf(text: string): IamRole | undefined {
  const match = ROLE_ARN.exec(text) ?? ACCOUNT_ROLE.exec(text);
  return match ? { account: match[1]!, name: match[2]! } : undefined;
}

/** Whether a role entry names an IAM role (an ARN or `<account>:role/<name>`) rather than a group. */
export function isIamRole(text: string): boolean {
  return iamRoleOf(text.trim()) !== undefined;
}

/** The caller-side spelling of an IAM role. */
export function roleArnOf(account: string, name: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${account}:role/${name}`;
}

export function roleMatches(entry: string, callerRole: string, homeAccount?: string): boolean {
  const wanted = iamRoleOf(entry.trim());
  const held = iamRoleOf(callerRole);
  if (wanted) return held !== undefined && held.account === wanted.account && held.name === wanted.name;
  if (held) return homeAccount !== undefined && held.account === homeAccount && held.name === entry.trim();
  return entry.trim() === callerRole;
}

/** Whether any of the caller's roles matches any entry. */
export function holdsAnyRole(entries: readonly string[], callerRoles: readonly string[], homeAccount?: string): boolean {
  return entries.some((entry) => callerRoles.some((role) => roleMatches(entry, role, homeAccount)));
}

/** The platform's own account, for bare role names (set on the functions that check roles). */
export const HOME_ACCOUNT_ENV = 'GENNAKER_ACCOUNT_ID';
