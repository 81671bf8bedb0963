/** An Application Load Balancer whose listener forwards to a cluster's target group, and the listener's routes as a plain value. */
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  type Action,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { CloudClients } from '../../../functions/core/cloud/index.js';
import type { Network } from './fixtures.js';

/** An ALB with a listener: its default action and a `/app/*` rule both forward to `targetGroupArn` (unless `rules: false`). */
export async function createListener(
  clients: CloudClients,
  network: Network,
  targetGroupArn: string,
  options: { rules?: boolean; defaultTargetGroupArn?: string } = {},
): Promise<{ listenerArn: string }> {
  const lb = await clients.elbv2.send(new CreateLoadBalancerCommand({ Name: 'app-alb', Subnets: [...network.subnetIds], Type: 'application' }));
  const listener = await clients.elbv2.send(
    new CreateListenerCommand({
      LoadBalancerArn: lb.LoadBalancers![0]!.LoadBalancerArn!,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: options.defaultTargetGroupArn ?? targetGroupArn }],
    }),
  );
  const listenerArn = listener.Listeners![0]!.ListenerArn!;
  if (options.rules !== false) {
    await clients.elbv2.send(
      new CreateRuleCommand({
        ListenerArn: listenerArn,
        Priority: 10,
        Conditions: [{ Field: 'path-pattern', Values: ['/app/*'] }],
        Actions: [{ Type: 'forward', TargetGroupArn: targetGroupArn }],
      }),
    );
  }
  return { listenerArn };
}

const nameOf = (arn: string) => /:targetgroup\/([^/]+)\//.exec(arn)?.[1] ?? arn;

function forwardOf(actions: readonly Action[] | undefined): string {
  const forward = actions?.find((a) => a.Type === 'forward');
  if (!forward) return 'none';
  const groups = forward.ForwardConfig?.TargetGroups;
  if (!groups || groups.length <= 1) return nameOf(groups?.[0]?.TargetGroupArn ?? forward.TargetGroupArn ?? '');
  return groups.map((g) => `${nameOf(g.TargetGroupArn ?? '').replace(/^gk-canary-.*/, 'canary')}=${g.Weight}`).join(' ');
}

/** Every listener's routes ("default" and rules by priority) as what they forward to, and the target groups that exist. */
export async function trafficWorld(clients: CloudClients): Promise<{ routes: Record<string, string>; targetGroups: string[] }> {
  const routes: Record<string, string> = {};
  for (const lb of (await clients.elbv2.send(new DescribeLoadBalancersCommand({}))).LoadBalancers ?? []) {
    for (const l of (await clients.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn }))).Listeners ?? []) {
      for (const r of (await clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: l.ListenerArn }))).Rules ?? []) {
        routes[r.IsDefault ? 'default' : `rule ${r.Priority}`] = forwardOf(r.IsDefault ? l.DefaultActions : r.Actions);
      }
    }
  }
  const targetGroups = ((await clients.elbv2.send(new DescribeTargetGroupsCommand({}))).TargetGroups ?? [])
    .map((t) => t.TargetGroupName!.replace(/^gk-canary-.*/, 'gk-canary'))
    .sort();
  return { routes, targetGroups };
}
