/**
 * `Aws.LambdaTrafficRoutingStage`: moves an alias's traffic, by the plugin's strategies
 *   $SIMPLE     the alias sends everything to versionNameA
 *   $WEIGHTED   versionNameA gets trafficPercentA, versionNameB the rest
 *   $BLUEGREEN  invoke the newest version with the payload, compare its output with the expected
 *               one; equal → all traffic to it, else traffic stays (and `destroyOnFail` deletes it)
 * and beyond the plugin
 *   $PROGRESSIVE  from the alias's version to versionNameA (default the newest) in `trafficSteps`
 *               (the ECS/EC2 progressive format), holding each weight `pauseSec` (or, without it,
 *               until a promote) while checking `rollbackAlarms`, then judging the step's
 *               `analysis` on the two versions; a failed gate moves all traffic back at once.
 * After a $SIMPLE or passing $BLUEGREEN change, `provisionedConcurrentExecutions` is put on the
 * alias and waited for until READY (provisioned.ts).
 * Versions are named as the plugin names them ($LATEST = newest published, $PREVIOUS, $OLDEST,
 * $PROVIDED with a number, or a number). Everything is resolved and checked before the alias
 * changes, so bad input changes nothing. Each alias change is idempotent (it sets a state), and the
 * progressive step is checkpointed before the change, so a re-run after a crash converges.
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import {
  deleteFunction,
  describeFunction,
  eventMappingChanges,
  createEventMapping,
  deleteEventMapping,
  invokeFunction,
  normalizeRouting,
  percentTo,
  resolveVersion,
  routingOf,
  sameRouting,
  upsertAlias,
  versionsInUse,
  type AliasRouting,
  type FunctionView,
} from '../../../core/cloud/lambda/index.js';
import { checkAlarmGate, gatePollSeconds, holdWaitSeconds } from '../../../core/gates/alarms.js';
import { awaitPromote, isPromoted } from '../../../core/promote.js';
import { StageConfigError, type StageRunContext, stageState, type TaskResult } from '../../../core/stage-api.js';
import { LAMBDA_ROUTE, lambdaRouteProblems } from '../../../../state-machines/stage-types/lambda.js';
import { readRollbackAlarms, readTrafficSteps, type TrafficStep } from '../../../../state-machines/stage-types/traffic-steps.js';
import type { CloudEnv } from '../deps.js';
import { CloudStageError } from '../errors.js';
import { judgeAnalysis, type AnalysisVerdict } from '../deploy/step-analysis.js';
import { failedOr } from '../find-image.js';
import { flag, optionalString, wholeNumber } from '../fields.js';
import { provisionedOf, provisionedStep, type ProvisionedState } from './provisioned.js';
import type { LockedStage } from '../locking.js';
import { eventMappingsOf, functionLocation, type FunctionLocation } from './fields.js';
import { expectedOutputOf, payloadOf, sameOutput } from './payload.js';
import { checkOwnedBy, functionLock, functionOutputs, refuseOtherApplications } from './shared.js';

interface ProgressiveState {
  readonly from: string;
  readonly to: string;
  /** Index of the step whose weight is set (or being set). */
  readonly step: number;
  /** When the current step's hold ends (ms). */
  readonly holdUntil?: number;
  /** When the current step set its weight (ms): where its analysis window starts. */
  readonly shiftedAt?: number;
  readonly rollingBack?: string;
}

interface RouteState {
  readonly provisioned?: ProvisionedState;
  readonly progressive?: ProgressiveState;
  readonly blueGreen?: { readonly version: string; readonly passed: boolean; readonly detail: string };
}
/** Where the stage keeps its state between calls. */
const ROUTE = stageState<RouteState>('route');

type Config = Readonly<Record<string, unknown>>;

