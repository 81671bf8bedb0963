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
import { judgeConfigProblems, type JudgeConfig, type MetricConfig, type ScoreThresholds } from './judge/index.js';

export interface Capacity {
  readonly min: number;
  readonly max: number;
  readonly desired: number;
}

/** One CloudWatch metric: its statistic per period for each server group. */
export interface MetricQuery {
  readonly namespace: string;
  readonly metricName: string;
  /** Average, Sum, Minimum, Maximum, SampleCount, or an extended statistic such as p99. @default Average */
  readonly statistic: string;
  /** Extra dimensions; the server group dimension is added per group. */
  readonly dimensions: Readonly<Record<string, string>>;
  readonly unit?: string;
}

export interface CanaryMetric extends MetricConfig {
  /** A single metric, or numerator / denominator computed per period here (e.g. errors / requests). */
  readonly query: MetricQuery | { readonly numerator: MetricQuery; readonly denominator: MetricQuery };
}

export interface CanaryConfig {
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
  readonly metrics: readonly CanaryMetric[];
  readonly judge: JudgeConfig;
  readonly thresholds: Required<ScoreThresholds>;
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
const STATISTIC = /^(Average|Sum|Minimum|Maximum|SampleCount|(p|tm|wm|tc|ts|pr)\(?\d.*)$/;

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
  const periodSeconds = Number(raw.periodSeconds ?? 60);
  if (
    !Number.isInteger(periodSeconds) ||
    periodSeconds < 1 ||
    (periodSeconds >= 60 && periodSeconds % 60 !== 0) ||
    (periodSeconds < 60 && ![1, 5, 10, 30].includes(periodSeconds))
  ) {
    problems.push('periodSeconds: must be 1, 5, 10, 30 or a multiple of 60 (CloudWatch periods)');
  }
  const upTimeoutMinutes = minutes('upTimeoutMinutes', 30, 0.001);
  const scopeDimension = text('scopeDimension') ?? 'AutoScalingGroupName';

  const metrics = readMetrics(raw.metrics, problems);
  const thresholds = readThresholds(raw.scoreThresholds, problems);
  const judge: JudgeConfig = {
    metrics: metrics.map(({ query: _query, ...metric }) => metric),
    ...(raw.groupWeights !== undefined ? { groupWeights: raw.groupWeights as Record<string, number> } : {}),
    ...(raw.tolerance !== undefined ? { tolerance: Number(raw.tolerance) } : {}),
    ...(raw.toleranceBasis !== undefined ? { toleranceBasis: raw.toleranceBasis as JudgeConfig['toleranceBasis'] } : {}),
    ...(raw.confidenceLevel !== undefined ? { confidenceLevel: Number(raw.confidenceLevel) } : {}),
    scoreThresholds: thresholds,
  };
  if (metrics.length > 0) problems.push(...judgeConfigProblems(judge).map((p) => p.replace(/^config\./, '')));

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

/**
 * A progressive deploy step's `analysis`: the metrics, judge and thresholds of a canary config,
 * judged once on the old and the new server group (or their target groups) over the step's hold.
 * The groups, images and schedule come from the deploy, so those fields are not read here.
 */
export interface StepAnalysisConfig {
  readonly metrics: readonly CanaryMetric[];
  readonly judge: JudgeConfig;
  readonly thresholds: Required<ScoreThresholds>;
  readonly periodSeconds: number;
  /** The dimension naming a group in every metric; `TargetGroup` compares the cluster's and the canary target group. */
  readonly scopeDimension?: string;
  readonly metricsDelayMs: number;
}

export function parseStepAnalysis(raw: Readonly<Record<string, unknown>>): { value?: StepAnalysisConfig; problems: string[] } {
  const problems: string[] = [];
  const metrics = readMetrics(raw.metrics, problems);
  const thresholds = readThresholds(raw.scoreThresholds, problems);
  const periodSeconds = Number(raw.periodSeconds ?? 60);
  if (
    !Number.isInteger(periodSeconds) ||
    periodSeconds < 1 ||
    (periodSeconds >= 60 && periodSeconds % 60 !== 0) ||
    (periodSeconds < 60 && ![1, 5, 10, 30].includes(periodSeconds))
  ) {
    problems.push('periodSeconds: must be 1, 5, 10, 30 or a multiple of 60 (CloudWatch periods)');
  }
  const delaySeconds = Number(raw.metricsDelaySeconds ?? 0);
  if (!Number.isFinite(delaySeconds) || delaySeconds < 0) problems.push('metricsDelaySeconds: must be a number of seconds >= 0');
  const scope = raw.scopeDimension;
  if (scope !== undefined && (typeof scope !== 'string' || scope === '')) problems.push('scopeDimension: must be a dimension name');
  const judge: JudgeConfig = {
    metrics: metrics.map(({ query: _query, ...metric }) => metric),
    ...(raw.groupWeights !== undefined ? { groupWeights: raw.groupWeights as Record<string, number> } : {}),
    ...(raw.tolerance !== undefined ? { tolerance: Number(raw.tolerance) } : {}),
    ...(raw.confidenceLevel !== undefined ? { confidenceLevel: Number(raw.confidenceLevel) } : {}),
    scoreThresholds: thresholds,
  };
  if (metrics.length > 0) problems.push(...judgeConfigProblems(judge).map((p) => p.replace(/^config\./, '')));
  if (problems.length > 0) return { problems };
  return {
    value: { metrics, judge, thresholds, periodSeconds, ...(typeof scope === 'string' ? { scopeDimension: scope } : {}), metricsDelayMs: delaySeconds * 1000 },
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

function readThresholds(value: unknown, problems: string[]): Required<ScoreThresholds> {
  const fallback = { pass: 75, marginal: 50 };
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'object') {
    problems.push('scoreThresholds: must be {pass, marginal}');
    return fallback;
  }
  const t = value as Record<string, unknown>;
  const num = (k: 'pass' | 'marginal') => {
    const v = t[k];
    if (v === undefined || v === null || v === '') return fallback[k];
    const n = typeof v === 'string' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) {
      problems.push(`scoreThresholds.${k}: must be a number`);
      return fallback[k];
    }
    return n;
  };
  return { pass: num('pass'), marginal: num('marginal') };
}

const METRIC_FIELDS = ['name', 'group', 'direction', 'critical', 'mustHaveData', 'nanStrategy', 'effectSize', 'outliers'] as const;

function readMetrics(value: unknown, problems: string[]): CanaryMetric[] {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push('metrics: required, a non-empty list of {name, namespace, metricName, statistic, ...}');
    return [];
  }
  return value.flatMap((entry, i): CanaryMetric[] => {
    const path = `metrics[${i}]`;
    if (typeof entry !== 'object' || entry === null) {
      problems.push(`${path}: must be an object`);
      return [];
    }
    const m = entry as Record<string, unknown>;
    let query: CanaryMetric['query'] | undefined;
    if (m.ratio !== undefined) {
      const ratio = m.ratio as Record<string, unknown> | null;
      const numerator = readQuery(ratio?.numerator, m, `${path}.ratio.numerator`, problems);
      const denominator = readQuery(ratio?.denominator, m, `${path}.ratio.denominator`, problems);
      if (numerator && denominator) query = { numerator, denominator };
    } else query = readQuery(m, m, path, problems);
    if (!query) return [];
    const judged = Object.fromEntries(METRIC_FIELDS.filter((k) => m[k] !== undefined).map((k) => [k, m[k]])) as unknown as MetricConfig;
    return [{ ...judged, query }];
  });
}

function readQuery(value: unknown, parent: Record<string, unknown>, path: string, problems: string[]): MetricQuery | undefined {
  if (typeof value !== 'object' || value === null) {
    problems.push(`${path}: must be an object with namespace and metricName`);
    return undefined;
  }
  const q = value as Record<string, unknown>;
  const namespace = q.namespace ?? parent.namespace;
  const metricName = q.metricName;
  const statistic = q.statistic ?? 'Average';
  let ok = true;
  if (typeof namespace !== 'string' || namespace === '') {
    problems.push(`${path}.namespace: required`);
    ok = false;
  }
  if (typeof metricName !== 'string' || metricName === '') {
    problems.push(`${path}.metricName: required`);
    ok = false;
  }
  if (typeof statistic !== 'string' || !STATISTIC.test(statistic)) {
    problems.push(`${path}.statistic: must be Average, Sum, Minimum, Maximum, SampleCount or an extended statistic such as p99`);
    ok = false;
  }
  const dimensions = q.dimensions ?? parent.dimensions ?? {};
  if (typeof dimensions !== 'object' || dimensions === null || Array.isArray(dimensions) || !Object.values(dimensions).every((v) => typeof v === 'string')) {
    problems.push(`${path}.dimensions: must be an object of dimension names to values`);
    ok = false;
  }
  if (!ok) return undefined;
  return {
    namespace: namespace as string,
    metricName: metricName as string,
    statistic: statistic as string,
    dimensions: dimensions as Record<string, string>,
    ...(typeof q.unit === 'string' ? { unit: q.unit } : {}),
  };
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
export function isScopeOnly(raw: Readonly<Record<string, unknown>>): boolean {
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
