/**
 * Bake configuration: which base image each `baseOs` (and `baseLabel`) starts from in each region,
 * how a `package` is installed, where builders run and how a bake ends. YAML or JSON, given as text
 * in GENNAKER_BAKE_CONFIG or in the file GENNAKER_BAKE_CONFIG_FILE names:
 *
 *   instanceType: t3.small            # builder instance type
 *   timeoutSeconds: 3600              # a bake that takes longer fails (and its builder is terminated)
 *   completion: shutdown              # the provisioning script shuts the builder down when done
 *   baseImages:
 *     ubuntu:                         # baseOs, or baseOs:baseLabel (e.g. ubuntu:candidate)
 *       us-east-1: ami-0123456789abcdef0
 *       "*": name:ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*   # newest image by name
 *   install:
 *     ubuntu: "apt-get update && apt-get install -y {{package}}"
 *   regions:
 *     us-east-1: { subnetId: subnet-0123, securityGroups: [sg-0123], iamInstanceProfile: baker }
 *
 * With no configuration, bakes against the emulator (AWS_ENDPOINT_URL set) start from the local
 * sandbox's base image and image the builder as soon as it runs (the emulator runs no user data:
 * `completion: running`); against AWS they need a base image (configured, or the stage's baseAmi).
 */
import { readFile } from 'node:fs/promises';
import * as z from 'zod/mini';
import '../../../../state-machines/zod-messages.js';
import { parseConfigText } from '../../../core/config-text.js';
import { BakeConfigError } from '../errors.js';

const BAKE_CONFIG_ENV = 'GENNAKER_BAKE_CONFIG';
export const BAKE_CONFIG_FILE_ENV = 'GENNAKER_BAKE_CONFIG_FILE';
/** The base image local mode's sandbox registers in the emulator. */
export const LOCAL_BASE_IMAGE_NAME = 'gennaker-local-base';

export interface BuilderPlacement {
  readonly subnetId?: string;
  readonly securityGroups?: readonly string[];
  readonly iamInstanceProfile?: string;
}

export interface BakeConfig {
  readonly instanceType: string;
  readonly timeoutSeconds: number;
  /**
   * shutdown: the builder is done when the provisioning script has shut it down (stopped);
   * running: as soon as it runs (for emulators, which run no user data).
   */
  readonly completion: 'shutdown' | 'running';
  /** baseOs or baseOs:baseLabel → region (or `*`) → AMI id, or `name:<pattern>` for the newest image so named. */
  readonly baseImages: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** baseOs (or `*`) → install command; `{{package}}` is replaced by the package name(s). */
  readonly install: Readonly<Record<string, string>>;
  readonly regions: Readonly<Record<string, BuilderPlacement>>;
  /** Where it came from, for messages. */
  readonly source: string;
}

const DEBIAN = ['ubuntu', 'debian', 'trusty', 'xenial', 'bionic', 'focal', 'jammy', 'noble', 'bookworm', 'bullseye'];
const REDHAT = ['amzn', 'amzn2', 'amazonlinux', 'al2023', 'centos', 'rhel', 'rocky', 'alma', 'fedora'];

/** Install commands for the usual families; configuration may add or replace them. */
function defaultInstallCommands(): Record<string, string> {
  return {
    ...Object.fromEntries(DEBIAN.map((os) => [os, 'apt-get update -y && DEBIAN_FRONTEND=noninteractive apt-get install -y {{package}}'])),
    ...Object.fromEntries(REDHAT.map((os) => [os, 'yum install -y {{package}}'])),
  };
}

const nonEmpty = () => z.string().check(z.minLength(1));

const ConfigSchema = z.strictObject({
  instanceType: z.optional(nonEmpty()),
  timeoutSeconds: z.optional(z.int().check(z.gte(60), z.lte(6 * 3600))),
  completion: z.optional(z.enum(['shutdown', 'running'])),
  baseImages: z.optional(z.record(nonEmpty(), z.record(nonEmpty(), nonEmpty()))),
  install: z.optional(z.record(nonEmpty(), nonEmpty())),
  regions: z.optional(
    z.record(
      nonEmpty(),
      z.strictObject({
        subnetId: z.optional(z.string()),
        securityGroups: z.optional(z.array(z.string())),
        iamInstanceProfile: z.optional(z.string()),
      }),
    ),
  ),
});

export function parseBakeConfig(document: unknown, source: string, emulator = false): BakeConfig {
  const parsed = ConfigSchema.safeParse(document ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new BakeConfigError(`invalid bake configuration in ${source}: ${problems.join('; ')}`);
  }
  const c = parsed.data;
  return {
    instanceType: c.instanceType ?? (emulator ? 't3.micro' : 't3.small'),
    timeoutSeconds: c.timeoutSeconds ?? 3600,
    completion: c.completion ?? (emulator ? 'running' : 'shutdown'),
    baseImages: c.baseImages ?? (emulator ? { '*': { '*': `name:${LOCAL_BASE_IMAGE_NAME}` } } : {}),
    install: { ...defaultInstallCommands(), ...c.install },
    regions: c.regions ?? {},
    source,
  };
}

async function parseText(text: string, source: string): Promise<unknown> {
  try {
    return await parseConfigText(text);
  } catch (error) {
    throw new BakeConfigError(`bake configuration in ${source} is not valid YAML or JSON: ${(error as Error).message}`);
  }
}

export interface LoadBakeConfigOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly readText?: (path: string) => Promise<string>;
}

export async function loadBakeConfig(options: LoadBakeConfigOptions = {}): Promise<BakeConfig> {
  const env = options.env ?? process.env;
  const emulator = Boolean(env.AWS_ENDPOINT_URL);
  const inline = env[BAKE_CONFIG_ENV];
  if (inline) return parseBakeConfig(await parseText(inline, BAKE_CONFIG_ENV), BAKE_CONFIG_ENV, emulator);
  const path = env[BAKE_CONFIG_FILE_ENV];
  if (path) {
    let text: string;
    try {
      text = await (options.readText ?? ((p: string) => readFile(p, 'utf8')))(path);
    } catch (error) {
      throw new BakeConfigError(`cannot read ${BAKE_CONFIG_FILE_ENV}=${path}: ${(error as Error).message}`);
    }
    return parseBakeConfig(await parseText(text, path), path, emulator);
  }
  return parseBakeConfig({}, emulator ? 'the emulator defaults' : `the defaults (set ${BAKE_CONFIG_ENV} or ${BAKE_CONFIG_FILE_ENV})`, emulator);
}

/** The configured base image reference for a baseOs / baseLabel in a region, if any. */
export function baseImageRef(config: BakeConfig, baseOs: string, baseLabel: string | undefined, region: string): string | undefined {
  const keys = [...(baseLabel ? [`${baseOs}:${baseLabel}`] : []), baseOs, '*'];
  for (const key of keys) {
    const byRegion = config.baseImages[key];
    const ref = byRegion?.[region] ?? byRegion?.['*'];
    if (ref) return ref;
  }
  return undefined;
}

/** The install command for a baseOs, with the package filled in. */
export function installCommand(config: BakeConfig, baseOs: string, packages: string): string | undefined {
  const template = config.install[baseOs] ?? config.install[baseOs.replace(/[-_:.]?\d.*$/, '')] ?? config.install['*'];
  return template?.split('{{package}}').join(packages);
}
