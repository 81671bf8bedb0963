/**
 * Resolves what a server group refers to (subnets, security groups, target groups, key pair) before
 * anything is created, so an unknown one is a clear error and nothing is left behind. Read-only.
 */
import { DescribeKeyPairsCommand, DescribeSecurityGroupsCommand, DescribeSubnetsCommand, type Filter } from '@aws-sdk/client-ec2';
import { DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { awsCall, awsCallOrMissing } from './aws-errors.js';
import type { CloudClients } from './clients.js';
import { AmbiguousResourceError, InvalidRequestError, ResourceNotFoundError } from './errors.js';

export interface SubnetRef {
  readonly id: string;
  readonly availabilityZone: string;
  readonly vpcId: string;
}

export interface SubnetSelector {
  /** Subnet ids (`subnet-...`). */
  readonly subnetIds?: readonly string[];
  /**
   * Subnets tagged `gennaker:subnet-type` with this value, or (Spinnaker's convention) tagged
   * `immutable_metadata` with JSON whose `purpose` is this value.
   */
  readonly subnetType?: string;
  /** Restricts subnetType to one VPC. */
  readonly vpcId?: string;
}

export const SUBNET_TYPE_TAG = 'gennaker:subnet-type';
const SPINNAKER_SUBNET_TAG = 'immutable_metadata';

export interface TargetGroupRef {
  readonly arn: string;
  readonly name: string;
  readonly vpcId?: string;
}

function missingError(resourceType: string, missing: readonly string[], region: string, hint = ''): ResourceNotFoundError {
  const list = missing.join(', ');
  return new ResourceNotFoundError(resourceType, list, `${resourceType} not found in ${region}: ${list}${hint}`);
}

async function describeSubnets(clients: CloudClients, filters: Filter[]): Promise<SubnetRef[]> {
  const response = await awsCall({ action: 'describe', resourceType: 'subnets', resource: JSON.stringify(filters) }, () =>
    clients.ec2.send(new DescribeSubnetsCommand({ Filters: filters })),
  );
  return (response.Subnets ?? []).map((s) => ({
    id: s.SubnetId ?? '',
    availabilityZone: s.AvailabilityZone ?? '',
    vpcId: s.VpcId ?? '',
  }));
}

function spinnakerPurpose(tags: readonly { Key?: string; Value?: string }[] | undefined): string | undefined {
  const raw = tags?.find((t) => t.Key === SPINNAKER_SUBNET_TAG)?.Value;
  if (!raw) return undefined;
  try {
    const purpose = (JSON.parse(raw) as { purpose?: unknown }).purpose;
    return typeof purpose === 'string' ? purpose : undefined;
  } catch {
    return undefined;
  }
}

async function subnetsOfType(clients: CloudClients, subnetType: string, vpcId?: string): Promise<SubnetRef[]> {
  const vpcFilter: Filter[] = vpcId ? [{ Name: 'vpc-id', Values: [vpcId] }] : [];
  const ours = await describeSubnets(clients, [{ Name: `tag:${SUBNET_TYPE_TAG}`, Values: [subnetType] }, ...vpcFilter]);
  if (ours.length > 0) return ours;
  const response = await awsCall({ action: 'describe', resourceType: 'subnets', resource: `of type ${subnetType}` }, () =>
    clients.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'tag-key', Values: [SPINNAKER_SUBNET_TAG] }, ...vpcFilter] })),
  );
  return (response.Subnets ?? [])
    .filter((s) => spinnakerPurpose(s.Tags) === subnetType)
    .map((s) => ({ id: s.SubnetId ?? '', availabilityZone: s.AvailabilityZone ?? '', vpcId: s.VpcId ?? '' }));
}

/** The subnets to launch into, all in one VPC. */
export async function resolveSubnets(clients: CloudClients, selector: SubnetSelector): Promise<SubnetRef[]> {
  let subnets: SubnetRef[];
  if (selector.subnetIds && selector.subnetIds.length > 0) {
    const ids = [...new Set(selector.subnetIds)];
    subnets = await describeSubnets(clients, [{ Name: 'subnet-id', Values: ids }]);
    const missing = ids.filter((id) => !subnets.some((s) => s.id === id));
    if (missing.length > 0) throw missingError('subnet', missing, clients.region);
    subnets = ids.map((id) => subnets.find((s) => s.id === id)!);
  } else if (selector.subnetType) {
    subnets = await subnetsOfType(clients, selector.subnetType, selector.vpcId);
    if (subnets.length === 0) {
      throw missingError(
        'subnet',
        [`of type "${selector.subnetType}"`],
        clients.region,
        ` (tag subnets ${SUBNET_TYPE_TAG}=${selector.subnetType}${selector.vpcId ? ` in ${selector.vpcId}` : ''})`,
      );
    }
  } else {
    throw new InvalidRequestError('no subnets: give subnetIds or subnetType');
  }
  const vpcs = [...new Set(subnets.map((s) => s.vpcId))];
  if (vpcs.length > 1) {
    throw new InvalidRequestError(`subnets ${subnets.map((s) => s.id).join(', ')} are in ${vpcs.length} VPCs (${vpcs.join(', ')}); a server group needs one`);
  }
  return subnets;
}