function version(view: FunctionView, config: Config, nameField: string, numberField: string): string {
  const name = optionalString(config, nameField) ?? (typeof config[nameField] === 'number' ? String(config[nameField]) : undefined);
  if (!name) throw new StageConfigError(`${nameField}: required`);
  const provided = optionalString(config, numberField) ?? (typeof config[numberField] === 'number' ? String(config[numberField]) : undefined);
  let found: number | undefined;
  try {
    found = resolveVersion(view.versions, name, provided);
  } catch (error) {
    throw new StageConfigError(`${name.startsWith('$PROVIDED') ? numberField : nameField}: ${(error as Error).message}`);
  }
  if (found === undefined) {
    const published = view.versions.map((v) => v.version).join(', ') || 'none';
    const what = name.startsWith('$PROVIDED') ? `version ${provided}` : /^\d+$/.test(name) ? `version ${name}` : `a version for ${name}`;
    throw new StageConfigError(
      `${name.startsWith('$PROVIDED') ? numberField : nameField}: function ${view.name} has no ${what} (published versions: ${published})`,
    );
  }
  return String(found);
}

/** The alias state $SIMPLE and $WEIGHTED ask for. */
function plannedRouting(view: FunctionView, config: Config): AliasRouting {
  const strategy = config.deploymentStrategy;
  const major = version(view, config, 'versionNameA', 'versionNumberA');
  if (strategy === '$SIMPLE') return { major };
  const percentA = wholeNumber(config, 'trafficPercentA');
  if (percentA === undefined) throw new StageConfigError('trafficPercentA: required (percent of traffic on versionNameA)');
  if (percentA > 100) throw new StageConfigError(`trafficPercentA: weights are percentages, at most 100 (got ${percentA})`);
  const percentB = wholeNumber(config, 'trafficPercentB');
  if (percentB !== undefined && percentB !== 0 && percentA + percentB !== 100)
    throw new StageConfigError(`trafficPercentB: trafficPercentA + trafficPercentB must be 100 (got ${percentA} + ${percentB})`);
  const minor = version(view, config, 'versionNameB', 'versionNumberB');
  if (minor === major && percentA < 100)
    throw new StageConfigError(`versionNameB: is the same version as versionNameA (${major}); a weighted split needs two versions`);
  return normalizeRouting({ major, minor, weight: (100 - percentA) / 100 });
}

async function setAlias(lambda: LambdaClient, view: FunctionView, alias: string, routing: AliasRouting, description?: string): Promise<boolean> {
  const existing = view.aliases.find((a) => a.name === alias);
  if (existing && sameRouting(routingOf(existing), routing)) return false;
  await upsertAlias(lambda, view.name, alias, routing, existing !== undefined, description);
  return true;
}

/** The plugin's output keys for what the alias now does. */
function deployedOutputs(alias: string, routing: AliasRouting, strategy: string): Record<string, unknown> {
  const r = normalizeRouting(routing);
  return {
    'deployment:aliasDeployed': alias,
    'deployment:majorVersionDeployed': r.major,
    // Always both: outputs of a stage that polls are merged call by call, so an absent key would keep an earlier step's value.
    'deployment:minorVersionDeployed': r.minor ?? null,
    weightToMinorFunctionVersion: r.weight ?? 0,
    'deployment:strategyUsed': strategy,
  };
}

/**
 * What follows the traffic change, as the plugin orders it: provisioned concurrency on the alias
 * ($SIMPLE / $BLUEGREEN; a weighted alias gets none, as in the plugin) waited for until READY, then
 * the event source mappings. Undefined when done; otherwise how long to wait before the next call.
 */
async function afterTraffic(
  ctx: StageRunContext,
  lambda: LambdaClient,
  view: FunctionView,
  alias: string,
  strategy: string,
  state: RouteState,
): Promise<{ readonly waitSeconds: number; readonly state: RouteState } | undefined> {
  const config = ctx.stage.config;
  const provisioned = provisionedOf(config);
  if (provisioned !== undefined && strategy !== '$WEIGHTED') {
    let route = state;
    const save = async (p: ProvisionedState) => {
      route = { ...route, provisioned: p };
      await ctx.checkpoint(ROUTE.save(route));
    };
    // A change is read back before it counts: at most a put (or delete), then its status.
    for (let calls = 0; ; calls += 1) {
      if (calls > 3) throw new CloudStageError(`provisioned concurrency on ${view.name}:${alias} did not take the value ${provisioned}`);
      const step = await provisionedStep(lambda, view.name, alias, provisioned, route.provisioned ?? {}, ctx.clock.now(), save);
      if (step.kind === 'done') break;
      if (step.kind === 'wait') return { waitSeconds: step.waitSeconds, state: { ...route, provisioned: step.state } };
    }
  }
  const mappings = eventMappingsOf(config);
  if (mappings) {
    const target = `${view.arn}:${alias}`;
    const { create, remove } = eventMappingChanges(mappings, view.eventMappings, target);
    for (const uuid of remove) await deleteEventMapping(lambda, uuid);
    for (const arn of create) await createEventMapping(lambda, `${view.name}:${alias}`, arn, mappings);
  }
  return undefined;
}

