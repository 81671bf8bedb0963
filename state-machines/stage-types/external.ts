/**
 * External stage types: they call systems outside the pipeline (webhooks, Jenkins), run a job on
 * ECS, or run a canary. Implemented by functions/stages/external and functions/stages/canary, which
 * check the evaluated config again in full; here only what can be checked before `${...}` runs.
 */
import { field, type StageField } from './fields.js';
import { registerStageType } from './registry.js';

const HOUR_MS = 60 * 60 * 1000;
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const RESOLUTIONS = ['getMethod', 'locationHeader', 'webhookResponse', 'callback'];

type Raw = Readonly<Record<string, unknown>>;

/** A value holding `${...}` anywhere is checked only after evaluation. */
const isExpression = (v: unknown): boolean => typeof v === 'string' && v.includes('${');
const literal = (v: unknown): boolean => v !== undefined && v !== null && !isExpression(v);
const isTrue = (v: unknown): boolean => v === true || v === 'true';

function oneOf(s: Raw, field: string, allowed: readonly string[], normalize: (v: string) => string = (v) => v): string[] {
  const v = s[field];
  if (!literal(v)) return [];
  return typeof v === 'string' && allowed.includes(normalize(v)) ? [] : [`${field}: must be one of ${allowed.join(', ')}`];
}

function object(s: Raw, field: string): string[] {
  const v = s[field];
  if (!literal(v)) return [];
  return typeof v === 'object' && !Array.isArray(v) ? [] : [`${field}: must be an object`];
}

function statusCodes(s: Raw, field: string): string[] {
  const v = s[field];
  if (!literal(v) || v === '') return [];
  const items = typeof v === 'string' ? v.split(',') : Array.isArray(v) ? v : [v];
  const ok = items.every((i) => isExpression(i) || (Number.isInteger(Number(i)) && Number(i) >= 100 && Number(i) <= 599));
  return ok ? [] : [`${field}: must be a list of HTTP status codes`];
}

function webhookProblems(s: Raw): string[] {
  const problems = [
    ...oneOf(s, 'method', METHODS, (v) => v.toUpperCase()),
    ...oneOf(s, 'cancelMethod', METHODS, (v) => v.toUpperCase()),
    ...oneOf(s, 'statusUrlResolution', RESOLUTIONS),
    ...statusCodes(s, 'failFastStatusCodes'),
    ...statusCodes(s, 'retryStatusCodes'),
  ];
  const monitorOnly = isTrue(s.monitorOnly);
  const callback = isTrue(s.callback) || s.statusUrlResolution === 'callback';
  if (s.url === undefined && !monitorOnly) problems.push('url: required');
  if (monitorOnly && s.url === undefined && s.statusEndpoint === undefined) problems.push('statusEndpoint: required with monitorOnly');
  if ((isTrue(s.waitForCompletion) || monitorOnly) && !callback && s.statusJsonPath === undefined) {
    problems.push('statusJsonPath: required when waiting for completion');
  }
  if (isTrue(s.waitForCompletion) && !callback && s.statusUrlResolution === 'webhookResponse' && s.statusUrlJsonPath === undefined) {
    problems.push("statusUrlJsonPath: required with statusUrlResolution 'webhookResponse'");
  }
  const headers = s.customHeaders;
  if (literal(headers) && typeof headers !== 'object' && typeof headers !== 'string') problems.push('customHeaders: must be an object');
  return problems;
}

/** Spinnaker's runJob runs on Kubernetes, Titus or ECS; Gennaker's runs ECS tasks. */
function runJobProviderProblems(s: Raw): string[] {
  for (const field of ['cloudProvider', 'cloudProviderType', 'provider']) {
    const v = s[field];
    if (!literal(v) || v === '' || v === 'aws' || v === 'ecs') continue;
    return [`${field}: cloudProvider '${String(v)}' is not supported for runJob; Gennaker runs jobs as ECS tasks on AWS (cloudProvider 'aws' or 'ecs')`];
  }
  return [];
}

