/**
 * Weighted forwards on Application Load Balancer listeners, for progressive deploys (EC2 and ECS):
 *
 *   routes       the listener rules (and default actions) that forward to a cluster's target group
 *   canary TG    a target group of the new server group's own, created and tagged by Gennaker with
 *                the cluster target group's settings and health check
 *   weights      each route forwards [cluster TG: 100 - w, canary TG: w]
 *   restore      each route forwards to the cluster TG alone again
 *
 * Only routes whose forward goes to the cluster target group alone (or to it and its canary, after
 * a crash) are taken: a rule that also forwards to target groups Gennaker does not own is refused
 * by name, so a shift never changes traffic that is not the cluster's. Every write is skipped when
 * the route already forwards as asked, so each call converges when run again after a crash.
 */
import {
  CreateTargetGroupCommand,
  DeleteTargetGroupCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  ModifyListenerCommand,
  ModifyRuleCommand,
  type Action,
  type Rule,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { createHash } from 'node:crypto';
import { awsCall, awsCallOrMissing } from './aws-errors.js';
import type { CloudClients } from './clients.js';
import { InvalidRequestError, ResourceNotFoundError } from './errors.js';
import { TagKeys } from './tags.js';

/** One listener rule (or a listener's default action) that forwards to a cluster target group. */
export interface Route {
  readonly listenerArn: string;
  /** Absent: the listener's default action (changed with ModifyListener; ModifyRule refuses it). */
  readonly ruleArn?: string;
  /** The cluster target group it forwards to. */
  readonly targetGroupArn: string;
}

/** A cluster target group and the canary target group that stands beside it while traffic shifts. */
export interface CanaryPair {
  readonly targetGroupArn: string;
  readonly canaryArn: string;
}

/** Tag on a canary target group: the cluster target group it stands beside. */
const CANARY_OF_TAG = 'gennaker:canary-of';

const forwardTargets = (action: Action): string[] =>
  action.Type !== 'forward'
    ? []
    : action.ForwardConfig?.TargetGroups?.length
      ? action.ForwardConfig.TargetGroups.map((t) => t.TargetGroupArn ?? '')
      : action.TargetGroupArn
        ? [action.TargetGroupArn]
        : [];

async function describeTargetGroup(clients: CloudClients, arn: string): Promise<TargetGroup> {
  const response = await awsCall({ action: 'describe', resourceType: 'target group', resource: arn }, () =>
    clients.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] })),
  );
  const tg = response.TargetGroups?.[0];
  if (!tg) throw new ResourceNotFoundError('target group', arn);
  return tg;
}

async function rulesOf(clients: CloudClients, listenerArn: string): Promise<Rule[]> {
  const rules: Rule[] = [];
  let marker: string | undefined;
  do {
    const page = await awsCall({ action: 'describe rules of', resourceType: 'listener', resource: listenerArn }, () =>
      clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: listenerArn, ...(marker ? { Marker: marker } : {}) })),
    );
    rules.push(...(page.Rules ?? []));
    marker = page.NextMarker;
  } while (marker);
  return rules;
}

/** Listener ARN → its rules, for the load balancers the target groups belong to. */
async function listenerRules(clients: CloudClients, loadBalancerArns: readonly string[]): Promise<Map<string, Rule[]>> {
  const out = new Map<string, Rule[]>();
  for (const lb of [...new Set(loadBalancerArns)]) {
    const listeners = await awsCall({ action: 'describe listeners of', resourceType: 'load balancer', resource: lb }, () =>
      clients.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lb })),
    );
    for (const l of listeners.Listeners ?? []) if (l.ListenerArn) out.set(l.ListenerArn, await rulesOf(clients, l.ListenerArn));
  }
  return out;
}

/**
 * The routes that forward to the cluster's target groups. Fails naming the target group when none
 * does (a progressive deploy would move no traffic), and naming the rule when one also forwards to
 * target groups that are not the cluster's.
 */
