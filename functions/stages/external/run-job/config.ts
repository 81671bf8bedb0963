/**
 * The runJob stage's settings: one ECS task (Fargate by default) from an existing task
 * definition, with optional overrides. Pure.
 */
const LAUNCH_TYPES = ['FARGATE', 'EC2'] as const;

export interface RunJobConfig {
  readonly account?: string;
  readonly region?: string;
  /** ECS cluster name or ARN. */
  readonly cluster: string;
  /** family, family:revision or ARN. */
  readonly taskDefinition: string;
  readonly launchType: (typeof LAUNCH_TYPES)[number];
  readonly platformVersion?: string;
  readonly subnets: readonly string[];
  readonly securityGroups: readonly string[];
  readonly assignPublicIp: boolean;
  /** The container whose exit code decides; default: every essential container must exit 0. */
  readonly container?: string;
  readonly command?: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  readonly cpu?: string;
  readonly memory?: string;
  readonly tags: Readonly<Record<string, string>>;
}

export function parseRunJobConfig(raw: Readonly<Record<string, unknown>>): { value?: RunJobConfig; problems: string[] } {
  const problems: string[] = [];
  const text = (field: string, required = false): string | undefined => {
    const v = raw[field];
    if (v === undefined || v === null || v === '') {
      if (required) problems.push(`${field}: required`);
      return undefined;
    }
    if (typeof v === 'number') return String(v);
    if (typeof v !== 'string') {
      problems.push(`${field}: must be a string`);
      return undefined;
    }
    return v.trim();
  };
  const list = (field: string): string[] => {
    const v = raw[field];
    if (v === undefined || v === null) return [];
    const items =
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : v;
    if (!Array.isArray(items) || !items.every((i) => typeof i === 'string')) {
      problems.push(`${field}: must be a list of strings`);
      return [];
    }
    return items;
  };
  const record = (field: string): Record<string, string> => {
    const v = raw[field];
    if (v === undefined || v === null) return {};
    if (typeof v !== 'object' || Array.isArray(v)) {
      problems.push(`${field}: must be an object of names to values`);
      return {};
    }
    const out: Record<string, string> = {};
    for (const [k, value] of Object.entries(v)) {
      if (['string', 'number', 'boolean'].includes(typeof value)) out[k] = String(value);
      else problems.push(`${field}.${k}: must be a text, number or boolean`);
    }
    return out;
  };

  const account = text('account') ?? text('credentials');
  const region = text('region');
  const cluster = text('cluster', true);
  const taskDefinition = text('taskDefinition', true);
  const launchType = (text('launchType') ?? 'FARGATE').toUpperCase();
  if (!(LAUNCH_TYPES as readonly string[]).includes(launchType)) problems.push(`launchType: must be one of ${LAUNCH_TYPES.join(', ')}`);
  const platformVersion = text('platformVersion');
  const subnets = list('subnets');
  const securityGroups = list('securityGroups');
  if (launchType === 'FARGATE' && subnets.length === 0) problems.push('subnets: required for Fargate tasks (awsvpc networking)');
  const assignPublicIp = raw.assignPublicIp === true || raw.assignPublicIp === 'true';
  const container = text('container');
  let command: string[] | undefined;
  if (raw.command !== undefined && raw.command !== null) {
    if (typeof raw.command === 'string') command = ['sh', '-c', raw.command];
    else if (Array.isArray(raw.command) && raw.command.every((c) => typeof c === 'string')) command = raw.command;
    else problems.push('command: must be a string (run with sh -c) or a list of strings');
  }
  if ((command || raw.environment !== undefined) && !container) problems.push('container: required with command or environment (the container to override)');
  const environment = record('environment');
  const cpu = text('cpu');
  const memory = text('memory');
  const tags = record('tags');

  if (problems.length > 0 || !cluster || !taskDefinition) return { problems };
  return {
    value: {
      ...(account ? { account } : {}),
      ...(region ? { region } : {}),
      cluster,
      taskDefinition,
      launchType: launchType as RunJobConfig['launchType'],
      ...(platformVersion ? { platformVersion } : {}),
      subnets,
      securityGroups,
      assignPublicIp,
      ...(container ? { container } : {}),
      ...(command ? { command } : {}),
      environment,
      ...(cpu ? { cpu } : {}),
      ...(memory ? { memory } : {}),
      tags,
    },
    problems,
  };
}
