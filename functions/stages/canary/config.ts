/**
 * The canary stage's settings. Two spellings are accepted:
 * - `canary` (Gennaker's): flat fields, see CanaryConfig;
 * - `kayentaCanary` (Spinnaker's), mapped by fromKayentaCanary:
 *     canaryConfig.lifetimeDuration (ISO 8601) | lifetimeHours → lifetime
 *     canaryConfig.beginCanaryAnalysisAfterMins → warmup
 *     canaryConfig.canaryAnalysisIntervalMins   → interval
 *     canaryConfig.lookbackMins                 → lookback (sliding window)
 *     canaryConfig.scoreThresholds.{pass,marginal}
 *     canaryConfig.scopes[0].step (seconds)     → periodSeconds
 *     canaryConfig.metrics (Gennaker metric list, inline: Kayenta's config store is not used)
 *     deployments.baseline.{cluster, account}   → the production cluster
 *     deployments.serverGroupPairs[0].control / experiment: capacity, imageId | amiName, region
 *       (from availabilityZones' key)
 *   Refused: canaryConfigId without inline metrics, more than one server group pair.
 *   Ignored: metricsAccountName, storageAccountName, delayBeforeCleanup, extendedScopeParams.
 *   Scope-only (no `deployments`, Kayenta's own form): the scope names existing server groups and
 *   nothing is deployed or removed:
 *     canaryConfig.scopes[0].controlScope / experimentScope → controlServerGroup / experimentServerGroup
 *     canaryConfig.scopes[0].controlLocation / experimentLocation → region
 *     canaryConfig.scopes[0].startTimeIso / endTimeIso → startTime / endTime (a fixed window:
 *       analysisType 'retrospective' needs both, and is analysed without waiting for real time)
 * Pure.
 */
import { readMetricAnalysis, readPeriodSeconds, type MetricAnalysis } from '../../core/canary-analysis/config.js';

interface Capacity {
  readonly min: number;
  readonly max: number;
  readonly desired: number;
}

export interface CanaryConfig extends MetricAnalysis {
  readonly account?: string;
  readonly region?: string;
  /** The production cluster the baseline copies and whose target groups both groups join (unset with scopes). */
  readonly cluster?: string;
  /** The production server group to copy. @default the newest enabled group of the cluster */
  readonly serverGroup?: string;
  /** Unset with scopes. */
  readonly canaryImage?: string;
  /** @default the production group's image */
  readonly baselineImage?: string;
  readonly capacity: Capacity;
  readonly lifetimeMs: number;
  readonly warmupMs: number;
  readonly intervalMs: number;
  readonly lookbackMs?: number;
  /** How long after an interval ends its metrics are read (CloudWatch needs a minute or two). */
  readonly metricsDelayMs: number;
  readonly periodSeconds: number;
  /** The dimension naming a server group in every metric. @default AutoScalingGroupName */
  readonly scopeDimension: string;
  /** How long the groups may take to come up. @default 30 min */
  readonly upTimeoutMs: number;
  /**
   * Existing server groups to analyse (Kayenta's scope-only canary): nothing is deployed or
   * removed, and cluster / canaryImage / capacity are not used.
   */
  readonly scopes?: { readonly control: string; readonly experiment: string };
  /** When the analysis starts (epoch ms), when given: instead of the stage's start plus the warm-up. */
  readonly startMs?: number;
  /** A fixed end (epoch ms): the lifetime is startMs to endMs, judged as soon as its data can be read. */
  readonly endMs?: number;
}

const MINUTE = 60_000;