export async function findRoutes(clients: CloudClients, targetGroupArns: readonly string[], canaries: readonly string[] = []): Promise<Route[]> {
  const groups = await Promise.all(targetGroupArns.map((arn) => describeTargetGroup(clients, arn)));
  const listeners = await listenerRules(
    clients,
    groups.flatMap((g) => g.LoadBalancerArns ?? []),
  );
  const routes: Route[] = [];
  for (const tg of groups) {
    const arn = tg.TargetGroupArn!;
    for (const [listenerArn, rules] of listeners) {
      for (const rule of rules) {
        const forward = (rule.Actions ?? []).find((a) => forwardTargets(a).includes(arn));
        if (!forward) continue;
        const foreign = forwardTargets(forward).filter((t) => t !== arn && !canaries.includes(t));
        const where = rule.IsDefault ? `the default action of listener ${listenerArn}` : `listener rule ${rule.RuleArn}`;
        if (foreign.length > 0) {
          throw new InvalidRequestError(
            `${where} forwards to ${tg.TargetGroupName} and to ${foreign.join(', ')}: progressive deploys shift only rules that forward to the cluster's target group alone`,
          );
        }
        routes.push({ listenerArn, ...(rule.IsDefault ? {} : { ruleArn: rule.RuleArn! }), targetGroupArn: arn });
      }
    }
    if (!routes.some((r) => r.targetGroupArn === arn)) {
      throw new InvalidRequestError(
        `target group ${tg.TargetGroupName}: no listener rule forwards to it, so a progressive deploy has no traffic to shift (add a listener rule or default action that forwards to it)`,
      );
    }
  }
  return routes;
}

/** The forward a route should have: the cluster target group alone, or weighted with its canary. */
function forwardAction(pair: CanaryPair | { readonly targetGroupArn: string }, canaryWeight?: number): Action {
  if (canaryWeight === undefined || !('canaryArn' in pair)) return { Type: 'forward', TargetGroupArn: pair.targetGroupArn };
  return {
    Type: 'forward',
    ForwardConfig: {
      TargetGroups: [
        { TargetGroupArn: pair.targetGroupArn, Weight: 100 - canaryWeight },
        { TargetGroupArn: pair.canaryArn, Weight: canaryWeight },
      ],
    },
  };
}

/** Pure: does this action already forward as `wanted` does? */
function sameForward(action: Action, wanted: Action): boolean {
  const weights = (a: Action) =>
    a.ForwardConfig?.TargetGroups?.length
      ? a.ForwardConfig.TargetGroups.filter((t) => (t.Weight ?? 1) > 0 || a.ForwardConfig!.TargetGroups!.length > 1)
          .map((t) => `${t.TargetGroupArn}=${t.Weight ?? 1}`)
          .sort()
          .join(',')
      : `${a.TargetGroupArn}=1`;
  const single = (a: Action) => (a.ForwardConfig?.TargetGroups?.length === 1 ? a.ForwardConfig.TargetGroups[0]!.TargetGroupArn : a.TargetGroupArn);
  if (!wanted.ForwardConfig) return (action.ForwardConfig?.TargetGroups?.length ?? 1) <= 1 && single(action) === wanted.TargetGroupArn;
  return weights(action) === weights(wanted);
}

async function currentActions(clients: CloudClients, route: Route): Promise<Action[]> {
  if (route.ruleArn) {
    const rules = await awsCall({ action: 'describe', resourceType: 'listener rule', resource: route.ruleArn }, () =>
      clients.elbv2.send(new DescribeRulesCommand({ RuleArns: [route.ruleArn!] })),
    );
    return rules.Rules?.[0]?.Actions ?? [];
  }
  const listeners = await awsCall({ action: 'describe', resourceType: 'listener', resource: route.listenerArn }, () =>
    clients.elbv2.send(new DescribeListenersCommand({ ListenerArns: [route.listenerArn] })),
  );
  return listeners.Listeners?.[0]?.DefaultActions ?? [];
}

/**
 * Sets every route's forward to `canaryWeight` percent on the canary target groups (undefined:
 * back to the cluster target group alone). Other actions of a rule (authentication) are kept.
 * Returns the number of routes written.
 */