/** Security group ids (`sg-...`) or names → ids, in the given VPC when there is one. */
export async function resolveSecurityGroups(clients: CloudClients, refs: readonly string[], vpcId?: string): Promise<string[]> {
  if (refs.length === 0) return [];
  const ids = refs.filter((r) => /^sg-[0-9a-f]+$/.test(r));
  const names = refs.filter((r) => !ids.includes(r));
  const found: { id: string; name: string; vpcId: string }[] = [];
  const describe = async (filters: Filter[]) => {
    const response = await awsCall({ action: 'describe', resourceType: 'security groups', resource: refs.join(', ') }, () =>
      clients.ec2.send(new DescribeSecurityGroupsCommand({ Filters: filters })),
    );
    for (const g of response.SecurityGroups ?? []) found.push({ id: g.GroupId ?? '', name: g.GroupName ?? '', vpcId: g.VpcId ?? '' });
  };
  if (ids.length > 0) await describe([{ Name: 'group-id', Values: ids }]);
  if (names.length > 0) await describe([{ Name: 'group-name', Values: names }, ...(vpcId ? [{ Name: 'vpc-id', Values: [vpcId] }] : [])]);

  const missing: string[] = [];
  const resolved: string[] = [];
  for (const ref of refs) {
    const matches = found.filter((g) => g.id === ref || g.name === ref);
    const unique = [...new Map(matches.map((g) => [g.id, g])).values()];
    const first = unique[0];
    if (!first) {
      missing.push(ref);
      continue;
    }
    if (unique.length > 1) {
      throw new AmbiguousResourceError(
        `security group name ${ref} matches ${unique.map((g) => `${g.id} (${g.vpcId})`).join(', ')}; use an id or give subnets to pick the VPC`,
      );
    }
    if (vpcId && first.vpcId !== vpcId) {
      throw new InvalidRequestError(`security group ${ref} is in ${first.vpcId}, but the subnets are in ${vpcId}`);
    }
    resolved.push(first.id);
  }
  if (missing.length > 0) throw missingError('security group', missing, clients.region, vpcId ? ` (VPC ${vpcId})` : '');
  return [...new Set(resolved)];
}

/** Target group names or ARNs → target groups, all in the given VPC when there is one. */
export async function resolveTargetGroups(clients: CloudClients, refs: readonly string[], vpcId?: string): Promise<TargetGroupRef[]> {
  const lookups = await Promise.all(
    [...new Set(refs)].map(async (ref) => {
      const byArn = ref.startsWith('arn:');
      try {
        const response = await awsCall({ action: 'describe', resourceType: 'target group', resource: ref }, () =>
          clients.elbv2.send(new DescribeTargetGroupsCommand(byArn ? { TargetGroupArns: [ref] } : { Names: [ref] })),
        );
        const tg = response.TargetGroups?.[0];
        return tg ? { ref, found: { arn: tg.TargetGroupArn ?? '', name: tg.TargetGroupName ?? '', vpcId: tg.VpcId } } : { ref };
      } catch (error) {
        if (error instanceof ResourceNotFoundError) return { ref };
        throw error;
      }
    }),
  );
  const missing = lookups.filter((l) => !l.found).map((l) => l.ref);
  if (missing.length > 0) throw missingError('target group', missing, clients.region);
  const groups = lookups.map((l) => l.found!);
  for (const tg of groups) {
    if (vpcId && tg.vpcId && tg.vpcId !== vpcId) {
      throw new InvalidRequestError(`target group ${tg.name} is in ${tg.vpcId}, but the subnets are in ${vpcId}`);
    }
  }
  return groups;
}

export async function resolveKeyPair(clients: CloudClients, keyName: string): Promise<string> {
  const found = await awsCallOrMissing({ action: 'describe', resourceType: 'key pair', resource: keyName }, () =>
    clients.ec2.send(new DescribeKeyPairsCommand({ KeyNames: [keyName] })),
  );
  if (!found?.KeyPairs?.some((k) => k.KeyName === keyName)) throw missingError('key pair', [keyName], clients.region);
  return keyName;
}
