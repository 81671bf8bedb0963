/**
 * Jenkins masters, by the name a stage's `master` field uses. Configured as JSON in
 * GENNAKER_JENKINS_MASTERS, or in the YAML / JSON file GENNAKER_JENKINS_MASTERS_FILE names:
 *
 *   { "ci": { "url": "https://jenkins.example.com", "user": "gennaker", "apiToken": "11ab..." },
 *     "legacy": { "url": "https://old-ci.example.com", "user": "deploy",
 *                 "apiToken": "arn:aws:secretsmanager:us-east-1:111111111111:secret:jenkins-legacy" } }
 *
 * An apiToken that is a Secrets Manager ARN is read when first needed (a SecretString holding the
 * token, or JSON with `apiToken`, `token` or `password`) and cached for the container's life.
 */
import { readFile } from 'node:fs/promises';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';
import '../../../../state-machines/zod-messages.js';
import { secretsManagerClient } from '../../../core/aws-clients.js';
import { parseConfigText } from '../../../core/config-text.js';
import { JenkinsConfigError } from '../errors.js';

export const JENKINS_MASTERS_ENV = 'GENNAKER_JENKINS_MASTERS';
export const JENKINS_MASTERS_FILE_ENV = 'GENNAKER_JENKINS_MASTERS_FILE';

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;

const MasterSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  user: z.optional(z.string().check(z.minLength(1))),
  apiToken: z.optional(z.string().check(z.minLength(1))),
});
const MastersSchema = z.record(z.string().check(z.minLength(1)), MasterSchema);

export type JenkinsMasterConfig = z.infer<typeof MasterSchema>;

export interface JenkinsMaster {
  readonly name: string;
  /** Without a trailing slash. */
  readonly url: string;
  readonly auth?: { readonly user: string; readonly apiToken: string };
}

/** Reads a secret's value by ARN. */
export type SecretReader = (arn: string) => Promise<string>;

export function parseJenkinsMasters(document: unknown, source = JENKINS_MASTERS_ENV): Record<string, JenkinsMasterConfig> {
  const parsed = MastersSchema.safeParse(document);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(masters)'}: ${i.message}`);
    throw new JenkinsConfigError(`${source}: ${problems.join('; ')}`);
  }
  const problems: string[] = [];
  for (const [name, master] of Object.entries(parsed.data)) {
    if ((master.user === undefined) !== (master.apiToken === undefined)) problems.push(`${name}: give both user and apiToken, or neither`);
  }
  if (problems.length > 0) throw new JenkinsConfigError(`${source}: ${problems.join('; ')}`);
  return parsed.data;
}

/** The masters configured for this process (none when neither variable is set). */
export async function loadJenkinsMasterConfigs(
  env: Readonly<Record<string, string | undefined>> = process.env,
  readText: (path: string) => Promise<string> = (p) => readFile(p, 'utf8'),
): Promise<Record<string, JenkinsMasterConfig>> {
  const inline = env[JENKINS_MASTERS_ENV];
  if (inline) {
    let document: unknown;
    try {
      document = JSON.parse(inline) as unknown;
    } catch (error) {
      throw new JenkinsConfigError(`${JENKINS_MASTERS_ENV}: not valid JSON: ${(error as Error).message}`);
    }
    return parseJenkinsMasters(document);
  }
  const path = env[JENKINS_MASTERS_FILE_ENV];
  if (!path) return {};
  let text: string;
  try {
    text = await readText(path);
  } catch (error) {
    throw new JenkinsConfigError(`${JENKINS_MASTERS_FILE_ENV}=${path}: cannot read it: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    // Empty text is an empty YAML document: null, as it always was.
    document = (await parseConfigText(text)) ?? null;
  } catch (error) {
    throw new JenkinsConfigError(`${path}: not valid YAML or JSON: ${(error as Error).message}`);
  }
  return parseJenkinsMasters(document, path);
}

export class JenkinsMasters {
  private readonly resolved = new Map<string, Promise<JenkinsMaster>>();

  constructor(
    private readonly configs: Readonly<Record<string, JenkinsMasterConfig>>,
    private readonly readSecret: SecretReader = secretsManagerReader(),
  ) {}

  names(): string[] {
    return Object.keys(this.configs).sort();
  }

  async get(name: string): Promise<JenkinsMaster> {
    const config = Object.hasOwn(this.configs, name) ? this.configs[name] : undefined;
    if (!config) {
      const known = this.names();
      throw new JenkinsConfigError(
        `no Jenkins master '${name}'; configured: ${known.length > 0 ? known.join(', ') : `none (set ${JENKINS_MASTERS_ENV} or ${JENKINS_MASTERS_FILE_ENV})`}`,
      );
    }
    let master = this.resolved.get(name);
    if (!master) {
      master = this.resolve(name, config);
      this.resolved.set(name, master);
      // A failed secret read is not cached: the next call tries again.
      master.catch(() => this.resolved.delete(name));
    }
    return master;
  }

  private async resolve(name: string, config: JenkinsMasterConfig): Promise<JenkinsMaster> {
    const url = config.url.replace(/\/+$/, '');
    if (config.user === undefined || config.apiToken === undefined) return { name, url };
    const apiToken = SECRET_ARN.test(config.apiToken) ? await this.readSecret(config.apiToken) : config.apiToken;
    return { name, url, auth: { user: config.user, apiToken } };
  }
}

/** Reads the token from Secrets Manager in the secret's region (through the shared, endpoint-aware client). */
export function secretsManagerReader(): SecretReader {
  return async (arn) => {
    const region = arn.split(':')[3];
    const out = await secretsManagerClient(region ? { region } : {}).send(new GetSecretValueCommand({ SecretId: arn }));
    const text = out.SecretString;
    if (!text) throw new JenkinsConfigError(`secret ${arn} has no string value`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return text; // not JSON: the whole string is the token
    }
    if (typeof parsed !== 'object' || parsed === null) return text;
    for (const key of ['apiToken', 'token', 'password']) {
      const value = (parsed as Record<string, unknown>)[key];
      if (typeof value === 'string') return value;
    }
    throw new JenkinsConfigError(`secret ${arn} is JSON without an apiToken, token or password field`);
  };
}
