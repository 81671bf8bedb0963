/**
 * The settings deployed functions read (accounts, traffic guards, bake settings, Jenkins masters,
 * permissions, preconfigured webhooks, secret access, artifacts, notifications):
 * read and checked at synth with the functions' own parsers, so a bad file fails `cdk synth` with
 * the message a function would have logged, and handed to the functions that use them as JSON
 * files in their bundles (a function never parses YAML, and Lambda's 4 KB of environment would not
 * hold them). Accounts also decide which roles the functions may assume.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { parseYamlOrThrow } from '../../state-machines/model/yaml-text.js';
import type { Problem } from '../../state-machines/model/problems.js';
import { secretProblems } from '../../state-machines/model/secret-references.js';
import { parseSecretAccess, SECRET_ACCESS_FILE_ENV, type SecretAccess } from '../../state-machines/model/secret-access.js';
import { NOTIFICATION_SETTINGS_FILE_ENV, type NotificationSettings, parseNotificationSettings } from '../../functions/notifier/settings.js';
import { ACCOUNTS_FILE_ENV, type AccountRegistry, parseAccounts } from '../../functions/core/cloud/accounts.js';
import { parseTrafficGuards, TRAFFIC_GUARDS_FILE_ENV } from '../../functions/core/traffic-guards.js';
import { BAKE_CONFIG_FILE_ENV, parseBakeConfig } from '../../functions/stages/cloud/bake/config.js';
import { JENKINS_MASTERS_FILE_ENV, parseJenkinsMasters } from '../../functions/stages/external/jenkins/masters.js';
import { parsePermissions, PERMISSIONS_FILE_ENV, permissionGroupNames } from '../../functions/api/permissions.js';
import { PlatformSettingError } from '../errors.js';
import { ARTIFACTS_FILE_ENV, type ArtifactSettings, NO_ARTIFACT_SETTINGS, parseArtifactSettings } from '../../functions/core/artifacts/settings.js';
import {
  parsePreconfiguredWebhooks,
  PRECONFIGURED_WEBHOOKS_FILE_ENV,
  type PreconfiguredWebhook,
  registerPreconfiguredWebhooks,
} from '../../state-machines/stage-types/preconfigured-webhooks.js';
import type { Need } from './catalog.js';
import { type LaunchPermissions, parseLaunchPermissions } from './launch-permissions.js';

/** A setting as a file (YAML or JSON, read at synth) or as the document itself. */
export type SettingSource = { readonly file: string } | { readonly document: unknown };

export interface PlatformSettings {
  /** Spinnaker-style accounts (functions/core/cloud/accounts.ts): names, regions, roles to assume. */
  readonly accounts?: SettingSource;
  /** Clusters whose last enabled capacity no stage may remove (functions/core/traffic-guards.ts). */
  readonly trafficGuards?: SettingSource;
  /** Base images, instance type and region defaults for bake stages (functions/stages/cloud/bake/config.ts). */
  readonly bake?: SettingSource;
  /** Jenkins masters by name: URL, user, token secret (functions/stages/external/jenkins/masters.ts). */
  readonly jenkinsMasters?: SettingSource;
  /** Per-application READ / EXECUTE / WRITE roles, checked by the HTTP API (functions/api/permissions.ts). */
  readonly permissions?: SettingSource;
  /** Roles instances and ECS tasks may carry, ECS task families runJob may run (infra/platform/launch-permissions.ts); IAM only. */
  readonly launchPermissions?: SettingSource;
  /** Operator-defined webhook stage types, Orca's `webhook.preconfigured` (state-machines/stage-types/preconfigured-webhooks.ts). */
  readonly preconfiguredWebhooks?: SettingSource;
  /** Secrets shared with every application's pipelines, or with named ones, beyond `<prefix><application>/…` (state-machines/model/secret-access.ts). */
  readonly secretAccess?: SettingSource;
  /** Where artifacts may be read from: S3 buckets, GitHub accounts' token references (functions/core/artifacts/settings.ts). */
  readonly artifacts?: SettingSource;
  /** Echo's notification settings: Slack's incoming webhook, by secret reference (functions/notifier/settings.ts). */
  readonly notifications?: SettingSource;
}

type SettingKey = keyof PlatformSettings;

interface SettingKind {
  /** The bundled file's name and the variable that points a function at it (none: the setting only shapes IAM). */
  readonly file?: string;
  readonly env?: string;
  /** A function gets the setting when it has any of these needs. */
  readonly usedWith: readonly Need[];
  /** Parses the document as the function will (throwing its own error when it is wrong). */
  parse(document: unknown, source: string): unknown;
}

