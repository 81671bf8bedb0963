/**
 * Cluster and server group names, by Netflix Frigga's rules (what Spinnaker uses), so names made
 * by Gennaker and by Spinnaker read the same way:
 *
 *   cluster       app[-stack[-detail]]      ("app--detail" when there is no stack)
 *   server group  <cluster>-vNNN            (built as v%03d; parsed from -v followed by 3 to 6 digits)
 *
 * Parsing is as lenient as Frigga (names made elsewhere must still parse); building is strict.
 * Pure: no AWS, no clock.
 */
import { InvalidNameError, SequenceExhaustedError } from './errors.js';

export interface ClusterName {
  readonly app: string;
  readonly stack?: string;
  readonly detail?: string;
}

export interface ParsedCluster extends ClusterName {
  /** The whole cluster name, e.g. "app-prod-canary". */
  readonly cluster: string;
}

export interface ParsedServerGroup extends ParsedCluster {
  /** The whole server group name, e.g. "app-prod-canary-v042". */
  readonly name: string;
  readonly sequence: number;
}

/** Sequences wrap around after v999, as in Spinnaker. */
const SEQUENCE_LIMIT = 1000;
/** A server group name must fit in a launch template name, which AWS limits to 128 characters. */
const MAX_SERVER_GROUP_NAME_LENGTH = 128;

// What Gennaker builds.
const APP_CHARS = /^[a-zA-Z0-9]+$/;
const STACK_CHARS = /^[a-zA-Z0-9_]+$/;
const DETAIL_CHARS = /^[a-zA-Z0-9._~^-]+$/;

// What Frigga parses (NAME_CHARS and NAME_HYPHEN_CHARS).
const FRIGGA_NAME = 'a-zA-Z0-9._';
const FRIGGA_HYPHEN = '\\-a-zA-Z0-9._~^';
const PUSH_PATTERN = new RegExp(`^([${FRIGGA_HYPHEN}]*)-v([0-9]{3,6})$`);
const CLUSTER_PATTERN = new RegExp(`^([${FRIGGA_NAME}]+)(?:-([${FRIGGA_NAME}]*)(?:-([${FRIGGA_HYPHEN}]*?))?)?$`);

// Reserved tokens inside stack and detail: a push version ("v001") would be read as the sequence,
// and a labeled variable ("c0us", "d0prod", "h0large", any letter + "0" + letters/digits) would be
// read by Frigga as countries / devPhase / hardware / ... instead of as part of the name. Newer
// Frigga reserves only c d h p r u w z; older versions any letter, so any letter is refused here.
const PUSH_TOKEN = /^v[0-9]{3,6}$/;
const LABELED_VARIABLE_TOKEN = /^[a-zA-Z]0[a-zA-Z0-9]+/;

function reservedTokenProblem(part: 'stack' | 'detail', value: string): string | undefined {
  for (const token of value.split('-')) {
    if (PUSH_TOKEN.test(token)) {
      return `${part} "${value}" contains "${token}", which is reserved for server group versions (-vNNN)`;
    }
    if (LABELED_VARIABLE_TOKEN.test(token)) {
      return (
        `${part} "${value}" contains "${token}", which Frigga reads as a labeled variable ` +
        `(-c0countries, -d0devPhase, -h0hardware, ...); start that part with something other than a letter followed by 0`
      );
    }
  }
  return undefined;
}

/** Every problem with the parts of a cluster name; empty when it can be built. */
export function clusterNameProblems(parts: ClusterName): string[] {
  const problems: string[] = [];
  const { app, stack, detail } = parts;
  if (!app) problems.push('app is required');
  else if (!APP_CHARS.test(app)) problems.push(`app "${app}" may only contain letters and digits`);
  if (stack) {
    if (!STACK_CHARS.test(stack)) problems.push(`stack "${stack}" may only contain letters, digits and _`);
    else {
      const reserved = reservedTokenProblem('stack', stack);
      if (reserved) problems.push(reserved);
    }
  }
  if (detail) {
    if (!DETAIL_CHARS.test(detail)) {
      problems.push(`detail "${detail}" may only contain letters, digits and _ . ~ ^ -`);
    } else {
      const reserved = reservedTokenProblem('detail', detail);
      if (reserved) problems.push(reserved);
    }
  }
  return problems;
}

