/**
 * Per-application permissions, Fiat's model: a settings file gives an application's READ, EXECUTE
 * and WRITE permissions to roles (IAM role ARNs, or names: functions/core/roles.ts), and every API
 * operation needs one of them on the application it touches (list/get and the cluster view READ;
 * trigger, cancel, pause/resume, judge, restart, promote EXECUTE). A refusal is a 403 naming the
 * permission and the application. As in Fiat, an application the file does not list is open, and
 * EXECUTE falls back to READ's roles when an application lists no EXECUTE; WRITE implies the other
 * two. With no file (local mode, or a platform without the setting) every caller may do everything.
 *
 * The one place routes ask: `requirePermission(authorizer, caller, application, 'EXECUTE')`.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import '../../state-machines/zod-messages.js';
import { HOME_ACCOUNT_ENV, holdsAnyRole, isIamRole } from '../core/roles.js';
import { ForbiddenError } from './errors.js';
import type { Caller } from './identity.js';

export const PERMISSIONS = ['READ', 'EXECUTE', 'WRITE'] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const PERMISSIONS_FILE_ENV = 'GENNAKER_PERMISSIONS_FILE';

const Roles = z.array(z.string().check(z.minLength(1)));
const ApplicationSchema = z.strictObject({ READ: z.optional(Roles), EXECUTE: z.optional(Roles), WRITE: z.optional(Roles) });
const FileSchema = z.strictObject({ applications: z.record(z.string(), ApplicationSchema) });

export type ApplicationPermissions = z.output<typeof ApplicationSchema>;

export interface Authorizer {
  /** Whether the caller has the permission on the application. */
  allows(caller: Caller, application: string, permission: Permission): boolean;
}

/** Everyone may do everything (local mode; no permissions setting). */
export const OPEN: Authorizer = { allows: () => true };

/** Parses the settings document; throws an Error naming what is wrong. */
export function parsePermissions(document: unknown, source = 'permissions'): Readonly<Record<string, ApplicationPermissions>> {
  const parsed = z.safeParse(FileSchema, document);
  if (!parsed.success) {
    throw new Error(`${source}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data.applications;
}

export function fiatAuthorizer(applications: Readonly<Record<string, ApplicationPermissions>>, homeAccount?: string): Authorizer {
  return {
    allows(caller, application, permission) {
      if (!Object.hasOwn(applications, application)) return true;
      const p = applications[application]!;
      const write = p.WRITE ?? [];
      const read = p.READ ?? [];
      const execute = p.EXECUTE ?? read;
      const granted = permission === 'WRITE' ? write : permission === 'EXECUTE' ? [...execute, ...write] : [...read, ...execute, ...write];
      return holdsAnyRole(granted, caller.roles, homeAccount);
    },
  };
}

/**
 * The group names a permissions file gives permissions to: every bare role name (not an IAM role
 * ARN), sorted. The hosted console creates a Cognito group for each, so a user added to one holds
 * that role in the API (identity.ts reads cognito:groups).
 */
export function permissionGroupNames(applications: Readonly<Record<string, ApplicationPermissions>>): string[] {
  const names = new Set<string>();
  for (const p of Object.values(applications))
    for (const role of [...(p.READ ?? []), ...(p.EXECUTE ?? []), ...(p.WRITE ?? [])]) if (!isIamRole(role)) names.add(role.trim());
  return [...names].sort();
}

/** Throws ForbiddenError (403) naming the missing permission. */
export function requirePermission(authorizer: Authorizer, caller: Caller, application: string, permission: Permission): void {
  if (!authorizer.allows(caller, application, permission)) {
    throw new ForbiddenError(`${caller.user} lacks ${permission} permission on application '${application}'`);
  }
}

/** The authorizer for this process: GENNAKER_PERMISSIONS_FILE (bundled JSON), else open. */
export function authorizerFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): Authorizer {
  const file = env[PERMISSIONS_FILE_ENV];
  if (!file) return OPEN;
  return fiatAuthorizer(parsePermissions(JSON.parse(readFileSync(file, 'utf8')) as unknown, file), env[HOME_ACCOUNT_ENV]);
}