const KINDS: Readonly<Record<SettingKey, SettingKind>> = {
  accounts: {
    file: 'gennaker-accounts.json',
    env: ACCOUNTS_FILE_ENV,
    usedWith: ['cloudDriver', 'clusterView', 'runTasks', 'readMetrics'],
    parse: (document, source) => parseAccounts(document, { source }),
  },
  trafficGuards: {
    file: 'gennaker-traffic-guards.json',
    env: TRAFFIC_GUARDS_FILE_ENV,
    usedWith: ['cloudDriver'],
    parse: (document, source) => parseTrafficGuards(document, source),
  },
  bake: {
    file: 'gennaker-bake.json',
    env: BAKE_CONFIG_FILE_ENV,
    usedWith: ['cloudDriver'],
    parse: (document, source) => parseBakeConfig(document, source),
  },
  jenkinsMasters: {
    file: 'gennaker-jenkins-masters.json',
    env: JENKINS_MASTERS_FILE_ENV,
    usedWith: ['readSecrets'],
    parse: (document, source) => parseJenkinsMasters(document, source),
  },
  permissions: {
    file: 'gennaker-permissions.json',
    env: PERMISSIONS_FILE_ENV,
    usedWith: ['checkPermissions'],
    parse: (document, source) => parsePermissions(document, source),
  },
  launchPermissions: {
    usedWith: [],
    parse: (document, source) => parseLaunchPermissions(document, source),
  },
  // The external function runs them; functions that cancel stages need their family.
  preconfiguredWebhooks: {
    file: 'gennaker-preconfigured-webhooks.json',
    env: PRECONFIGURED_WEBHOOKS_FILE_ENV,
    usedWith: ['readSecrets', 'cancelStages'],
    parse: (document, source) => parsePreconfiguredWebhooks(document, source),
  },
  // Synth and validate check pipelines against it; the resolving functions check every reference.
  secretAccess: {
    file: 'gennaker-secret-access.json',
    env: SECRET_ACCESS_FILE_ENV,
    usedWith: ['readSecrets'],
    parse: (document, source) => parseSecretAccess(document, source),
  },
  artifacts: {
    file: 'gennaker-artifacts.json',
    env: ARTIFACTS_FILE_ENV,
    usedWith: ['readArtifacts'],
    parse: (document, source) => parseArtifactSettings(document, source),
  },
  notifications: {
    file: 'gennaker-notification-settings.json',
    env: NOTIFICATION_SETTINGS_FILE_ENV,
    usedWith: ['deliverNotifications'],
    parse: (document, source) => parseNotificationSettings(document, source),
  },
};

/**
 * Registers the stage types a setting defines (preconfigured webhooks), so pipelines validated and
 * compiled at synth know them; before any pipeline is loaded. Throws as resolve() does.
 */
export function registerSettingStageTypes(settings: PlatformSettings = {}): void {
  const source = settings.preconfiguredWebhooks;
  if (source === undefined) return;
  const where = 'file' in source ? source.file : 'settings.preconfiguredWebhooks';
  const document = 'file' in source ? readSettingFile('preconfiguredWebhooks', source.file) : source.document;
  try {
    registerPreconfiguredWebhooks(parsePreconfiguredWebhooks(document, where));
  } catch (error) {
    throw new PlatformSettingError(`Platform setting preconfiguredWebhooks (${where}) is not valid: ${(error as Error).message}`);
  }
}

/** Every setting, in the order they are read. */
export const SETTING_KEYS = Object.keys(KINDS) as readonly SettingKey[];

/** What one function receives: files to bundle beside it and the variables naming them. */
export interface FunctionSettings {
  readonly files: Readonly<Record<string, string>>;
  readonly environment: Readonly<Record<string, string>>;
}

export class ResolvedSettings {
  private constructor(
    private readonly documents: ReadonlyMap<SettingKey, unknown>,
    /** Full ARNs of the roles the accounts name, sorted. */
    readonly assumableRoles: readonly string[],
    /** What iam:PassRole and ecs:RunTask are granted on (nothing when the setting is absent). */
    readonly launchPermissions: LaunchPermissions,
    /** Literal values in credential-looking fields (a token written into the file): synth warns, `gennaker validate --settings` too. */
    readonly warnings: readonly Problem[],
    /** What s3:GetObject (artifact buckets) is granted on (nothing when the setting is absent). */
    readonly artifacts: ArtifactSettings = NO_ARTIFACT_SETTINGS,
  ) {}

