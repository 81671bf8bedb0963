/**
 * What the platform's own account lets the functions touch beyond what Gennaker creates: the IAM
 * roles launch templates, bake builders and ECS tasks may carry (iam:PassRole), and the ECS task
 * definition families runJob may run, the execution roles Lambda deploys may give functions, and
 * the name prefixes of functions Gennaker manages besides those it tagged. A platform setting
 * (`launchPermissions`) that only becomes IAM policy (no function reads it), so it lives with the
 * CDK code.
 */
import * as z from 'zod/mini';
import '../../state-machines/zod-messages.js';

export interface LaunchPermissions {
  /** Role ARNs (or names in the platform's account) behind the instance profiles of launch templates and bake builders. */
  readonly instanceRoles: readonly string[];
  /** Role ARNs (or names) ECS task definitions name as task or execution role. */
  readonly taskRoles: readonly string[];
  /** ECS task definition families runJob stages may run. */
  readonly taskFamilies: readonly string[];
  /** Role ARNs (or names) Lambda deploy stages may set as a function's execution role. */
  readonly functionRoles: readonly string[];
  /** Functions named `<prefix>…` may be changed even without Gennaker's tag (ones made before Gennaker). */
  readonly functionPrefixes: readonly string[];
}

const ROLE = /^(arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+|[\w+=,.@-]+(\/[\w+=,.@-]+)*)$/;
const FAMILY = /^[A-Za-z0-9_-]{1,255}$/;
const FUNCTION_PREFIX = /^[A-Za-z0-9_-]{1,63}$/;

const Schema = z.strictObject({
  instanceRoles: z.optional(z.array(z.string())),
  taskRoles: z.optional(z.array(z.string())),
  taskFamilies: z.optional(z.array(z.string())),
  functionRoles: z.optional(z.array(z.string())),
  functionPrefixes: z.optional(z.array(z.string())),
});

/** Parses the setting; throws an Error naming each bad entry. */
export function parseLaunchPermissions(document: unknown, source = 'launchPermissions'): LaunchPermissions {
  const parsed = Schema.safeParse(document ?? {});
  if (!parsed.success) {
    throw new Error(`${source}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`);
  }
  const problems: string[] = [];
  const check = (field: string, values: readonly string[] | undefined, pattern: RegExp, what: string) =>
    (values ?? []).forEach((v, i) => {
      if (!pattern.test(v)) problems.push(`${field}[${i}]: "${v}" is not ${what}`);
    });
  check('instanceRoles', parsed.data.instanceRoles, ROLE, 'a role ARN or name');
  check('taskRoles', parsed.data.taskRoles, ROLE, 'a role ARN or name');
  check('taskFamilies', parsed.data.taskFamilies, FAMILY, 'a task definition family (letters, digits, - and _)');
  check('functionRoles', parsed.data.functionRoles, ROLE, 'a role ARN or name');
  check('functionPrefixes', parsed.data.functionPrefixes, FUNCTION_PREFIX, 'a function name prefix (letters, digits, - and _)');
  if (problems.length > 0) throw new Error(`${source}: ${problems.join('; ')}`);
  return {
    instanceRoles: parsed.data.instanceRoles ?? [],
    taskRoles: parsed.data.taskRoles ?? [],
    taskFamilies: parsed.data.taskFamilies ?? [],
    functionRoles: parsed.data.functionRoles ?? [],
    functionPrefixes: parsed.data.functionPrefixes ?? [],
  };
}
