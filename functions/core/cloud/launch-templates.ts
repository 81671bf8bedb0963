/**
 * One launch template per server group, named after it. Creating is idempotent: each version carries
 * a fingerprint of its data in VersionDescription, so a re-run finds the version it already made
 * instead of adding another. Versions are always written with complete data (never relying on
 * SourceVersion inheritance).
 */
import { createHash } from 'node:crypto';
import {
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  DeleteLaunchTemplateCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  type LaunchTemplateVersion,
  type RequestLaunchTemplateData,
  type ResponseLaunchTemplateData,
  type _InstanceType,
} from '@aws-sdk/client-ec2';
import { awsCall, awsCallOrMissing, isAlreadyExists } from './aws-errors.js';
import type { CloudClients } from './clients.js';
import { CloudDriverError, InvalidRequestError, ResourceNotFoundError, ServerGroupConflictError } from './errors.js';
import { TagKeys, tagRecord } from './tags.js';

export interface LaunchTemplateRef {
  readonly id: string;
  readonly name: string;
  readonly version: number;
}

/** What a server group's instances are launched with. */
export interface LaunchSpec {
  readonly imageId: string;
  readonly instanceType: string;
  /** Base64-encoded user data. */
  readonly userData?: string;
  /** Security group ids (already resolved). */
  readonly securityGroupIds?: readonly string[];
  readonly keyName?: string;
  /** Instance profile name, or its ARN. */
  readonly iamInstanceProfile?: string;
  readonly ebsOptimized?: boolean;
  /** Detailed (1-minute) CloudWatch monitoring. */
  readonly detailedMonitoring?: boolean;
  /** IMDSv2 only (HttpTokens required). */
  readonly requireImdsV2?: boolean;
  readonly blockDeviceMappings?: RequestLaunchTemplateData['BlockDeviceMappings'];
}

const LAUNCH_TEMPLATE_NAME_CHARS = /[^a-zA-Z0-9().\-/_]/g;
const MAX_LAUNCH_TEMPLATE_NAME = 128;
const FINGERPRINT_PREFIX = 'gennaker:sha256:';

/**
 * The launch template name of a server group: its own name when AWS allows it, otherwise
 * (detail with ~ or ^) the name with those characters replaced plus a short hash, so it stays unique.
 */