function canaryProblems(s: Raw): string[] {
  const problems = [...object(s, 'scoreThresholds')];
  const canary = s.canary as { imageId?: unknown } | undefined;
  if (s.canaryImage === undefined && canary?.imageId === undefined) problems.push('canaryImage: required (the image under test)');
  if (literal(s.metrics) && (!Array.isArray(s.metrics) || s.metrics.length === 0)) problems.push('metrics: must be a non-empty list');
  return problems;
}

/**
 * Kayenta's two forms: with `deployments` (a baseline and a canary deployed from the production
 * cluster), or scope-only (canaryConfig.scopes naming server groups that exist).
 */
function kayentaProblems(s: Raw): string[] {
  const problems: string[] = [];
  const config = (s.canaryConfig ?? {}) as Record<string, unknown>;
  const deployments = (s.deployments ?? {}) as Record<string, unknown>;
  const scopeOnly =
    deployments.baseline === undefined &&
    (deployments.serverGroupPairs === undefined || (Array.isArray(deployments.serverGroupPairs) && deployments.serverGroupPairs.length === 0));
  const scopes = Array.isArray(config.scopes) ? (config.scopes as Array<Record<string, unknown> | null>) : [];
  if (s.analysisType === 'retrospective' && !scopeOnly) {
    problems.push("analysisType: 'retrospective' analysis needs server groups that already exist: name them in canaryConfig.scopes, without deployments");
  }
  if (config.metrics === undefined) {
    problems.push(
      config.canaryConfigId !== undefined
        ? 'canaryConfig.canaryConfigId: names a canary config stored in Kayenta, which Gennaker does not read; put the metrics inline as canaryConfig.metrics'
        : 'canaryConfig.metrics: required',
    );
  }
  if (scopeOnly) {
    const scope = scopes[0] ?? {};
    for (const field of ['controlScope', 'experimentScope'] as const) {
      if (scope[field] === undefined || scope[field] === '')
        problems.push(`canaryConfig.scopes[0].${field}: required without deployments (an existing server group)`);
    }
    if (s.analysisType === 'retrospective' && (scope.startTimeIso === undefined || scope.endTimeIso === undefined)) {
      problems.push("canaryConfig.scopes[0].endTimeIso: 'retrospective' analysis needs startTimeIso and endTimeIso");
    }
    return problems;
  }
  const pairs = deployments.serverGroupPairs;
  if (literal(pairs) && (!Array.isArray(pairs) || pairs.length !== 1))
    problems.push('deployments.serverGroupPairs: exactly one control/experiment pair is supported');
  if ((deployments.baseline as Record<string, unknown> | undefined)?.cluster === undefined)
    problems.push('deployments.baseline.cluster: required (the production cluster)');
  return problems;
}

export const WEBHOOK_FIELDS: readonly StageField[] = [
  field('url', 'string', 'the address called'),
  field('method', 'string', 'HTTP method', { default: 'POST', values: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] }),
  field('customHeaders', 'object', 'headers sent (values may be secret references)'),
  field('payload', 'object', 'the JSON body sent (or text)'),
  field('waitForCompletion', 'boolean', 'after the call, wait for a status (else the response decides)', { default: false }),
  field('statusUrlResolution', 'string', 'where the status is read', {
    default: 'getMethod',
    values: ['getMethod', 'locationHeader', 'webhookResponse', 'callback'],
  }),
  field('statusUrlJsonPath', 'string', 'JSON path of the status address in the response (webhookResponse)'),
  field('statusJsonPath', 'string', 'JSON path of the status in the status response'),
  field('progressJsonPath', 'string', 'JSON path of a progress message in the status response'),
  field('successStatuses', 'string', 'comma-separated statuses that mean success'),
  field('canceledStatuses', 'string', 'comma-separated statuses that mean canceled'),
  field('terminalStatuses', 'string', 'comma-separated statuses that mean failure'),
  field('retryStatusCodes', 'array', 'response codes retried (as Orca: 429 and 5xx are)'),
  field('failFastStatusCodes', 'array', 'response codes that fail the stage at once'),
  field('waitBeforeMonitor', 'integer', 'seconds before the first status poll', { default: 0 }),
  field('statusEndpoint', 'string', 'status address when it is not resolved from the call', { aliases: ['monitorOnly'] }),
  field('signalCancellation', 'boolean', 'call cancelEndpoint when the stage is canceled', { default: false }),
  field('cancelEndpoint', 'string', 'the address called on cancel'),
  field('cancelMethod', 'string', 'HTTP method of the cancel call', { default: 'POST' }),
  field('cancelPayload', 'object', 'body of the cancel call'),
  field('callback', 'object', "Gennaker's callback settings (statusUrlResolution callback)"),
];

