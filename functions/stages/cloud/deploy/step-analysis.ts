/**
 * A progressive step's `analysis`: the canary judge (functions/stages/canary) run once, when the
 * step's hold ends, on the old server group (control) and the new one (experiment) over the time
 * the step held its weight. Scoped by server group name (AutoScalingGroupName on EC2, ServiceName
 * on ECS, or the config's scopeDimension), or with `scopeDimension: TargetGroup` by the cluster's and
 * the canary target group (ALB metrics: only the new group serves from the canary).
 */
import { fetchObservations } from '../../canary/metrics.js';
import { parseStepAnalysis } from '../../canary/config.js';
import { judge } from '../../canary/judge/index.js';
import { StageConfigError } from '../../../core/stage-api.js';
import type { DeployUnitContext, DeployUnitState } from './state.js';

/** ALB's TargetGroup dimension value: `targetgroup/<name>/<id>` from the ARN. */
const targetGroupDimension = (arn: string) => arn.slice(arn.indexOf('targetgroup/'));

export async function judgeStepAnalysis(
  u: DeployUnitContext,
  state: DeployUnitState,
  raw: Readonly<Record<string, unknown>>,
  step: number,
): Promise<{ passed: true; score: number } | { passed: false; reason: string }> {
  const { value: config, problems } = parseStepAnalysis(raw);
  if (!config) throw new StageConfigError(`clusters[${u.cluster.index}].trafficSteps[${step}].analysis: ${problems.join('; ')}`);
  const byTargetGroup = config.scopeDimension === 'TargetGroup';
  const pair = state.traffic?.canaries?.[0];
  if (!byTargetGroup && !state.source) return { passed: false, reason: 'no earlier server group to compare the new one with' };
  const groups = byTargetGroup
    ? { control: targetGroupDimension(pair!.targetGroupArn), experiment: targetGroupDimension(pair!.canaryArn) }
    : { control: state.source!, experiment: state.serverGroup! };
  const scopeDimension = config.scopeDimension ?? (u.cluster.provider === 'ecs' ? 'ServiceName' : 'AutoScalingGroupName');
  const now = u.ctx.clock.now();
  const start = state.shiftedAt ?? now - config.periodSeconds * 1000;
  const end = Math.max(start + config.periodSeconds * 1000, now - config.metricsDelayMs);
  const { clients } = await u.target();
  const observations = await fetchObservations(
    clients.cloudwatch,
    config.metrics,
    groups,
    { start, end },
    { periodSeconds: config.periodSeconds, scopeDimension },
  );
  const result = judge(config.judge, observations);
  if (result.score >= config.thresholds.pass) return { passed: true, score: result.score };
  const failing = result.metrics.filter((m) => m.classification !== 'Pass').map((m) => `${m.name}: ${m.classification}`);
  return {
    passed: false,
    reason: `canary analysis scored ${Math.round(result.score * 10) / 10} (pass is ${config.thresholds.pass})${failing.length > 0 ? `; ${failing.join(', ')}` : ''}`,
  };
}