export function launchTemplateName(serverGroupName: string): string {
  const cleaned = serverGroupName.replace(LAUNCH_TEMPLATE_NAME_CHARS, '_');
  if (cleaned === serverGroupName && cleaned.length <= MAX_LAUNCH_TEMPLATE_NAME) return cleaned;
  const hash = createHash('sha256').update(serverGroupName).digest('hex').slice(0, 8);
  return `${cleaned.slice(0, MAX_LAUNCH_TEMPLATE_NAME - 9)}-${hash}`;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function checkUserData(userData: string, owner: string): void {
  if (!BASE64.test(userData)) {
    throw new InvalidRequestError(`user data of ${owner} must be base64-encoded (encode it with Buffer.from(text).toString('base64'))`);
  }
}

// Fields copied verbatim from an existing version when cloning; their response and request shapes
// match. Service-managed (Operator) and retired (Elastic GPU / Inference) fields are left out.
const COPIED_FIELDS = [
  'KernelId',
  'EbsOptimized',
  'IamInstanceProfile',
  'BlockDeviceMappings',
  'NetworkInterfaces',
  'ImageId',
  'InstanceType',
  'KeyName',
  'Monitoring',
  'Placement',
  'RamDiskId',
  'DisableApiTermination',
  'InstanceInitiatedShutdownBehavior',
  'UserData',
  'SecurityGroupIds',
  'SecurityGroups',
  'InstanceMarketOptions',
  'CreditSpecification',
  'CpuOptions',
  'CapacityReservationSpecification',
  'LicenseSpecifications',
  'HibernationOptions',
  'MetadataOptions',
  'EnclaveOptions',
  'InstanceRequirements',
  'PrivateDnsNameOptions',
  'MaintenanceOptions',
  'DisableApiStop',
  'NetworkPerformanceOptions',
] as const satisfies readonly (keyof RequestLaunchTemplateData & keyof ResponseLaunchTemplateData)[];

// Resource types a launch template's TagSpecifications may name (not "launch-template" itself).
const INSTANCE_TAG_RESOURCE_TYPES = new Set(['instance', 'volume', 'network-interface', 'spot-instances-request']);

/** An existing version's data as request data, ready to be written again (for clone). */
export function requestDataFrom(data: ResponseLaunchTemplateData): RequestLaunchTemplateData {
  const copy: Record<string, unknown> = {};
  for (const field of COPIED_FIELDS) {
    const value = data[field];
    if (value !== undefined && !(Array.isArray(value) && value.length === 0)) copy[field] = value;
  }
  const tagSpecs = (data.TagSpecifications ?? []).filter((t) => INSTANCE_TAG_RESOURCE_TYPES.has(t.ResourceType ?? ''));
  if (tagSpecs.length > 0) copy.TagSpecifications = tagSpecs;
  return copy;
}

/** Complete launch template data: the base (a clone source's data) with the spec on top. */
export function buildLaunchTemplateData(spec: LaunchSpec, base: RequestLaunchTemplateData = {}): RequestLaunchTemplateData {
  if (spec.userData !== undefined) checkUserData(spec.userData, `image ${spec.imageId}`);
  const profile = spec.iamInstanceProfile;
  const data: RequestLaunchTemplateData = {
    ...base,
    ImageId: spec.imageId,
    InstanceType: spec.instanceType as _InstanceType,
    ...(spec.userData !== undefined ? { UserData: spec.userData } : {}),
    ...(spec.securityGroupIds !== undefined ? { SecurityGroupIds: [...spec.securityGroupIds] } : {}),
    ...(spec.keyName !== undefined ? { KeyName: spec.keyName } : {}),
    ...(profile !== undefined ? { IamInstanceProfile: profile.startsWith('arn:') ? { Arn: profile } : { Name: profile } } : {}),
    ...(spec.ebsOptimized !== undefined ? { EbsOptimized: spec.ebsOptimized } : {}),
    ...(spec.detailedMonitoring !== undefined ? { Monitoring: { Enabled: spec.detailedMonitoring } } : {}),
    ...(spec.requireImdsV2 !== undefined ? { MetadataOptions: { ...base.MetadataOptions, HttpTokens: spec.requireImdsV2 ? 'required' : 'optional' } } : {}),
    ...(spec.blockDeviceMappings !== undefined ? { BlockDeviceMappings: spec.blockDeviceMappings } : {}),
  };
  // Security groups by id and by name cannot both be set; ids win when the spec gave them.
  if (spec.securityGroupIds !== undefined) delete data.SecurityGroups;
  return data;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Identifies launch template data; stored in VersionDescription (≤ 255 characters). */
export function launchTemplateFingerprint(data: RequestLaunchTemplateData): string {
  return `${FINGERPRINT_PREFIX}${createHash('sha256').update(stableJson(data)).digest('hex').slice(0, 40)}`;
}

interface TemplateSummary {
  readonly id: string;
  readonly name: string;
  readonly tags: Readonly<Record<string, string>>;
}

async function findLaunchTemplate(clients: CloudClients, name: string): Promise<TemplateSummary | undefined> {
  const response = await awsCallOrMissing({ action: 'describe', resourceType: 'launch template', resource: name }, () =>
    clients.ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: [name] })),
  );
  const template = response?.LaunchTemplates?.[0];
  if (!template?.LaunchTemplateId) return undefined;
  return { id: template.LaunchTemplateId, name: template.LaunchTemplateName ?? name, tags: tagRecord(template.Tags) };
}

async function listVersions(clients: CloudClients, templateId: string): Promise<LaunchTemplateVersion[]> {
  const versions: LaunchTemplateVersion[] = [];
  let token: string | undefined;
  do {
    const response = await awsCall({ action: 'describe versions of', resourceType: 'launch template', resource: templateId }, () =>
      clients.ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: templateId, MaxResults: 200, ...(token ? { NextToken: token } : {}) })),
    );
    versions.push(...(response.LaunchTemplateVersions ?? []));
    token = response.NextToken;
  } while (token);
  return versions;
}

export interface EnsureLaunchTemplateInput {
  readonly name: string;
  readonly data: RequestLaunchTemplateData;
  /** Tags on the template itself (the server group it belongs to). */
  readonly tags: Readonly<Record<string, string>>;
}

export interface EnsuredLaunchTemplate extends LaunchTemplateRef {
  /** What this call created: the template, a new version of it, or nothing (found from an earlier run). */
  readonly created: 'template' | 'version' | 'none';
}