const CANARY_FIELDS: readonly StageField[] = [
  field('cluster', 'string', 'the production cluster the baseline copies'),
  field('serverGroup', 'string', 'the production server group to copy', { default: 'the newest enabled group of cluster' }),
  field('canaryImage', 'string', 'the image under test', { aliases: ['canary'] }),
  field('baselineImage', 'string', "the baseline's image", { default: "the production group's", aliases: ['baseline'] }),
  field('controlServerGroup', 'string', 'an existing group to judge as the control (instead of deploying)'),
  field('experimentServerGroup', 'string', 'an existing group to judge as the experiment (instead of deploying)'),
  field('startTime', 'string', 'ISO 8601 start of a fixed analysis window'),
  field('endTime', 'string', 'ISO 8601 end of a fixed analysis window (judged at once when past)'),
  field('capacity', 'object', "each group's {min, max, desired}, or one number", { default: 1 }),
  field('account', 'string', 'the account', { aliases: ['credentials'] }),
  field('region', 'string', 'the region'),
  field('lifetime', 'string', 'ISO 8601 duration of the analysis (or lifetimeMinutes)', { aliases: ['lifetimeMinutes'], default: 'PT1H' }),
  field('warmupMinutes', 'number', 'minutes before the analysis starts', { default: 0 }),
  field('intervalMinutes', 'number', 'minutes per judged interval', { default: 'the lifetime' }),
  field('lookbackMinutes', 'number', 'judge only the last this many minutes of each interval'),
  field('metricsDelaySeconds', 'number', 'seconds after an interval ends before its metrics are read', { default: 60 }),
  field('periodSeconds', 'integer', 'CloudWatch period of each data point', { default: 60 }),
  field('scopeDimension', 'string', 'the dimension naming a server group in every metric', { default: 'AutoScalingGroupName' }),
  field('metrics', 'object[]', 'metrics judged: {name, namespace, metricName, statistic, direction, group, critical, ...}'),
  field('scoreThresholds', 'object', '{pass, marginal}', { default: { pass: 75, marginal: 50 } }),
  field('groupWeights', 'object', 'metric group → weight in the score'),
  field('tolerance', 'number', 'allowed relative change before a metric is High or Low'),
  field('toleranceBasis', 'string', 'what the tolerance is relative to'),
  field('confidenceLevel', 'number', "the Mann-Whitney test's confidence level", { default: 0.95 }),
  field('upTimeoutMinutes', 'number', 'minutes the groups may take to come up', { default: 30 }),
];

const KAYENTA_FIELDS: readonly StageField[] = [
  field('analysisType', 'string', 'realTime and realTimeAutomatic wait for live data; retrospective judges a past window (scopes only)', {
    default: 'realTimeAutomatic',
    values: ['realTime', 'realTimeAutomatic', 'retrospective'],
  }),
  field(
    'canaryConfig',
    'object',
    '{lifetimeDuration | lifetimeHours, beginCanaryAnalysisAfterMins, canaryAnalysisIntervalMins, lookbackMins, scoreThresholds, scopes, metrics}',
  ),
  field('deployments', 'object', '{baseline: {cluster, account}, serverGroupPairs: [{control, experiment}]}; leave out to judge the groups the scopes name'),
];

