/**
 * Deck's location fields, read from an evaluated stage config. Pure. Deck writes the same thing in
 * several ways over the years (credentials / account, regions / region / availabilityZones keys,
 * cluster / moniker), so each reader accepts them all and throws StageConfigError naming the field.
 */
import { buildClusterName, parseClusterName } from '../../core/cloud/index.js';
import { StageConfigError } from '../../core/stage-api.js';

type Config = Readonly<Record<string, unknown>>;

/** Used when a stage names no account: the emulator's account locally, the accounts file's `default` otherwise. */
const DEFAULT_ACCOUNT = 'default';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function optionalString(config: Config, ...fields: string[]): string | undefined {
  for (const field of fields) {
    const v = config[field];
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
  }
  return undefined;
}

export function stringList(config: Config, field: string): string[] | undefined {
  const v = config[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string')
    return v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (!Array.isArray(v)) throw new StageConfigError(`${field}: must be a list`);
  return v.map((item, i) => {
    if (typeof item !== 'string' && typeof item !== 'number') throw new StageConfigError(`${field}[${i}]: must be a string`);
    return String(item);
  });
}

/** A whole number ≥ 0 (numbers or numeric strings, as expressions produce). */
export function wholeNumber(config: Config, field: string): number | undefined {
  const v = config[field];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'string' ? Number(v.trim()) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new StageConfigError(`${field}: must be a whole number ≥ 0 (got ${JSON.stringify(v)})`);
  return n;
}

export function flag(config: Config, field: string, fallback: boolean): boolean {
  const v = config[field];
  if (v === undefined || v === null || v === '') return fallback;
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw new StageConfigError(`${field}: must be true or false (got ${JSON.stringify(v)})`);
}

export function accountOf(config: Config): string {
  return optionalString(config, 'credentials', 'account', 'accountName') ?? DEFAULT_ACCOUNT;
}

function checkRegion(region: string, field: string): string {
  if (!REGION.test(region)) throw new StageConfigError(`${field}: "${region}" is not a region name (like us-east-1)`);
  return region;
}

/** regions, region, or the keys of Deck's availabilityZones; the fallback when none is given. */
export function regionsOf(config: Config, fallback?: string): string[] {
  const listed = stringList(config, 'regions');
  if (listed && listed.length > 0) return [...new Set(listed.map((r) => checkRegion(r, 'regions')))];
  const single = optionalString(config, 'region');
  if (single) return [checkRegion(single, 'region')];
  const zones = config.availabilityZones ?? config.zones;
  if (isObject(zones) && Object.keys(zones).length > 0) return Object.keys(zones).map((r) => checkRegion(r, 'availabilityZones'));
  if (fallback) return [checkRegion(fallback, 'region')];
  throw new StageConfigError('regions: required (the regions to act in)');
}

/** The cluster name: `cluster`, Deck's `moniker`, or application + stack + freeFormDetails. */
export function clusterOf(config: Config, application?: string): string {
  const named = optionalString(config, 'cluster', 'clusterName', 'targetCluster');
  if (named) {
    try {
      return parseClusterName(named).cluster;
    } catch (error) {
      throw new StageConfigError(`cluster: ${(error as Error).message}`);
    }
  }
  const moniker = isObject(config.moniker) ? config.moniker : undefined;
  if (moniker && typeof moniker.cluster === 'string' && moniker.cluster) return moniker.cluster;
  const app = optionalString(config, 'application') ?? (moniker && typeof moniker.app === 'string' ? moniker.app : undefined) ?? application;
  if (!app) throw new StageConfigError('cluster: required');
  const stack = optionalString(config, 'stack') ?? (moniker && typeof moniker.stack === 'string' ? moniker.stack : undefined);
  const detail = optionalString(config, 'freeFormDetails', 'detail') ?? (moniker && typeof moniker.detail === 'string' ? moniker.detail : undefined);
  try {
    return buildClusterName({ app, ...(stack ? { stack } : {}), ...(detail ? { detail } : {}) });
  } catch (error) {
    throw new StageConfigError(`cluster: ${(error as Error).message}`);
  }
}

/** An explicitly named server group (serverGroupName, asgName or serverGroup), if any. */
export function serverGroupNameOf(config: Config): string | undefined {
  const names = config.serverGroupName ?? config.asgName ?? config.serverGroup;
  if (typeof names === 'string' && names) return names;
  // Deck's older form: asgName per region is not used; a list of one is accepted.
  if (Array.isArray(names) && names.length === 1 && typeof names[0] === 'string') return names[0];
  return undefined;
}

/** "field: reason" problems of a check, as one StageConfigError. */
export function throwProblems(problems: readonly string[]): void {
  if (problems.length > 0) throw new StageConfigError(problems.join('; '));
}