  /** Reads, parses and checks every setting given; throws a PlatformSettingError naming the setting and what is wrong. */
  static resolve(settings: PlatformSettings = {}): ResolvedSettings {
    const documents = new Map<SettingKey, unknown>();
    const warnings: Problem[] = [];
    let accounts: AccountRegistry | undefined;
    let launchPermissions: LaunchPermissions = { instanceRoles: [], taskRoles: [], taskFamilies: [], functionRoles: [], functionPrefixes: [] };
    let artifacts: ArtifactSettings = NO_ARTIFACT_SETTINGS;
    for (const key of SETTING_KEYS) {
      const source = settings[key];
      if (source === undefined) continue;
      const where = 'file' in source ? source.file : `settings.${key}`;
      const document = 'file' in source ? readSettingFile(key, source.file) : source.document;
      let parsed: unknown;
      try {
        parsed = KINDS[key].parse(document, where);
      } catch (error) {
        throw new PlatformSettingError(`Platform setting ${key} (${where}) is not valid: ${(error as Error).message}`);
      }
      // The pipeline validator's detector: a malformed reference is an error, a literal credential a warning.
      const secrets = secretProblems(document, '$');
      if (secrets.errors.length > 0) {
        throw new PlatformSettingError(`Platform setting ${key} (${where}) is not valid: ${secrets.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
      }
      warnings.push(...secrets.warnings.map((w) => ({ ...w, path: `setting ${key} (${where}) ${w.path}` })));
      if (key === 'accounts') accounts = parsed as AccountRegistry;
      if (key === 'launchPermissions') launchPermissions = parsed as LaunchPermissions;
      if (key === 'artifacts') artifacts = parsed as ArtifactSettings;
      if (key === 'preconfiguredWebhooks') registerPreconfiguredWebhooks(parsed as PreconfiguredWebhook[]);
      documents.set(key, document);
    }
    const roles = accounts ? [...new Set(accounts.names().flatMap((name) => accounts.get(name).assumeRole ?? []))].sort() : [];
    return new ResolvedSettings(documents, roles, launchPermissions, warnings, artifacts);
  }

  /** The group names the permissions setting gives permissions to (the console's Cognito groups). */
  permissionGroups(): string[] {
    const document = this.documents.get('permissions');
    return document === undefined ? [] : permissionGroupNames(parsePermissions(document));
  }

  /** What the secretAccess setting shares beyond each application's own secrets (none when absent). */
  secretAccess(): SecretAccess {
    return parseSecretAccess(this.documents.get('secretAccess'));
  }

  /** The notification settings (none when absent). */
  notificationSettings(): NotificationSettings {
    return parseNotificationSettings(this.documents.get('notifications'));
  }

  /** Every setting document by its key, for checks over all of them (secret references). */
  allDocuments(): ReadonlyMap<string, unknown> {
    return this.documents;
  }

  /** The settings a function with these needs reads. */
  forNeeds(needs: readonly Need[]): FunctionSettings {
    const files: Record<string, string> = {};
    const environment: Record<string, string> = {};
    for (const [key, document] of this.documents) {
      const kind = KINDS[key];
      if (kind.file === undefined || kind.env === undefined || !kind.usedWith.some((need) => needs.includes(need))) continue;
      files[kind.file] = JSON.stringify(document);
      // Relative to the function's working directory, where its bundle (and this file) lives.
      environment[kind.env] = kind.file;
    }
    return { files, environment };
  }

  /** Whether a function with these needs acts in the accounts (and so may assume their roles). */
  usesAccounts(needs: readonly Need[]): boolean {
    return this.documents.has('accounts') && KINDS.accounts.usedWith.some((need) => needs.includes(need));
  }
}

/**
 * The settings a CDK context file names (`gennaker:<setting>` keys, flat as in
 * config/examples/cdk-context.json or under cdk.json's `context`), files relative to `base`.
 */
export function settingsFromContextFile(file: string, base = process.cwd()): PlatformSettings {
  let context: unknown;
  try {
    context = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (error) {
    throw new PlatformSettingError(`${file}: cannot read it as JSON: ${(error as Error).message}`);
  }
  const record = (typeof context === 'object' && context !== null && 'context' in context ? context.context : context) as Record<string, unknown> | null;
  if (typeof record !== 'object' || record === null) throw new PlatformSettingError(`${file}: must be an object of gennaker:<setting> keys`);
  const settings: Partial<Record<SettingKey, SettingSource>> = {};
  for (const key of SETTING_KEYS) {
    const value = record[`gennaker:${key}`];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value === '') throw new PlatformSettingError(`${file}: gennaker:${key} must name a file`);
    settings[key] = { file: isAbsolute(value) ? value : resolvePath(base, value) };
  }
  return settings;
}

function readSettingFile(key: SettingKey, file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PlatformSettingError(`Platform setting ${key}: cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return parseYamlOrThrow(text);
  } catch (error) {
    throw new PlatformSettingError(`Platform setting ${key}: ${file} is not valid YAML or JSON: ${(error as Error).message}`);
  }
}