export function parseCanaryConfig(raw: Readonly<Record<string, unknown>>): { value?: CanaryConfig; problems: string[] } {
  const problems: string[] = [];
  const text = (field: string, value = raw[field]): string | undefined => {
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') {
      problems.push(`${field}: must be a string`);
      return undefined;
    }
    return value.trim();
  };
  const minutes = (field: string, fallback: number | undefined, min = 0): number | undefined => {
    const value = raw[field];
    if (value === undefined || value === null || value === '') return fallback;
    const n = typeof value === 'string' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < min) {
      problems.push(`${field}: must be a number of minutes >= ${min}, got ${JSON.stringify(value)}`);
      return fallback;
    }
    return n;
  };

  const control = text('controlServerGroup');
  const experiment = text('experimentServerGroup');
  // Present, even empty: the groups are named rather than deployed (a missing name is reported as such).
  const scoped = raw.controlServerGroup !== undefined || raw.experimentServerGroup !== undefined;
  if (scoped && !control) problems.push('controlServerGroup: required with experimentServerGroup (the existing group to compare with)');
  if (scoped && !experiment) problems.push('experimentServerGroup: required with controlServerGroup (the existing group under test)');
  const cluster = scoped ? undefined : text('cluster');
  if (!scoped && !cluster && raw.cluster === undefined) problems.push('cluster: required (the production cluster)');
  const canaryImage = scoped ? undefined : (text('canaryImage') ?? text('canary.imageId', (raw.canary as { imageId?: unknown } | undefined)?.imageId));
  if (!scoped && !canaryImage) problems.push('canaryImage: required (the image under test)');
  const startMs = instant('startTime', raw.startTime, problems);
  const endMs = instant('endTime', raw.endTime, problems);
  if (endMs !== undefined && startMs === undefined && raw.startTime === undefined) problems.push('startTime: required with an end time');
  if (startMs !== undefined && endMs !== undefined && endMs <= startMs) problems.push('endTime: must be after the start time');
  const baselineImage = text('baselineImage') ?? text('baseline.imageId', (raw.baseline as { imageId?: unknown } | undefined)?.imageId);

  const capacity = readCapacity(raw.capacity, problems);
  const lifetimeMinutes =
    startMs !== undefined && endMs !== undefined && endMs > startMs
      ? (endMs - startMs) / MINUTE
      : raw.lifetime !== undefined
        ? isoMinutes('lifetime', raw.lifetime, problems)
        : minutes('lifetimeMinutes', 60, 0.001);
  const warmupMinutes = minutes('warmupMinutes', 0);
  const intervalMinutes = minutes('intervalMinutes', lifetimeMinutes, 0.001);
  const lookbackMinutes = minutes('lookbackMinutes', undefined, 0.001);
  const delaySeconds = Number(raw.metricsDelaySeconds ?? 60);
  if (!Number.isFinite(delaySeconds) || delaySeconds < 0) problems.push('metricsDelaySeconds: must be a number of seconds >= 0');
  const periodSeconds = readPeriodSeconds(raw.periodSeconds, problems);
  const upTimeoutMinutes = minutes('upTimeoutMinutes', 30, 0.001);
  const scopeDimension = text('scopeDimension') ?? 'AutoScalingGroupName';

  const { metrics, judge, thresholds } = readMetricAnalysis(raw, problems);

  if (problems.length > 0 || (!scoped && (!cluster || !canaryImage)) || lifetimeMinutes === undefined || intervalMinutes === undefined) {
    return { problems };
  }
  const account = text('account') ?? text('credentials');
  const region = text('region');
  const serverGroup = text('serverGroup');
  return {
    value: {
      ...(account ? { account } : {}),
      ...(region ? { region } : {}),
      ...(cluster ? { cluster } : {}),
      ...(serverGroup ? { serverGroup } : {}),
      ...(canaryImage ? { canaryImage } : {}),
      ...(baselineImage ? { baselineImage } : {}),
      capacity,
      lifetimeMs: lifetimeMinutes * MINUTE,
      warmupMs: (warmupMinutes ?? 0) * MINUTE,
      intervalMs: Math.min(intervalMinutes, lifetimeMinutes) * MINUTE,
      ...(lookbackMinutes !== undefined ? { lookbackMs: lookbackMinutes * MINUTE } : {}),
      metricsDelayMs: delaySeconds * 1000,
      periodSeconds,
      scopeDimension,
      metrics,
      judge,
      thresholds,
      upTimeoutMs: (upTimeoutMinutes ?? 30) * MINUTE,
      ...(control && experiment ? { scopes: { control, experiment } } : {}),
      ...(startMs !== undefined ? { startMs } : {}),
      ...(endMs !== undefined ? { endMs } : {}),
    },
    problems,
  };
}

function readCapacity(value: unknown, problems: string[]): Capacity {
  if (value === undefined || value === null) return { min: 1, max: 1, desired: 1 };
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n === 'number') {
    if (!Number.isInteger(n) || n < 1) problems.push('capacity: must be a whole number >= 1');
    return { min: n, max: n, desired: n };
  }
  if (typeof value === 'object') {
    const c = value as Record<string, unknown>;
    const read = (k: string) => (typeof c[k] === 'string' ? Number(c[k]) : c[k]);
    const [min, max, desired] = [read('min'), read('max'), read('desired')];
    if (![min, max, desired].every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 0) || (desired as number) < 1) {
      problems.push('capacity: min, max and desired must be whole numbers, desired >= 1');
    } else if ((min as number) > (desired as number) || (desired as number) > (max as number)) {
      problems.push('capacity: needs min <= desired <= max');
    }
    return { min: min as number, max: max as number, desired: desired as number };
  }
  problems.push('capacity: must be a number or {min, max, desired}');
  return { min: 1, max: 1, desired: 1 };
}

/** An ISO 8601 instant (Kayenta's startTimeIso / endTimeIso) as epoch ms. */
function instant(field: string, value: unknown, problems: string[]): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const ms = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value.trim()) ? Date.parse(value.trim()) : Number.NaN;
  if (Number.isNaN(ms)) {
    problems.push(`${field}: must be an ISO 8601 instant such as 2024-05-01T12:00:00Z, got ${JSON.stringify(value)}`);
    return undefined;
  }
  return ms;
}

