/**
 * Jenkins masters, by the name a stage's `master` field uses. Configured as JSON in
 * GENNAKER_JENKINS_MASTERS, or in the YAML / JSON file GENNAKER_JENKINS_MASTERS_FILE names:
 *
 *   { "ci": { "url": "https://jenkins.example.com", "user": "gennaker",
 *             "apiToken": "encrypted:secrets-manager!r:us-east-1!s:gennaker/jenkins!k:token" },
 *     "legacy": { "url": "https://old-ci.example.com", "user": "deploy",
 *                 "apiToken": "arn:aws:secretsmanager:us-east-1:111111111111:secret:gennaker/jenkins-legacy" } }
 *
 * The apiToken is a secret reference (kork-secrets syntax), or the older bare ARN (a SecretString
 * holding the token, or JSON with `apiToken`, `token` or `password`); a literal token still works
 * but synth warns. It is read by the call that needs it (functions/core/secrets), never cached
 * beyond that call.
 */
import { readFile } from 'node:fs/promises';
import * as z from 'zod/mini';
import '../../../../state-machines/zod-messages.js';
import { referencesIn, SECRET_PREFIX, SECRETS_MANAGER_ENGINE } from '../../../../state-machines/model/secret-references.js';
import { SecretScope } from '../../../core/secrets/scope.js';
import { parseConfigText } from '../../../core/config-text.js';
import { JenkinsConfigError } from '../errors.js';

const JENKINS_MASTERS_ENV = 'GENNAKER_JENKINS_MASTERS';
export const JENKINS_MASTERS_FILE_ENV = 'GENNAKER_JENKINS_MASTERS_FILE';

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):\d{12}:secret:.+$/;

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

export function parseJenkinsMasters(document: unknown, source = JENKINS_MASTERS_ENV): Record<string, JenkinsMasterConfig> {
  const parsed = MastersSchema.safeParse(document);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(masters)'}: ${i.message}`);
    throw new JenkinsConfigError(`${source}: ${problems.join('; ')}`);
  }
  const problems: string[] = [];
  for (const [name, master] of Object.entries(parsed.data)) {
    if ((master.user === undefined) !== (master.apiToken === undefined)) problems.push(`${name}: give both user and apiToken, or neither`);
    for (const ref of referencesIn(master.apiToken ?? '')) {
      if ('problem' in ref) problems.push(`${name}.apiToken: bad secret reference: ${ref.problem}`);
    }
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
  constructor(private readonly configs: Readonly<Record<string, JenkinsMasterConfig>>) {}

  names(): string[] {
    return Object.keys(this.configs).sort();
  }

  /**
   * The master with its token resolved in this call's secret scope (read at call time, cached only
   * for the call, scrubbed from what the call records). Outside the engine a reference is refused.
   */
  async get(name: string, secrets: SecretScope = new SecretScope()): Promise<JenkinsMaster> {
    const config = Object.hasOwn(this.configs, name) ? this.configs[name] : undefined;
    if (!config) {
      const known = this.names();
      throw new JenkinsConfigError(
        `no Jenkins master '${name}'; configured: ${known.length > 0 ? known.join(', ') : `none (set ${JENKINS_MASTERS_ENV} or ${JENKINS_MASTERS_FILE_ENV})`}`,
      );
    }
    const url = config.url.replace(/\/+$/, '');
    if (config.user === undefined || config.apiToken === undefined) return { name, url };
    const field = `Jenkins master '${name}' apiToken`;
    const arn = SECRET_ARN.exec(config.apiToken);
    let apiToken: string;
    // The masters setting is the operator's: its token is not limited by the pipeline's application.
    if (arn) {
      // The older form, a bare ARN: the whole secret, or JSON with apiToken, token or password.
      const reference = `${SECRET_PREFIX}${SECRETS_MANAGER_ENGINE}!r:${arn[1]}!s:${config.apiToken}`;
      secrets.grant(reference);
      apiToken = tokenOf(await secrets.resolve(reference, field), field);
    } else {
      secrets.grant(config.apiToken);
      apiToken = await secrets.resolve(config.apiToken, field);
    }
    secrets.protect(apiToken);
    // The Basic credential Jenkins receives is base64 of user:token; scrubbed as well.
    secrets.protect(`${config.user}:${apiToken}`);
    return { name, url, auth: { user: config.user, apiToken } };
  }
}

function tokenOf(text: string, field: string): string {
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
  throw new JenkinsConfigError(`${field}: the secret is JSON without an apiToken, token or password field`);
}
