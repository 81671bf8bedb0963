/**
 * External stage types: they call systems outside the pipeline (webhooks, Jenkins), run a job on
 * ECS, or run a canary. Implemented by functions/stages/external and functions/stages/canary, which
 * check the evaluated config again in full; here only what can be checked before `${...}` runs.
 */
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

registerStageType({
  type: 'webhook',
  family: 'external',
  execution: 'poll',
  description: 'Call an HTTP endpoint; optionally wait for a status URL or a callback',
  defaultTimeoutMs: 24 * HOUR_MS,
  check: webhookProblems,
});
registerStageType({
  type: 'jenkins',
  family: 'external',
  execution: 'poll',
  description: 'Run a Jenkins job and wait for its result; read its property file',
  required: ['master', 'job'],
  defaultTimeoutMs: 24 * HOUR_MS,
  check: (s) => [...object(s, 'parameters')],
});
registerStageType({
  type: 'runJob',
  family: 'external',
  execution: 'poll',
  description: 'Run a one-off container as an ECS task (Fargate) and wait for it to exit',
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
  required: ['cluster', 'metrics'],
  check: canaryProblems,
});
registerStageType({
  type: 'kayentaCanary',
  family: 'canary',
  execution: 'poll',
  description: "Spinnaker's automated canary analysis: deploys a baseline and a canary (deployments), or judges existing server groups (scopes only)",
  required: ['canaryConfig'],
  check: kayentaProblems,
});