registerStageType({
  type: 'webhook',
  family: 'external',
  execution: 'poll',
  description: 'Call an HTTP endpoint; optionally wait for a status URL or a callback',
  fields: WEBHOOK_FIELDS,
  defaultTimeoutMs: 24 * HOUR_MS,
  check: webhookProblems,
});
registerStageType({
  type: 'jenkins',
  family: 'external',
  execution: 'poll',
  description: 'Run a Jenkins job and wait for its result; read its property file',
  fields: [
    field('master', 'string', 'the Jenkins master (as configured in gennaker:jenkinsMasters)'),
    field('job', 'string', 'the job, folders separated by /'),
    field('parameters', 'object', 'build parameters'),
    field('propertyFile', 'string', 'an artifact of key=value lines (or JSON/YAML) read into the outputs'),
    field('waitForCompletion', 'boolean', 'wait for the build to end', { default: true }),
    field('markUnstableAsSuccessful', 'boolean', 'an UNSTABLE build succeeds the stage', { default: false }),
  ],
  required: ['master', 'job'],
  defaultTimeoutMs: 24 * HOUR_MS,
  check: (s) => [...object(s, 'parameters')],
});
registerStageType({
  type: 'runJob',
  family: 'external',
  execution: 'poll',
  description: 'Run a one-off container as an ECS task (Fargate) and wait for it to exit',
  fields: [
    field('cluster', 'string', 'the ECS cluster'),
    field('taskDefinition', 'string', 'task definition family[:revision] or ARN'),
    field('launchType', 'string', 'how the task runs', { default: 'FARGATE', values: ['FARGATE', 'EC2'] }),
    field('platformVersion', 'string', 'Fargate platform version'),
    field('subnets', 'string[]', 'subnets (required for Fargate)'),
    field('securityGroups', 'string[]', 'security groups'),
    field('assignPublicIp', 'boolean', 'give the task a public address', { default: false }),
    field('container', 'string', 'the container command and environment apply to', { default: 'the first' }),
    field('command', 'array', 'the command: a list, or text run with sh -c'),
    field('environment', 'object', 'environment variables'),
    field('cpu', 'string', 'task CPU units'),
    field('memory', 'string', 'task memory (MiB)'),
    field('tags', 'object', 'task tags'),
    field('account', 'string', 'the account', { aliases: ['credentials'] }),
    field('region', 'string', 'the region'),
    field('cloudProvider', 'string', 'aws or ecs', { aliases: ['cloudProviderType', 'provider'] }),
  ],
  required: ['cluster', 'taskDefinition'],
  defaultTimeoutMs: 24 * HOUR_MS,
  check: (s) => [...runJobProviderProblems(s), ...oneOf(s, 'launchType', ['FARGATE', 'EC2'], (v) => v.toUpperCase())],
});
// No default timeout for canaries: the stage ends itself after its lifetime, and an engine timeout
// would end it without taking its server groups down.
registerStageType({
  type: 'canary',
  family: 'canary',
  execution: 'poll',
  description: 'Compare a canary server group with a baseline on CloudWatch metrics, then remove both',
  fields: CANARY_FIELDS,
  required: ['cluster', 'metrics'],
  check: canaryProblems,
});
registerStageType({
  type: 'kayentaCanary',
  family: 'canary',
  execution: 'poll',
  description: "Spinnaker's automated canary analysis: deploys a baseline and a canary (deployments), or judges existing server groups (scopes only)",
  required: ['canaryConfig'],
  fields: KAYENTA_FIELDS,
  check: kayentaProblems,
});