async function blueGreen(
  ctx: StageRunContext,
  env: CloudEnv,
  where: FunctionLocation,
  lambda: LambdaClient,
  view: FunctionView,
  alias: string,
  state: RouteState,
): Promise<TaskResult> {
  const config = ctx.stage.config;
  const newest = view.versions[0];
  if (!newest) throw new StageConfigError(`functionName: function ${view.name} has no published version to test`);
  const candidate = String(newest.version);
  let verdict = state.blueGreen?.version === candidate ? state.blueGreen : undefined;
  if (!verdict) {
    const payload = await payloadOf(ctx, env);
    const expected = await expectedOutputOf(ctx, env);
    if (payload === undefined) throw new StageConfigError('lambdaPayload: required (the payload to invoke the new version with), or payloadArtifact');
    if (expected === undefined) throw new StageConfigError('lambdaOutput: required (the output the new version must return), or outputArtifact');
    const result = await invokeFunction(lambda, view.name, candidate, payload);
    const passed = !result.functionError && sameOutput(expected, result.payload);
    const detail = result.functionError
      ? `the function failed (${result.functionError}): ${result.payload}`
      : `comparison failed: expected [${expected.replace(/[\n\t ]/g, '')}], actual [${result.payload.replace(/[\n\t ]/g, '')}]`;
    verdict = { version: candidate, passed, detail: passed ? '' : detail };
    await ctx.checkpoint(ROUTE.save({ ...state, blueGreen: verdict }));
  }
  if (verdict.passed) {
    await setAlias(lambda, view, alias, { major: candidate });
    const outputs = { ...functionOutputs(where, view), ...deployedOutputs(alias, { major: candidate }, 'BlueGreenDeploymentStrategy') };
    const pending = await afterTraffic(ctx, lambda, view, alias, '$BLUEGREEN', { ...state, blueGreen: verdict });
    if (pending) return { status: 'RUNNING', waitSeconds: pending.waitSeconds, context: ROUTE.save(pending.state), outputs };
    return { status: 'SUCCEEDED', context: ROUTE.save({ blueGreen: verdict }), outputs };
  }
  let destroyed = false;
  if (flag(config, 'destroyOnFail', false)) {
    const users = versionsInUse(view.aliases).get(candidate);
    if (!users) {
      await deleteFunction(lambda, view.name, Number(candidate));
      destroyed = true;
    }
  }
  return {
    status: 'FAILED',
    error: `BlueGreenDeployment failed for version ${candidate} of ${view.name}: ${verdict.detail}; alias ${alias} left as it was${destroyed ? `, version ${candidate} deleted (destroyOnFail)` : ''}`,
    context: ROUTE.save({ blueGreen: verdict }),
    outputs: { ...functionOutputs(where, view), versionTested: candidate, versionDeleted: destroyed },
  };
}

/** Reads the progressive fields (the EC2/ECS step format: pauses, promotes, analysis). */
function progressiveSteps(config: Config): { steps: TrafficStep[]; alarms: string[] } {
  const { steps, problems } = readTrafficSteps(config.trafficSteps, 'trafficSteps');
  const { alarms, problems: alarmProblems } = readRollbackAlarms(config.rollbackAlarms, 'rollbackAlarms');
  const all = [...problems, ...alarmProblems];
  if (steps.length === 0 && all.length === 0) all.push('trafficSteps: required with $PROGRESSIVE');
  if (all.length > 0) throw new StageConfigError(all.join('; '));
  return { steps, alarms };
}

/**
 * A step's analysis on the alias's two versions: Lambda's metrics of a weighted alias carry
 * FunctionName, Resource (`<function>:<alias>`) and ExecutedVersion, so control and experiment are
 * the two ExecutedVersion values (step-analysis.ts).
 */