/** Minutes in an ISO 8601 duration (PT1H30M, P1DT2H, PT90S) or a plain number of minutes. */
export function isoMinutes(field: string, value: unknown, problems: string[]): number | undefined {
  if (typeof value === 'number' && value > 0) return value;
  const match =
    typeof value === 'string' ? /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(value.trim()) : null;
  if (!match || value === 'P' || value === 'PT') {
    problems.push(`${field}: must be an ISO 8601 duration such as PT1H or a number of minutes, got ${JSON.stringify(value)}`);
    return undefined;
  }
  const [, d, h, m, s] = match;
  const total = Number(d ?? 0) * 1440 + Number(h ?? 0) * 60 + Number(m ?? 0) + Number(s ?? 0) / 60;
  if (total <= 0) {
    problems.push(`${field}: must be longer than 0`);
    return undefined;
  }
  return total;
}

/**
 * Spinnaker's kayentaCanary stage in the canary stage's terms, with a problem for every field we
 * cannot honour.
 */
export function fromKayentaCanary(raw: Readonly<Record<string, unknown>>): { config: Record<string, unknown>; problems: string[] } {
  const problems: string[] = [];
  const canaryConfig = (raw.canaryConfig ?? {}) as Record<string, unknown>;
  const deployments = (raw.deployments ?? {}) as Record<string, unknown>;
  const scopeOnly = isScopeOnly(raw);
  const scopes = Array.isArray(canaryConfig.scopes) ? (canaryConfig.scopes as unknown[]) : [];
  const scope = (scopes[0] ?? undefined) as Record<string, unknown> | undefined;
  const analysisType = raw.analysisType ?? 'realTimeAutomatic';
  if (analysisType === 'retrospective') {
    if (!scopeOnly) {
      problems.push("analysisType: 'retrospective' analysis needs server groups that already exist: name them in canaryConfig.scopes, without deployments");
    } else if (!scope?.startTimeIso || !scope?.endTimeIso) {
      problems.push("canaryConfig.scopes[0].endTimeIso: 'retrospective' analysis needs startTimeIso and endTimeIso (the past time range to analyse)");
    }
  } else if (analysisType !== 'realTime' && analysisType !== 'realTimeAutomatic') {
    problems.push(`analysisType: unknown ${JSON.stringify(analysisType)}`);
  }
  if (canaryConfig.metrics === undefined) {
    problems.push(
      canaryConfig.canaryConfigId !== undefined
        ? 'canaryConfig.canaryConfigId: refers to a canary config stored in Kayenta, which Gennaker does not read; put the metrics inline as canaryConfig.metrics'
        : 'canaryConfig.metrics: required',
    );
  }
  const defined = (entries: Array<[string, unknown]>) => Object.fromEntries(entries.filter(([, v]) => v !== undefined && v !== null && v !== ''));
  const lifetime =
    canaryConfig.lifetimeDuration !== undefined
      ? canaryConfig.lifetimeDuration
      : canaryConfig.lifetimeHours !== undefined
        ? Number(canaryConfig.lifetimeHours) * 60
        : undefined;
  const analysis: Array<[string, unknown]> = [
    ['lifetime', lifetime],
    ['warmupMinutes', canaryConfig.beginCanaryAnalysisAfterMins],
    ['intervalMinutes', canaryConfig.canaryAnalysisIntervalMins],
    ['lookbackMinutes', canaryConfig.lookbackMins],
    ['scoreThresholds', canaryConfig.scoreThresholds],
    ['periodSeconds', scope?.step],
    ['metrics', canaryConfig.metrics],
    ['groupWeights', canaryConfig.groupWeights],
    ['metricsDelaySeconds', canaryConfig.metricsDelaySeconds],
  ];

  if (scopeOnly) {
    // Kayenta's own form: the scopes name server groups that exist; nothing is deployed.
    if (scopes.length !== 1) problems.push("canaryConfig.scopes: exactly one scope is supported (Kayenta's scopeName 'default')");
    if (!scope?.controlScope) problems.push('canaryConfig.scopes[0].controlScope: required (the existing server group to compare with)');
    if (!scope?.experimentScope) problems.push('canaryConfig.scopes[0].experimentScope: required (the existing server group under test)');
    const locations = [scope?.controlLocation, scope?.experimentLocation].filter((l) => l !== undefined && l !== null && l !== '');
    if (new Set(locations).size > 1) {
      problems.push('canaryConfig.scopes[0].experimentLocation: the control and experiment must be in one region (CloudWatch is read per region)');
    }
    return {
      config: {
        controlServerGroup: scope?.controlScope ?? '',
        experimentServerGroup: scope?.experimentScope ?? '',
        ...defined([
          ['region', locations[0]],
          ['account', raw.account ?? raw.credentials],
          ['startTime', scope?.startTimeIso],
          ['endTime', scope?.endTimeIso],
          ...analysis,
        ]),
      },
      problems,
    };
  }

  const pairs = (deployments.serverGroupPairs ?? []) as Array<Record<string, unknown>>;
  if (!Array.isArray(pairs) || pairs.length !== 1) problems.push('deployments.serverGroupPairs: exactly one control/experiment pair is supported');
  const pair = (Array.isArray(pairs) ? pairs[0] : undefined) ?? {};
  const control = (pair.control ?? {}) as Record<string, unknown>;
  const experiment = (pair.experiment ?? {}) as Record<string, unknown>;
  const baseline = (deployments.baseline ?? {}) as Record<string, unknown>;
  if (baseline.cloudProvider !== undefined && baseline.cloudProvider !== 'aws') {
    problems.push(`deployments.baseline.cloudProvider: only aws is supported, got ${JSON.stringify(baseline.cloudProvider)}`);
  }
  const zones = (experiment.availabilityZones ?? control.availabilityZones) as Record<string, unknown> | undefined;
  const region = zones && typeof zones === 'object' ? Object.keys(zones)[0] : undefined;
  const config = defined([
    ['cluster', baseline.cluster],
    ['account', baseline.account ?? control.account ?? experiment.account],
    ['region', region],
    ['canaryImage', experiment.imageId ?? experiment.amiName],
    ['baselineImage', control.imageId ?? control.amiName],
    ['capacity', experiment.capacity ?? control.capacity],
    ...analysis,
  ]);
  return { config, problems };
}

