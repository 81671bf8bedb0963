/**
 * A progressive step's `analysis`: the canary judge (functions/core/canary-analysis) run once, when the
 * step's hold ends, on the old (control) and the new (experiment) over the time the step held its
 * weight. `judgeAnalysis` is the one judge of every target; the scope says what control and
 * experiment are:
 *   deploys   the old and new server group by name (AutoScalingGroupName on EC2, ServiceName on
 *             ECS, or the config's scopeDimension), or with `scopeDimension: TargetGroup` the
 *             cluster's and the canary target group (ALB metrics: only the new group serves there)
 *   Lambda    the alias's two versions by ExecutedVersion, with FunctionName and Resource
 *             (`<function>:<alias>`) added to each metric that does not name them (routing.ts)
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { parseStepAnalysis } from '../../../core/canary-analysis/config.js';
import { judge } from '../../../core/canary-analysis/judge/index.js';
import { fetchObservations } from '../../../core/canary-analysis/metrics.js';
import { StageConfigError } from '../../../core/stage-api.js';
import type { DeployUnitContext, DeployUnitState } from './state.js';

export type AnalysisVerdict = { readonly passed: true; readonly score: number } | { readonly passed: false; readonly reason: string };

export interface AnalysisScope {
  readonly control: string;
  readonly experiment: string;
  /** The dimension whose value tells control from experiment, unless the config names one. */
  readonly scopeDimension: string;
  /** Dimensions every metric gets unless it names them itself. */
  readonly dimensions?: Readonly<Record<string, string>>;
}

/**
 * Judges `raw` (the step's analysis) on CloudWatch data from `since` (when the step set its weight;
 * absent: one period back) to now. `path` names the config in errors; `scope` gets the parsed
 * config's scopeDimension and answers what to compare, or why nothing can be.
 */
export async function judgeAnalysis(
  cloudwatch: CloudWatchClient,
  raw: Readonly<Record<string, unknown>>,
  path: string,
  scope: (scopeDimension: string | undefined) => AnalysisScope | { readonly reason: string },
  window: { readonly since: number | undefined; readonly now: number },
): Promise<AnalysisVerdict> {
  const { value: config, problems } = parseStepAnalysis(raw);
  if (!config) throw new StageConfigError(`${path}: ${problems.join('; ')}`);
  const scoped = scope(config.scopeDimension);
  if ('reason' in scoped) return { passed: false, reason: scoped.reason };
  const start = window.since ?? window.now - config.periodSeconds * 1000;
  const end = Math.max(start + config.periodSeconds * 1000, window.now - config.metricsDelayMs);
  const withDefaults = config.metrics.map((m) => {
    const add = <Q extends { dimensions: Readonly<Record<string, string>> }>(q: Q): Q => ({ ...q, dimensions: { ...scoped.dimensions, ...q.dimensions } });
    return { ...m, query: 'numerator' in m.query ? { numerator: add(m.query.numerator), denominator: add(m.query.denominator) } : add(m.query) };
  });
  const observations = await fetchObservations(
    cloudwatch,
    withDefaults,
    { control: scoped.control, experiment: scoped.experiment },
    { start, end },
    { periodSeconds: config.periodSeconds, scopeDimension: config.scopeDimension ?? scoped.scopeDimension },
  );
  const result = judge(config.judge, observations);
  if (result.score >= config.thresholds.pass) return { passed: true, score: result.score };
  const failing = result.metrics.filter((m) => m.classification !== 'Pass').map((m) => `${m.name}: ${m.classification}`);
  return {
    passed: false,
    reason: `canary analysis scored ${Math.round(result.score * 10) / 10} (pass is ${config.thresholds.pass})${failing.length > 0 ? `; ${failing.join(', ')}` : ''}`,
  };
}

/** ALB's TargetGroup dimension value: `targetgroup/<name>/<id>` from the ARN. */
const targetGroupDimension = (arn: string) => arn.slice(arn.indexOf('targetgroup/'));

/** A deploy unit's step analysis: the old and the new server group (or their target groups). */
export async function judgeStepAnalysis(
  u: DeployUnitContext,
  state: DeployUnitState,
  raw: Readonly<Record<string, unknown>>,
  step: number,
): Promise<AnalysisVerdict> {
  const { clients } = await u.target();
  const pair = state.traffic?.canaries?.[0];
  return judgeAnalysis(
    clients.cloudwatch,
    raw,
    `clusters[${u.cluster.index}].trafficSteps[${step}].analysis`,
    (scopeDimension) => {
      if (scopeDimension === 'TargetGroup')
        return { control: targetGroupDimension(pair!.targetGroupArn), experiment: targetGroupDimension(pair!.canaryArn), scopeDimension };
      if (!state.source) return { reason: 'no earlier server group to compare the new one with' };
      return { control: state.source, experiment: state.serverGroup!, scopeDimension: u.cluster.provider === 'ecs' ? 'ServiceName' : 'AutoScalingGroupName' };
    },
    { since: state.shiftedAt, now: u.ctx.clock.now() },
  );
}
