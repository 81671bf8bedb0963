/**
 * Accounts: the Spinnaker `credentials` / `account` name a pipeline uses → an AWS account, the
 * regions it may deploy to, the role to assume there and defaults for server groups. Read from an
 * accounts file (YAML or JSON; `GENNAKER_ACCOUNTS_FILE`) or given inline:
 *
 *   accounts:
 *     prod:
 *       accountId: "111111111111"
 *       regions: [us-east-1, us-west-2]
 *       assumeRole: arn:aws:iam::111111111111:role/gennaker-deploy   # or Spinnaker's "role/gennaker-deploy"
 *       defaults: { subnetType: internal, keyPair: prod, securityGroups: [web] }
 *
 * Spinnaker's clouddriver list form (`aws: { accounts: [{ name, accountId, regions: [{ name }], assumeRole }] }`)
 * is accepted too. For local runs, `default` and `local` name the emulator's account (123456789012)
 * with no role and any region. Parsing is pure; credentials for a role come from credentials.ts.
 */
import { readFile } from 'node:fs/promises';
import * as z from 'zod/mini';
import '../../../state-machines/zod-messages.js';
import { parseConfigText } from '../config-text.js';
import { AccountsConfigError, UnknownAccountError, UnknownRegionError } from './errors.js';

/** moto's default account: what local runs deploy into. */
export const LOCAL_ACCOUNT_ID = '123456789012';
const LOCAL_ACCOUNT_NAMES = ['default', 'local'] as const;
export const ACCOUNTS_FILE_ENV = 'GENNAKER_ACCOUNTS_FILE';

/** Server group settings an account supplies when a deploy does not. */
export interface AccountDefaults {
  readonly subnetIds?: readonly string[];
  readonly subnetType?: string;
  readonly vpcId?: string;
  readonly securityGroups?: readonly string[];
  readonly keyPair?: string;
  readonly iamInstanceProfile?: string;
  readonly instanceType?: string;
}

export interface Account {
  readonly name: string;
  readonly accountId: string;
  /** Regions deploys may target; undefined = any (only the built-in local accounts). */
  readonly regions?: readonly string[];
  /** Full role ARN to assume; none = the caller's own credentials. */
  readonly assumeRole?: string;
  readonly externalId?: string;
  /** @default 3600 */
  readonly sessionDurationSeconds?: number;
  readonly defaults: AccountDefaults;
}

export interface AccountTarget {
  readonly account: Account;
  readonly region: string;
}

export class AccountRegistry {
  private readonly byName: ReadonlyMap<string, Account>;

  constructor(accounts: readonly Account[]) {
    this.byName = new Map(accounts.map((a) => [a.name, a]));
  }

  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  get(name: string): Account {
    const account = this.byName.get(name);
    if (!account) {
      const known = this.names();
      throw new UnknownAccountError(
        `unknown account "${name}"; known accounts: ${known.length > 0 ? known.join(', ') : '(none: set ' + ACCOUNTS_FILE_ENV + ')'}`,
      );
    }
    return account;
  }