function judgeLambdaStep(
  cloudwatch: CloudWatchClient,
  view: FunctionView,
  alias: string,
  p: ProgressiveState,
  step: TrafficStep,
  now: number,
): Promise<AnalysisVerdict> {
  return judgeAnalysis(
    cloudwatch,
    step.analysis!,
    `trafficSteps[${p.step}].analysis`,
    () => ({
      control: p.from,
      experiment: p.to,
      scopeDimension: 'ExecutedVersion',
      dimensions: { FunctionName: view.name, Resource: `${view.name}:${alias}` },
    }),
    { since: p.shiftedAt, now },
  );
}

async function progressive(
  ctx: StageRunContext,
  env: CloudEnv,
  where: FunctionLocation,
  lambda: LambdaClient,
  view: FunctionView,
  alias: string,
  state: RouteState,
): Promise<TaskResult> {
  const config = ctx.stage.config;
  const { steps, alarms } = progressiveSteps(config);
  const cloudwatch = async () => (await env.target(where.account, where.region)).clients.cloudwatch;
  const gate = async () => {
    if (alarms.length === 0) return { passed: true as const, checked: [] as string[] };
    const { clients, account } = await env.target(where.account, where.region);
    return checkAlarmGate(clients.cloudwatch, alarms, `account ${account.name} ${where.region}`);
  };
  const save = (p: ProgressiveState) => ctx.checkpoint(ROUTE.save({ ...state, progressive: p }));
  const outputs = (routing: AliasRouting, p: ProgressiveState) => ({
    ...functionOutputs(where, view),
    ...deployedOutputs(alias, routing, 'ProgressiveDeploymentStrategy'),
    previousVersion: p.from,
    newVersion: p.to,
    trafficPercent: percentTo(routing, p.to),
  });

  let p = state.progressive;
  if (!p) {
    const existing = view.aliases.find((a) => a.name === alias);
    if (!existing)
      throw new StageConfigError(`aliasName: function ${view.name} has no alias ${alias}; create it (a deploy's aliases, or $SIMPLE) before shifting it`);
    const from = existing.functionVersion;
    if (!/^\d+$/.test(from))
      throw new StageConfigError(`aliasName: alias ${alias} points at ${from}; weighted routing needs published versions (route it to one with $SIMPLE first)`);
    const to = config.versionNameA === undefined ? String(view.versions[0]?.version ?? '') : version(view, config, 'versionNameA', 'versionNumberA');
    if (!to) throw new StageConfigError(`functionName: function ${view.name} has no published version`);
    if (to === from && Object.keys(existing.additionalWeights).length === 0) {
      return {
        status: 'SUCCEEDED',
        outputs: { ...outputs({ major: from }, { from, to, step: steps.length }), message: `alias ${alias} already sends all traffic to version ${to}` },
      };
    }
    // An alarm already firing (or missing) stops the shift before any traffic moves.
    const before = await gate();
    if (!before.passed) return { status: 'FAILED', error: `rollbackAlarms: ${before.reason} before the shift began; alias ${alias} left on version ${from}` };
    p = { from, to, step: 0 };
    await save(p);
  }

  const routingAt = (weight: number): AliasRouting => normalizeRouting({ major: p!.from, minor: p!.to, weight: weight / 100 });
  /** All traffic back on the old version at once (the reason is saved first, so a re-run finishes it). */
  const rollBack = async (reason?: string): Promise<TaskResult> => {
    if (reason) {
      p = { ...p!, rollingBack: reason };
      await save(p);
    }
    const current = (await describeFunction(lambda, view.name)) ?? view;
    await setAlias(lambda, current, alias, { major: p!.from });
    return {
      status: 'FAILED',
      error: `${p!.rollingBack}; alias ${alias} moved back to version ${p!.from}`,
      outputs: { ...outputs({ major: p!.from }, p!), rolledBack: true },
    };
  };
  if (p.rollingBack) return rollBack();

  for (;;) {
    const step: TrafficStep = steps[p.step]!;
    const routing = routingAt(step.weight);
    const at = `at ${step.weight}% on version ${p.to}`;
    if (p.holdUntil === undefined) {
      await setAlias(lambda, view, alias, routing, undefined);
      const now = ctx.clock.now();
      p = { ...p, holdUntil: now + (step.pauseSec ?? 0) * 1000, shiftedAt: now };
      await save(p);
    }
    const outcome = await gate();
    if (!outcome.passed) return rollBack(`rollbackAlarms: ${outcome.reason} ${at}`);
    const running = { context: ROUTE.save({ ...state, progressive: p }), outputs: outputs(routing, p) };
    // A step before the last without pauseSec holds until promoted (promote.ts), reading its alarms
    // at each call while it waits when it has any.
    if (step.pauseSec === undefined && p.step < steps.length - 1 && !isPromoted(ctx.state, p.step)) {
      const watchSeconds = gatePollSeconds(ctx.clock.now() - (p.shiftedAt ?? ctx.clock.now()));
      return awaitPromote(ctx.state, { step: p.step, weight: step.weight }, { ...running, ...(alarms.length > 0 ? { watchSeconds } : {}) });
    }
    const now = ctx.clock.now();
    const remaining = p.holdUntil! - now;
    if (remaining > 0) return { status: 'RUNNING', waitSeconds: holdWaitSeconds(remaining, now - (p.shiftedAt ?? now), alarms.length > 0), ...running };
    if (step.analysis) {
      const verdict = await judgeLambdaStep(await cloudwatch(), view, alias, p, step, ctx.clock.now());
      if (!verdict.passed) return rollBack(`trafficSteps[${p.step}].analysis: ${verdict.reason} ${at}`);
    }
    if (p.step >= steps.length - 1) return { status: 'SUCCEEDED', ...running };
    p = { from: p.from, to: p.to, step: p.step + 1 };
    await save(p);
    view = (await describeFunction(lambda, view.name)) ?? view;
  }
}

