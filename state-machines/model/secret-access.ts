/**
 * Which secrets a pipeline may reference: those of its own application, named
 * `<prefix><application>/…` (prefix `gennaker/` by default), and those the operator shares in the
 * `secretAccess` setting (with every application, or with named ones). References the operator
 * wrote in settings (preconfigured webhooks, Jenkins masters, notification settings) are the
 * operator's grant and are not limited by application. Pure: the setting's parser and the checks
 * synth, `gennaker validate` and the resolver (functions/core/secrets) make.
 */
import * as z from 'zod/mini';
import '../zod-messages.js';
import { GennakerError } from '../errors.js';
import { jsonPath, type Problem } from './problems.js';
import { type SecretReference, secretNameOf, secretReferencesIn } from './secret-references.js';

/** The platform's secret name prefix unless it sets another (`secretNamePrefix`). */
export const DEFAULT_SECRET_NAME_PREFIX = 'gennaker/';

/** The settings file the resolving functions read (bundled as JSON beside them). */
export const SECRET_ACCESS_FILE_ENV = 'GENNAKER_SECRET_ACCESS_FILE';

/** A secret name, or a prefix of names when it ends in `/`. */
const Grant = z.string().check(z.regex(/^[A-Za-z0-9/_+=.@-]+$/, 'a secret name, or a prefix ending in /'));

const SecretAccessSchema = z.strictObject({
  shared: z.optional(z.array(Grant)),
  applications: z.optional(z.record(z.string(), z.array(Grant))),
});

export interface SecretAccess {
  /** Names (or prefixes ending in `/`) every application's pipelines may reference. */
  readonly shared: readonly string[];
  /** More names for one application's pipelines. */
  readonly applications: Readonly<Record<string, readonly string[]>>;
}

export const NO_SHARED_SECRETS: SecretAccess = { shared: [], applications: {} };

class SecretAccessError extends GennakerError {
  override readonly name = 'SecretAccessError';
  override readonly kind = 'input';
}

export function parseSecretAccess(document: unknown, source = SECRET_ACCESS_FILE_ENV): SecretAccess {
  const parsed = SecretAccessSchema.safeParse(document ?? {});
  if (!parsed.success) {
    throw new SecretAccessError(`${source}: ${parsed.error.issues.map((i) => `${jsonPath(i.path)}: ${i.message}`).join('; ')}`);
  }
  return { shared: parsed.data.shared ?? [], applications: parsed.data.applications ?? {} };
}

/** Where an application's own secrets live. */
function applicationSecretPrefix(prefix: string, application: string): string {
  return `${prefix}${application}/`;
}

function granted(name: string, grants: readonly string[]): boolean {
  return grants.some((g) => (g.endsWith('/') ? name.startsWith(g) : name === g));
}

/** Whether a pipeline of `application` may reference the secret `name`. */
export function applicationMayUse(name: string, application: string, prefix: string, access: SecretAccess = NO_SHARED_SECRETS): boolean {
  return (
    name.startsWith(applicationSecretPrefix(prefix, application)) ||
    granted(name, access.shared) ||
    granted(name, Object.hasOwn(access.applications, application) ? (access.applications[application] ?? []) : [])
  );
}

/** The reason a reference is refused, naming it and what the application may use instead. */
export function outsideApplicationMessage(reference: SecretReference, application: string, prefix: string): string {
  return `secret '${secretNameOf(reference)}' is not one application '${application}' may use: its pipelines may reference secrets named '${applicationSecretPrefix(prefix, application)}…' and those the secretAccess setting shares with it`;
}

/** Every reference in a pipeline document its application may not use, with its path (errors). */
export function secretAccessProblems(document: unknown, application: string, prefix: string, access: SecretAccess = NO_SHARED_SECRETS): Problem[] {
  return secretReferencesIn(document)
    .filter(({ reference }) => !applicationMayUse(secretNameOf(reference), application, prefix, access))
    .map(({ path, reference }) => ({ path, message: outsideApplicationMessage(reference, application, prefix) }));
}