  /** The account and region a deploy targets; both must be declared. */
  resolve(name: string, region: string): AccountTarget {
    const account = this.get(name);
    if (account.regions && !account.regions.includes(region)) {
      throw new UnknownRegionError(`account "${name}" (${account.accountId}) has no region "${region}"; its regions: ${account.regions.join(', ')}`);
    }
    return { account, region };
  }
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const RELATIVE_ROLE = /^role\/[\w+=,.@/-]+$/;

const regionSchema = z.pipe(
  z.union([z.string(), z.strictObject({ name: z.string() })]),
  z.transform((r: string | { name: string }) => (typeof r === 'string' ? r : r.name)),
);

const defaultsSchema = z.strictObject({
  subnetIds: z.optional(z.array(z.string())),
  subnetType: z.optional(z.string()),
  vpcId: z.optional(z.string()),
  securityGroups: z.optional(z.array(z.string())),
  keyPair: z.optional(z.string()),
  iamInstanceProfile: z.optional(z.string()),
  instanceType: z.optional(z.string()),
});

const accountFields = {
  accountId: z.pipe(z.pipe(z.union([z.string(), z.number()]), z.transform(String)), z.string().check(z.regex(/^\d{12}$/, 'must be 12 digits'))),
  regions: z.array(regionSchema).check(z.minLength(1, 'list at least one region')),
  assumeRole: z.optional(z.string()),
  externalId: z.optional(z.string()),
  sessionDurationSeconds: z.optional(z.int().check(z.gte(900), z.lte(43_200))),
  defaults: z.optional(defaultsSchema),
};
const accountSchema = z.strictObject(accountFields);
const namedAccountSchema = z.strictObject({ name: z.string(), ...accountFields });

const documentSchema = z.union([
  z.strictObject({ accounts: z.union([z.record(z.string(), accountSchema), z.array(namedAccountSchema)]) }),
  z.strictObject({ aws: z.looseObject({ accounts: z.array(namedAccountSchema) }) }),
]);

type ParsedAccount = z.infer<typeof namedAccountSchema>;

function zodProblems(error: z.core.$ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`);
}

function accountRules(account: ParsedAccount, path: string): string[] {
  const problems: string[] = [];
  if (!/^[a-zA-Z0-9_-]+$/.test(account.name)) problems.push(`${path}: account name "${account.name}" may only contain letters, digits, _ and -`);
  for (const region of account.regions) {
    if (!REGION.test(region)) problems.push(`${path}.regions: "${region}" is not a region name (like us-east-1)`);
  }
  if (account.assumeRole !== undefined) {
    if (RELATIVE_ROLE.test(account.assumeRole)) {
      // Spinnaker's relative form, expanded below.
    } else if (!ROLE_ARN.test(account.assumeRole)) {
      problems.push(`${path}.assumeRole: "${account.assumeRole}" is neither a role ARN nor role/<name>`);
    } else if (!account.assumeRole.includes(`::${account.accountId}:`)) {
      problems.push(`${path}.assumeRole: ${account.assumeRole} is not in account ${account.accountId}`);
    }
  }
  if (account.defaults?.subnetIds && account.defaults.subnetType) {
    problems.push(`${path}.defaults: give subnetIds or subnetType, not both`);
  }
  return problems;
}

function toAccount(parsed: ParsedAccount): Account {
  const role = parsed.assumeRole;
  return {
    name: parsed.name,
    accountId: parsed.accountId,
    regions: [...new Set(parsed.regions)],
    ...(role ? { assumeRole: RELATIVE_ROLE.test(role) ? `arn:aws:iam::${parsed.accountId}:${role}` : role } : {}),
    ...(parsed.externalId ? { externalId: parsed.externalId } : {}),
    ...(parsed.sessionDurationSeconds ? { sessionDurationSeconds: parsed.sessionDurationSeconds } : {}),
    defaults: parsed.defaults ?? {},
  };
}

function localAccounts(): Account[] {
  return LOCAL_ACCOUNT_NAMES.map((name) => ({ name, accountId: LOCAL_ACCOUNT_ID, defaults: {} }));
}

export interface ParseAccountsOptions {
  /** Adds `default` and `local` (the emulator's account) unless the document names them. */
  readonly includeLocal?: boolean;
  /** Named in errors, e.g. the file path. */
  readonly source?: string;
}

/** Validates an accounts document (already parsed from YAML/JSON), reporting every problem. */
export function parseAccounts(document: unknown, options: ParseAccountsOptions = {}): AccountRegistry {
  const source = options.source ?? 'accounts';
  const result = documentSchema.safeParse(document);
  if (!result.success) throw new AccountsConfigError(zodProblems(result.error), source);
  const doc = result.data;
  const entries: { path: string; account: ParsedAccount }[] =
    'aws' in doc
      ? doc.aws.accounts.map((account, i) => ({ path: `aws.accounts.${i}`, account }))
      : Array.isArray(doc.accounts)
        ? doc.accounts.map((account, i) => ({ path: `accounts.${i}`, account }))
        : Object.entries(doc.accounts).map(([name, a]) => ({ path: `accounts.${name}`, account: { name, ...a } }));
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const { path, account } of entries) {
    if (seen.has(account.name)) problems.push(`${path}: account "${account.name}" is declared twice`);
    seen.add(account.name);
    problems.push(...accountRules(account, path));
  }
  if (problems.length > 0) throw new AccountsConfigError(problems, source);
  const accounts = entries.map((e) => toAccount(e.account));
  if (options.includeLocal) accounts.push(...localAccounts().filter((a) => !seen.has(a.name)));
  return new AccountRegistry(accounts);
}

/**
 * Parses YAML or JSON text. Async: JSON is parsed directly; the YAML parser is loaded only for
 * text that is not JSON.
 */
export async function parseAccountsText(text: string, options: ParseAccountsOptions = {}): Promise<AccountRegistry> {
  let document: unknown;
  try {
    // Empty text is an empty YAML document: null, as it always was.
    document = (await parseConfigText(text)) ?? null;
  } catch (error) {
    throw new AccountsConfigError([`not valid YAML or JSON: ${(error as Error).message}`], options.source ?? 'accounts');
  }
  return parseAccounts(document, options);
}

export interface LoadAccountsOptions {
  /** An accounts document (object) or its YAML / JSON text; wins over the file. */
  readonly inline?: unknown;
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** @default fs.readFile */
  readonly readText?: (path: string) => Promise<string>;
}

/**
 * The accounts for this process: inline, else the file named by GENNAKER_ACCOUNTS_FILE. The local
 * accounts are added when neither is given, or when talking to an emulator (AWS_ENDPOINT_URL set).
 */
export async function loadAccounts(options: LoadAccountsOptions = {}): Promise<AccountRegistry> {
  const env = options.env ?? process.env;
  const path = env[ACCOUNTS_FILE_ENV];
  const emulator = Boolean(env.AWS_ENDPOINT_URL);
  if (options.inline !== undefined) {
    const includeLocal = emulator;
    return typeof options.inline === 'string'
      ? parseAccountsText(options.inline, { includeLocal, source: 'inline accounts' })
      : parseAccounts(options.inline, { includeLocal, source: 'inline accounts' });
  }
  if (!path) return new AccountRegistry(localAccounts());
  const read = options.readText ?? ((p: string) => readFile(p, 'utf8'));
  let text: string;
  try {
    text = await read(path);
  } catch (error) {
    throw new AccountsConfigError([`cannot read ${path}: ${(error as Error).message}`], `${ACCOUNTS_FILE_ENV}=${path}`);
  }
  return parseAccountsText(text, { includeLocal: emulator, source: path });
}

/** A deploy's settings with the account's defaults filled in where it gave none. */
export function withAccountDefaults<
  T extends {
    readonly subnetIds?: readonly string[];
    readonly subnetType?: string;
    readonly availabilityZones?: readonly string[];
    readonly vpcId?: string;
    readonly securityGroups?: readonly string[];
    readonly keyPair?: string;
    readonly iamInstanceProfile?: string;
    readonly instanceType?: string;
  },
>(spec: T, defaults: AccountDefaults): T {
  const placed = (spec.subnetIds?.length ?? 0) > 0 || !!spec.subnetType || (spec.availabilityZones?.length ?? 0) > 0;
  return {
    ...spec,
    ...(!placed && defaults.subnetIds ? { subnetIds: defaults.subnetIds } : {}),
    ...(!placed && defaults.subnetType ? { subnetType: defaults.subnetType } : {}),
    ...(spec.vpcId === undefined && defaults.vpcId ? { vpcId: defaults.vpcId } : {}),
    ...(spec.securityGroups === undefined && defaults.securityGroups ? { securityGroups: defaults.securityGroups } : {}),
    ...(spec.keyPair === undefined && defaults.keyPair ? { keyPair: defaults.keyPair } : {}),
    ...(spec.iamInstanceProfile === undefined && defaults.iamInstanceProfile ? { iamInstanceProfile: defaults.iamInstanceProfile } : {}),
    ...(!spec.instanceType && defaults.instanceType ? { instanceType: defaults.instanceType } : {}),
  };
}