export function lambdaTrafficRoutingStage(env: CloudEnv): LockedStage {
  return {
    type: LAMBDA_ROUTE,
    validate: lambdaRouteProblems,
    locks: (ctx) => [functionLock(functionLocation(ctx.stage.config, ctx.application, env.defaultRegion()))],
    async run(ctx): Promise<TaskResult> {
      try {
        const config = ctx.stage.config;
        const where = functionLocation(config, ctx.application, env.defaultRegion());
        const alias = optionalString(config, 'aliasName');
        if (!alias) throw new StageConfigError('aliasName: required (the alias whose traffic moves)');
        const strategy = optionalString(config, 'deploymentStrategy');
        const { lambda } = await env.functions(where.account, where.region);
        const saved = ROUTE.of(ctx.state);
        const state = saved ?? {};
        if (saved === undefined) await refuseOtherApplications(lambda, where, ctx.application);
        const view = await describeFunction(lambda, where.functionName);
        if (!view) throw new CloudStageError(`function ${where.functionName} does not exist in account ${where.account} ${where.region}`);
        checkOwnedBy(where.functionName, view.tags, ctx.application);
        if (strategy === '$BLUEGREEN') return await blueGreen(ctx, env, where, lambda, view, alias, state);
        if (strategy === '$PROGRESSIVE') return await progressive(ctx, env, where, lambda, view, alias, state);
        if (strategy !== '$SIMPLE' && strategy !== '$WEIGHTED')
          throw new StageConfigError(
            `deploymentStrategy: must be one of $SIMPLE, $WEIGHTED, $BLUEGREEN, $PROGRESSIVE (got ${JSON.stringify(config.deploymentStrategy)})`,
          );
        const routing = plannedRouting(view, config);
        await setAlias(lambda, view, alias, routing, optionalString(config, 'aliasDescription'));
        const outputs = {
          ...functionOutputs(where, view),
          ...deployedOutputs(alias, routing, strategy === '$SIMPLE' ? 'SimpleDeploymentStrategy' : 'WeightedDeploymentStrategy'),
        };
        const pending = await afterTraffic(ctx, lambda, view, alias, strategy, state);
        if (pending) return { status: 'RUNNING', waitSeconds: pending.waitSeconds, context: ROUTE.save(pending.state), outputs };
        return { status: 'SUCCEEDED', outputs };
      } catch (error) {
        return failedOr(error);
      }
    },
  };
}