/** app, app-stack, app-stack-detail or app--detail. Throws InvalidNameError naming every problem. */
export function buildClusterName(parts: ClusterName): string {
  const problems = clusterNameProblems(parts);
  if (problems.length > 0) {
    throw new InvalidNameError(`invalid cluster name parts ${JSON.stringify(parts)}: ${problems.join('; ')}`);
  }
  const { app, stack, detail } = parts;
  if (detail) return `${app}-${stack ?? ''}-${detail}`;
  if (stack) return `${app}-${stack}`;
  return app;
}

/** Splits a cluster name as Frigga does; undefined when it is not one. */
export function tryParseClusterName(cluster: string): ParsedCluster | undefined {
  const match = CLUSTER_PATTERN.exec(cluster);
  if (!match) return undefined;
  const [, app, stack, detail] = match;
  if (!app) return undefined;
  return { cluster, app, ...(stack ? { stack } : {}), ...(detail ? { detail } : {}) };
}

export function parseClusterName(cluster: string): ParsedCluster {
  const parsed = tryParseClusterName(cluster);
  if (!parsed) {
    throw new InvalidNameError(`"${cluster}" is not a cluster name: expected app[-stack[-detail]] using letters, digits and . _ (detail also ~ ^ -)`);
  }
  return parsed;
}

/** Splits a server group name (<cluster>-vNNN); undefined when it is not one. */
export function tryParseServerGroupName(name: string): ParsedServerGroup | undefined {
  const push = PUSH_PATTERN.exec(name);
  if (!push) return undefined;
  const [, cluster, digits] = push;
  if (cluster === undefined || digits === undefined) return undefined;
  const parsed = tryParseClusterName(cluster);
  if (!parsed) return undefined;
  return { ...parsed, name, sequence: Number.parseInt(digits, 10) };
}

export function parseServerGroupName(name: string): ParsedServerGroup {
  const parsed = tryParseServerGroupName(name);
  if (!parsed) {
    throw new InvalidNameError(`"${name}" is not a server group name: expected <cluster>-vNNN, e.g. app-prod-v001`);
  }
  return parsed;
}

/** <cluster>-vNNN with NNN zero-padded to three digits. */
export function buildServerGroupName(cluster: string | ClusterName, sequence: number): string {
  const clusterName = typeof cluster === 'string' ? parseClusterName(cluster).cluster : buildClusterName(cluster);
  if (!Number.isInteger(sequence) || sequence < 0 || sequence >= SEQUENCE_LIMIT) {
    throw new InvalidNameError(`server group sequence ${sequence} for cluster ${clusterName} must be a whole number from 0 to 999`);
  }
  const name = `${clusterName}-v${String(sequence).padStart(3, '0')}`;
  if (name.length > MAX_SERVER_GROUP_NAME_LENGTH) {
    throw new InvalidNameError(`server group name ${name} is ${name.length} characters long; the limit is ${MAX_SERVER_GROUP_NAME_LENGTH}`);
  }
  return name;
}

export interface NextSequenceOptions {
  /**
   * Sequence of the most recently created server group (Spinnaker counts on from it).
   * @default the highest taken sequence
   */
  readonly latest?: number;
  /** Named in the error when every sequence is taken. */
  readonly cluster?: string;
}

/** The next free sequence: (latest + 1) mod 1000, skipping taken ones. */
export function nextSequence(taken: Iterable<number>, options: NextSequenceOptions = {}): number {
  const used = new Set<number>();
  for (const sequence of taken) used.add(sequence % SEQUENCE_LIMIT);
  const start = options.latest ?? (used.size > 0 ? Math.max(...used) : -1);
  for (let step = 1; step <= SEQUENCE_LIMIT; step += 1) {
    const candidate = (((start + step) % SEQUENCE_LIMIT) + SEQUENCE_LIMIT) % SEQUENCE_LIMIT;
    if (!used.has(candidate)) return candidate;
  }
  const where = options.cluster ? ` of cluster ${options.cluster}` : '';
  throw new SequenceExhaustedError(`all ${SEQUENCE_LIMIT} server group sequences (v000-v999)${where} are taken; destroy old server groups first`);
}