/**
 * A kayentaCanary with no deployments to make (Kayenta's own form, which Deck shows when the
 * account has no deployment support): its scopes name the server groups.
 */
function isScopeOnly(raw: Readonly<Record<string, unknown>>): boolean {
  const deployments = raw.deployments;
  if (deployments === undefined || deployments === null) return true;
  if (typeof deployments !== 'object') return false;
  const d = deployments as Record<string, unknown>;
  const pairs = d.serverGroupPairs;
  return d.baseline === undefined && (pairs === undefined || (Array.isArray(pairs) && pairs.length === 0));
}

/** Where each canary field comes from in a kayentaCanary stage, for its problems. */
const KAYENTA_PATHS: Readonly<Record<string, string>> = {
  cluster: 'deployments.baseline.cluster',
  account: 'deployments.baseline.account',
  canaryImage: 'deployments.serverGroupPairs[0].experiment.imageId',
  baselineImage: 'deployments.serverGroupPairs[0].control.imageId',
  capacity: 'deployments.serverGroupPairs[0].experiment.capacity',
  lifetime: 'canaryConfig.lifetimeDuration',
  warmupMinutes: 'canaryConfig.beginCanaryAnalysisAfterMins',
  intervalMinutes: 'canaryConfig.canaryAnalysisIntervalMins',
  lookbackMinutes: 'canaryConfig.lookbackMins',
  scoreThresholds: 'canaryConfig.scoreThresholds',
  periodSeconds: 'canaryConfig.scopes[0].step',
  metrics: 'canaryConfig.metrics',
  groupWeights: 'canaryConfig.groupWeights',
  metricsDelaySeconds: 'canaryConfig.metricsDelaySeconds',
  controlServerGroup: 'canaryConfig.scopes[0].controlScope',
  experimentServerGroup: 'canaryConfig.scopes[0].experimentScope',
  startTime: 'canaryConfig.scopes[0].startTimeIso',
  endTime: 'canaryConfig.scopes[0].endTimeIso',
};

/** The config of either spelling, parsed; a kayentaCanary's problems name its own fields. */
export function canaryConfigOf(type: string, raw: Readonly<Record<string, unknown>>): { value?: CanaryConfig; problems: string[] } {
  if (type !== 'kayentaCanary') return parseCanaryConfig(raw);
  const mapped = fromKayentaCanary(raw);
  const parsed = parseCanaryConfig(mapped.config);
  const renamed = parsed.problems.map((problem) => {
    const field = /^[A-Za-z]+/.exec(problem)?.[0] ?? '';
    return KAYENTA_PATHS[field] ? `${KAYENTA_PATHS[field]}${problem.slice(field.length)}` : problem;
  });
  // The mapping already explained some of them (e.g. metrics kept in Kayenta's store).
  const reported = new Set(mapped.problems.map((p) => p.split(':')[0]));
  const problems = [...mapped.problems, ...renamed.filter((p) => !reported.has(p.split(/[:[]/)[0]) && !reported.has(p.split(':')[0]))];
  return problems.length > 0 ? { problems } : parsed;
}