/** A launch template version holding exactly `data`: found if an earlier run made it, created otherwise. */
export async function ensureLaunchTemplateVersion(clients: CloudClients, input: EnsureLaunchTemplateInput): Promise<EnsuredLaunchTemplate> {
  const fingerprint = launchTemplateFingerprint(input.data);
  const context = { action: 'create', resourceType: 'launch template', resource: input.name };
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const existing = await findLaunchTemplate(clients, input.name);
    if (!existing) {
      try {
        const tags = Object.entries(input.tags).map(([Key, Value]) => ({ Key, Value }));
        const response = await awsCall(context, () =>
          clients.ec2.send(
            new CreateLaunchTemplateCommand({
              LaunchTemplateName: input.name,
              VersionDescription: fingerprint,
              LaunchTemplateData: input.data,
              ...(tags.length > 0 ? { TagSpecifications: [{ ResourceType: 'launch-template', Tags: tags }] } : {}),
            }),
          ),
        );
        const template = response.LaunchTemplate;
        return {
          id: template?.LaunchTemplateId ?? '',
          name: template?.LaunchTemplateName ?? input.name,
          version: template?.LatestVersionNumber ?? 1,
          created: 'template',
        };
      } catch (error) {
        // Made by a concurrent run between our describe and create: look again.
        if (isAlreadyExists(error)) continue;
        throw error;
      }
    }
    const owner = input.tags[TagKeys.serverGroup];
    if (owner !== undefined && existing.tags[TagKeys.serverGroup] !== owner) {
      throw new ServerGroupConflictError(
        `launch template ${input.name} already exists and does not belong to server group ${owner} ` +
          `(its ${TagKeys.serverGroup} tag is ${existing.tags[TagKeys.serverGroup] ?? 'missing'}); rename or delete it`,
      );
    }
    const versions = await listVersions(clients, existing.id);
    const match = versions.filter((v) => v.VersionDescription === fingerprint).sort((a, b) => (b.VersionNumber ?? 0) - (a.VersionNumber ?? 0))[0];
    if (match?.VersionNumber !== undefined) {
      return { id: existing.id, name: existing.name, version: match.VersionNumber, created: 'none' };
    }
    const response = await awsCall({ ...context, action: 'create a version of' }, () =>
      clients.ec2.send(
        new CreateLaunchTemplateVersionCommand({
          LaunchTemplateId: existing.id,
          VersionDescription: fingerprint,
          LaunchTemplateData: input.data,
        }),
      ),
    );
    return {
      id: existing.id,
      name: existing.name,
      version: response.LaunchTemplateVersion?.VersionNumber ?? 0,
      created: 'version',
    };
  }
  throw new CloudDriverError(`create launch template ${input.name}: it kept appearing and disappearing; try again`);
}

export interface LaunchTemplateVersionView extends LaunchTemplateRef {
  readonly description?: string;
  readonly data: ResponseLaunchTemplateData;
}

/** One version's data; `version` is a number or $Latest / $Default. */
export async function describeLaunchTemplateVersion(
  clients: CloudClients,
  template: { readonly id: string; readonly version: string },
): Promise<LaunchTemplateVersionView> {
  const response = await awsCall({ action: 'describe', resourceType: 'launch template version', resource: `${template.id}:${template.version}` }, () =>
    clients.ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: template.id, Versions: [template.version] })),
  );
  const version = response.LaunchTemplateVersions?.[0];
  if (!version) {
    throw new ResourceNotFoundError('launch template version', `${template.id}:${template.version}`);
  }
  return {
    id: version.LaunchTemplateId ?? template.id,
    name: version.LaunchTemplateName ?? '',
    version: version.VersionNumber ?? 0,
    ...(version.VersionDescription ? { description: version.VersionDescription } : {}),
    data: version.LaunchTemplateData ?? {},
  };
}

/**
 * Deletes the launch template of a server group, but only one that belongs to it (tagged with its
 * name, or named after it): a template shared with other groups is left alone. Missing is fine.
 */
export async function deleteServerGroupLaunchTemplate(
  clients: CloudClients,
  serverGroupName: string,
  templateName = launchTemplateName(serverGroupName),
): Promise<boolean> {
  const template = await findLaunchTemplate(clients, templateName);
  if (!template) return false;
  const owner = template.tags[TagKeys.serverGroup];
  const ours = owner === serverGroupName || (owner === undefined && template.name === launchTemplateName(serverGroupName));
  if (!ours) return false;
  const deleted = await awsCallOrMissing({ action: 'delete', resourceType: 'launch template', resource: template.name }, () =>
    clients.ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateId: template.id })),
  );
  return deleted !== undefined;
}
