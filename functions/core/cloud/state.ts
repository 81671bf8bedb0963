/**
 * What a server group's AWS state means in Spinnaker's terms: enabled or disabled, and which
 * instances are up. Pure: the inputs are plain values read from AWS elsewhere.
 */

/** Processes disable suspends and enable resumes (Spinnaker's set). */
const TRAFFIC_PROCESSES = ['Launch', 'Terminate', 'AddToLoadBalancer'] as const;

export interface EnabledInput {
  readonly suspendedProcesses: readonly string[];
  /** Target groups the Auto Scaling group is attached to now. */
  readonly attachedTargetGroups: readonly string[];
  /** Target groups recorded in its tags (where enable puts it back). */
  readonly recordedTargetGroups: readonly string[];
}

export interface EnabledState {
  readonly enabled: boolean;
  /** Why it counts as disabled. */
  readonly reason?: string;
}

/** Disabled = AddToLoadBalancer suspended, or detached from (some of) its target groups. */
export function deriveEnabled(input: EnabledInput): EnabledState {
  if (input.suspendedProcesses.includes('AddToLoadBalancer')) {
    return { enabled: false, reason: 'AddToLoadBalancer is suspended' };
  }
  const detached = input.recordedTargetGroups.filter((arn) => !input.attachedTargetGroups.includes(arn));
  if (detached.length > 0) {
    return { enabled: false, reason: `detached from target group ${detached.map(targetGroupName).join(', ')}` };
  }
  return { enabled: true };
}

/** What enable / disable still has to do (empty lists: nothing, the call is a no-op). */
export interface TrafficPlan {
  readonly suspend: readonly string[];
  readonly resume: readonly string[];
  readonly attach: readonly string[];
  readonly detach: readonly string[];
  /** Target groups to record in tags before detaching them (so enable can find them again). */
  readonly record: readonly string[];
}

export function planEnable(input: EnabledInput): TrafficPlan {
  const wanted = [...new Set([...input.recordedTargetGroups, ...input.attachedTargetGroups])];
  return {
    suspend: [],
    resume: TRAFFIC_PROCESSES.filter((p) => input.suspendedProcesses.includes(p)),
    attach: wanted.filter((arn) => !input.attachedTargetGroups.includes(arn)),
    detach: [],
    record: wanted.filter((arn) => !input.recordedTargetGroups.includes(arn)),
  };
}

export function planDisable(input: EnabledInput): TrafficPlan {
  return {
    suspend: TRAFFIC_PROCESSES.filter((p) => !input.suspendedProcesses.includes(p)),
    resume: [],
    attach: [],
    detach: [...input.attachedTargetGroups],
    record: input.attachedTargetGroups.filter((arn) => !input.recordedTargetGroups.includes(arn)),
  };
}

export function isNoop(plan: TrafficPlan): boolean {
  return [plan.suspend, plan.resume, plan.attach, plan.detach, plan.record].every((list) => list.length === 0);
}

/** "app-tg" from arn:aws:elasticloadbalancing:...:targetgroup/app-tg/0123456789abcdef. */
export function targetGroupName(arn: string): string {
  const match = /:targetgroup\/([^/]+)\//.exec(arn);
  return match?.[1] ?? arn;
}

export interface TargetHealthView {
  readonly targetGroupArn: string;
  /** initial | healthy | unhealthy | unused | draining | unavailable | unhealthy.draining | not-registered */
  readonly state: string;
  readonly reason?: string;
  readonly description?: string;
}

export interface InstanceView {
  readonly instanceId: string;
  readonly availabilityZone?: string;
  /** Auto Scaling lifecycle state: Pending, InService, Terminating, Standby, ... */
  readonly lifecycleState: string;
  /** Auto Scaling health: Healthy or Unhealthy. */
  readonly healthStatus: string;
  /** One entry per target group the group is attached to. */
  readonly targetHealth: readonly TargetHealthView[];
}

/** Why an instance is not up; empty when it is (InService, Healthy, healthy in every target group). */
export function instanceProblems(instance: InstanceView): string[] {
  const problems: string[] = [];
  if (instance.lifecycleState !== 'InService') problems.push(`lifecycle state ${instance.lifecycleState}`);
  if (instance.healthStatus !== 'Healthy') problems.push(`Auto Scaling health ${instance.healthStatus}`);
  for (const th of instance.targetHealth) {
    if (th.state === 'healthy') continue;
    const why = [th.reason, th.description].filter(Boolean).join(': ');
    problems.push(`target group ${targetGroupName(th.targetGroupArn)} ${th.state}${why ? ` (${why})` : ''}`);
  }
  return problems;
}

export interface UnhealthyInstance {
  readonly instanceId: string;
  readonly reason: string;
}

export interface UpCheck {
  /** At least `expected` instances are up. */
  readonly up: boolean;
  readonly expected: number;
  readonly upCount: number;
  readonly unhealthy: readonly UnhealthyInstance[];
}

export function evaluateUp(instances: readonly InstanceView[], expected: number): UpCheck {
  const unhealthy: UnhealthyInstance[] = [];
  let upCount = 0;
  for (const instance of instances) {
    const problems = instanceProblems(instance);
    if (problems.length === 0) upCount += 1;
    else unhealthy.push({ instanceId: instance.instanceId, reason: problems.join('; ') });
  }
  return { up: upCount >= expected, expected, upCount, unhealthy };
}

/** targetGroupArn → instanceId → health, as read from DescribeTargetHealth. */
export type TargetHealthIndex = ReadonlyMap<string, ReadonlyMap<string, Omit<TargetHealthView, 'targetGroupArn'>>>;

/** The target health of one instance in each attached target group ("not-registered" when absent). */
export function targetHealthOf(instanceId: string, attached: readonly string[], index: TargetHealthIndex): TargetHealthView[] {
  return attached.map((arn) => {
    const health = index.get(arn)?.get(instanceId);
    return health ? { targetGroupArn: arn, ...health } : { targetGroupArn: arn, state: 'not-registered', reason: 'Target.NotRegistered' };
  });
}
