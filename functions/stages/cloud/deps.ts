/**
 * What the cloud stages need from outside: accounts (and their roles), AWS clients per account and
 * region, the locks table, traffic guards and the bake configuration. Every dependency has a
 * production default and can be injected (tests, local mode).
 */
import { defaultRegion } from '../../core/client-cache.js';
import {
  AssumedRoleCredentials,
  cloudClientsFor,
  cloudDriver,
  loadAccounts,
  type Account,
  type AccountRegistry,
  type AccountTarget,
  type CloudClients,
  type CloudDriver,
} from '../../core/cloud/index.js';
import { lambdaClientFor } from '../../core/cloud/lambda/index.js';
import { ClusterLocks } from '../../core/cluster-lock.js';
import { once } from '../../core/once.js';
import type { Clock, StageRunContext } from '../../core/stage-api.js';
import type { ArtifactReaders } from '../../core/artifacts/read.js';
import { type ArtifactSettings, loadArtifactSettings } from '../../core/artifacts/settings.js';
import { httpSender } from '../../core/http/client.js';
import { loadTrafficGuards, type TrafficGuard } from '../../core/traffic-guards.js';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { loadBakeConfig, type BakeConfig } from './bake/config.js';

const LOCK_WAIT_ENV = 'GENNAKER_LOCK_WAIT_SECONDS';
const DEFAULT_LOCK_WAIT_SECONDS = 600;

export interface CloudStageDeps {
  /** @default the accounts file (GENNAKER_ACCOUNTS_FILE), or the emulator's `default` / `local` */
  readonly accounts?: () => Promise<AccountRegistry>;
  readonly credentials?: AssumedRoleCredentials;
  /** @default the shared client factory, with the account's role assumed */
  readonly clients?: (target: AccountTarget, credentials: AssumedRoleCredentials) => CloudClients;
  /** @default the shared factory's Lambda client, with the account's role assumed */
  readonly lambdaClient?: (target: AccountTarget, credentials: AssumedRoleCredentials) => LambdaClient;
  /** @default GENNAKER_TRAFFIC_GUARDS / GENNAKER_TRAFFIC_GUARDS_FILE */
  readonly trafficGuards?: () => Promise<readonly TrafficGuard[]>;
  /** @default GENNAKER_BAKE_CONFIG / GENNAKER_BAKE_CONFIG_FILE, or the emulator's defaults */
  readonly bakeConfig?: () => Promise<BakeConfig>;
  /**
   * How long a stage waits for a cluster another execution has locked before it fails.
   * @default GENNAKER_LOCK_WAIT_SECONDS or 600
   */
  readonly lockWaitTimeoutSeconds?: number;
  /** The locks table. @default tableName('locks') */
  readonly locksTable?: string;
  /** Where artifacts may be read from. @default GENNAKER_ARTIFACTS / GENNAKER_ARTIFACTS_FILE */
  readonly artifactSettings?: () => Promise<ArtifactSettings>;
  /** GETs for http/file and github/file artifacts. @default the safe HTTP client of functions/core/http (address guard, pinned connection, 1 MiB cap) */
  readonly artifactHttp?: ArtifactReaders['httpGet'];
}

/** One account in one region, ready to act in. */
export interface RegionTarget {
  readonly account: Account;
  readonly region: string;
  readonly clients: CloudClients;
  readonly driver: CloudDriver;
}

/** One account in one region, for Lambda functions. */
interface FunctionTarget {
  readonly account: Account;
  readonly region: string;
  readonly lambda: LambdaClient;
}

/** The resolved dependencies every cloud stage works with. */
export interface CloudEnv {
  target(account: string, region: string): Promise<RegionTarget>;
  functions(account: string, region: string): Promise<FunctionTarget>;
  guards(): Promise<readonly TrafficGuard[]>;
  bakeConfig(): Promise<BakeConfig>;
  locks(clock: Clock): ClusterLocks;
  readonly lockWaitTimeoutSeconds: number;
  defaultRegion(): string;
  /** What reads artifacts (functions/core/artifacts/read.ts): the artifacts setting, the safe HTTP client, this call's secrets. */
  artifactReaders(ctx: Pick<StageRunContext, 'secrets'>): Promise<ArtifactReaders>;
}

/** The safe client as an artifact GET (one request, redirects checked hop by hop). */
function safeGet(): NonNullable<ArtifactReaders['httpGet']> {
  const send = httpSender();
  return async (url, headers) => {
    const response = await send({ method: 'GET', url, headers });
    return { status: response.status, text: response.text };
  };
}

export function cloudEnv(deps: CloudStageDeps = {}): CloudEnv {
  const accounts = once(deps.accounts ?? (() => loadAccounts()));
  const guards = once(deps.trafficGuards ?? (() => loadTrafficGuards()));
  const bakeConfig = once(deps.bakeConfig ?? (() => loadBakeConfig()));
  const artifactSettings = once(deps.artifactSettings ?? (() => loadArtifactSettings()));
  const artifactHttp = deps.artifactHttp ?? safeGet();
  const credentials = deps.credentials ?? new AssumedRoleCredentials();
  const makeClients = deps.clients ?? cloudClientsFor;
  const makeLambda = deps.lambdaClient ?? lambdaClientFor;
  const fromEnv = Number(process.env[LOCK_WAIT_ENV]);
  const lockWaitTimeoutSeconds = deps.lockWaitTimeoutSeconds ?? (Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_LOCK_WAIT_SECONDS);
  return {
    async target(accountName, region) {
      const target = (await accounts()).resolve(accountName, region);
      const clients = makeClients(target, credentials);
      return { account: target.account, region, clients, driver: cloudDriver(clients) };
    },
    async functions(accountName, region) {
      const target = (await accounts()).resolve(accountName, region);
      return { account: target.account, region, lambda: makeLambda(target, credentials) };
    },
    guards,
    bakeConfig,
    locks: (clock) => new ClusterLocks({ clock, ...(deps.locksTable ? { table: deps.locksTable } : {}) }),
    lockWaitTimeoutSeconds,
    defaultRegion: () => defaultRegion(),
    artifactReaders: async (ctx) => ({ settings: await artifactSettings(), httpGet: artifactHttp, ...(ctx.secrets ? { secrets: ctx.secrets } : {}) }),
  };
}
