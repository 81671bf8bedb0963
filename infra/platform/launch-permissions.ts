/**
 * What the platform's own account lets the functions touch beyond what Gennaker creates: the IAM
 * roles launch templates, bake builders and ECS tasks may carry (iam:PassRole), and the ECS task
 * definition families runJob may run. A platform setting (`launchPermissions`) that only becomes
 * IAM policy (no function reads it), so it lives with the CDK code.
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
}

const ROLE = /^(arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+|[\w+=,.@-]+(\/[\w+=,.@-]+)*)$/;
const FAMILY = /^[A-Za-z0-9_-]{1,255}$/;

const Schema = z.strictObject({
  instanceRoles: z.optional(z.array(z.string())),
  taskRoles: z.optional(z.array(z.string())),
  taskFamilies: z.optional(z.array(z.string())),
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
  if (problems.length > 0) throw new Error(`${source}: ${problems.join('; ')}`);
  return {
    instanceRoles: parsed.data.instanceRoles ?? [],
    taskRoles: parsed.data.taskRoles ?? [],
    taskFamilies: parsed.data.taskFamilies ?? [],
  };
}