export async function setRouteWeights(clients: CloudClients, routes: readonly Route[], pairs: readonly CanaryPair[], canaryWeight?: number): Promise<number> {
  let written = 0;
  for (const route of routes) {
    const pair = pairs.find((p) => p.targetGroupArn === route.targetGroupArn) ?? { targetGroupArn: route.targetGroupArn };
    const wanted = forwardAction(pair, canaryWeight);
    const actions = await currentActions(clients, route);
    const index = actions.findIndex((a) => a.Type === 'forward');
    if (index >= 0 && sameForward(actions[index]!, wanted)) continue;
    const next = actions.map((a, i) => (i === index ? { ...wanted, ...(a.Order !== undefined ? { Order: a.Order } : {}) } : a));
    if (index < 0) next.push(wanted);
    const context = {
      action: `set ${canaryWeight ?? 0}% canary weight on`,
      resourceType: route.ruleArn ? 'listener rule' : 'listener',
      resource: route.ruleArn ?? route.listenerArn,
    };
    await awsCall(context, () =>
      route.ruleArn
        ? clients.elbv2.send(new ModifyRuleCommand({ RuleArn: route.ruleArn, Actions: next }))
        : clients.elbv2.send(new ModifyListenerCommand({ ListenerArn: route.listenerArn, DefaultActions: next })),
    );
    written += 1;
  }
  return written;
}

/** Every canary target group's name starts so (IAM lets the platform create and delete only these). */
export const CANARY_NAME_PREFIX = 'gk-canary-';

/** The canary target group's name: derived from the deploy and the cluster target group, so a re-run finds it (32 characters at most). */
function canaryName(deployKey: string, targetGroupArn: string): string {
  return `${CANARY_NAME_PREFIX}${createHash('sha256').update(`${deployKey}|${targetGroupArn}`).digest('hex').slice(0, 22)}`;
}

async function findByName(clients: CloudClients, name: string): Promise<TargetGroup | undefined> {
  const response = await awsCallOrMissing({ action: 'describe', resourceType: 'target group', resource: name }, () =>
    clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: [name] })),
  );
  return response?.TargetGroups?.[0];
}

/** The canary target group this deploy made beside a cluster target group, if it exists. */
export async function findCanaryTargetGroup(clients: CloudClients, deployKey: string, targetGroupArn: string): Promise<string | undefined> {
  return (await findByName(clients, canaryName(deployKey, targetGroupArn)))?.TargetGroupArn;
}

/**
 * The canary target group beside a cluster target group: found by its name, or created with the
 * cluster target group's protocol, port, VPC, target type and health check, tagged for the
 * application (IAM lets Gennaker change only what carries that tag).
 */
export async function ensureCanaryTargetGroup(
  clients: CloudClients,
  targetGroupArn: string,
  spec: { readonly deployKey: string; readonly application: string; readonly cluster: string },
): Promise<CanaryPair> {
  const name = canaryName(spec.deployKey, targetGroupArn);
  const existing = await findByName(clients, name);
  if (existing) return { targetGroupArn, canaryArn: existing.TargetGroupArn! };
  const tg = await describeTargetGroup(clients, targetGroupArn);
  const created = await awsCall({ action: 'create', resourceType: 'target group', resource: name }, () =>
    clients.elbv2.send(
      new CreateTargetGroupCommand({
        Name: name,
        ...(tg.Protocol ? { Protocol: tg.Protocol } : {}),
        ...(tg.ProtocolVersion ? { ProtocolVersion: tg.ProtocolVersion } : {}),
        ...(tg.Port !== undefined ? { Port: tg.Port } : {}),
        ...(tg.VpcId ? { VpcId: tg.VpcId } : {}),
        ...(tg.TargetType ? { TargetType: tg.TargetType } : {}),
        ...(tg.IpAddressType ? { IpAddressType: tg.IpAddressType } : {}),
        ...(tg.HealthCheckProtocol ? { HealthCheckProtocol: tg.HealthCheckProtocol } : {}),
        ...(tg.HealthCheckPort ? { HealthCheckPort: tg.HealthCheckPort } : {}),
        ...(tg.HealthCheckEnabled !== undefined ? { HealthCheckEnabled: tg.HealthCheckEnabled } : {}),
        ...(tg.HealthCheckPath ? { HealthCheckPath: tg.HealthCheckPath } : {}),
        ...(tg.HealthCheckIntervalSeconds ? { HealthCheckIntervalSeconds: tg.HealthCheckIntervalSeconds } : {}),
        ...(tg.HealthCheckTimeoutSeconds ? { HealthCheckTimeoutSeconds: tg.HealthCheckTimeoutSeconds } : {}),
        ...(tg.HealthyThresholdCount ? { HealthyThresholdCount: tg.HealthyThresholdCount } : {}),
        ...(tg.UnhealthyThresholdCount ? { UnhealthyThresholdCount: tg.UnhealthyThresholdCount } : {}),
        ...(tg.Matcher ? { Matcher: tg.Matcher } : {}),
        Tags: [
          { Key: TagKeys.application, Value: spec.application },
          { Key: TagKeys.cluster, Value: spec.cluster },
          { Key: TagKeys.deployKey, Value: spec.deployKey },
          { Key: CANARY_OF_TAG, Value: targetGroupArn },
        ],
      }),
    ),
  );
  return { targetGroupArn, canaryArn: created.TargetGroups![0]!.TargetGroupArn! };
}

/** Deletes a canary target group (no route may forward to it any more); gone already is fine. */
export async function deleteCanaryTargetGroup(clients: CloudClients, canaryArn: string): Promise<void> {
  await awsCallOrMissing({ action: 'delete', resourceType: 'target group', resource: canaryArn }, () =>
    clients.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: canaryArn })),
  );
}

/** Pure: the percent of a forward's traffic that goes to a target group (0 when it is not in it). */
export function forwardShare(action: Action, targetGroupArn: string): number {
  const weighted = action.ForwardConfig?.TargetGroups ?? [];
  if (weighted.length === 0) return action.TargetGroupArn === targetGroupArn ? 100 : 0;
  const total = weighted.reduce((sum, t) => sum + (t.Weight ?? 1), 0);
  const mine = weighted.filter((t) => t.TargetGroupArn === targetGroupArn).reduce((sum, t) => sum + (t.Weight ?? 1), 0);
  return total === 0 ? 0 : Math.round((100 * mine) / total);
}

/**
 * For the cluster view: the percent of its route's traffic each target group gets now (weighted
 * forwards while a progressive deploy shifts). The route read is the first that forwards to it:
 * rules by priority, each listener's default action last. A target group that no listener forwards
 * to, or that is gone, is absent from the answer. Reads only.
 */
export async function targetGroupShares(clients: CloudClients, targetGroupArns: readonly string[]): Promise<Map<string, number>> {
  const shares = new Map<string, number>();
  const groups: TargetGroup[] = [];
  for (const arn of new Set(targetGroupArns)) {
    const found = await awsCallOrMissing({ action: 'describe', resourceType: 'target group', resource: arn }, () =>
      clients.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] })),
    );
    if (found?.TargetGroups?.[0]) groups.push(found.TargetGroups[0]);
  }
  const listeners = await listenerRules(
    clients,
    groups.flatMap((g) => g.LoadBalancerArns ?? []),
  );
  const ordered = [...listeners.values()].flatMap((rules) =>
    [...rules].sort((a, b) => (a.IsDefault ? 1 : 0) - (b.IsDefault ? 1 : 0) || Number(a.Priority) - Number(b.Priority)),
  );
  for (const tg of groups) {
    const arn = tg.TargetGroupArn!;
    const forward = ordered.flatMap((r) => r.Actions ?? []).find((a) => forwardTargets(a).includes(arn));
    if (forward) shares.set(arn, forwardShare(forward, arn));
  }
  return shares;
}
