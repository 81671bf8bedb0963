/**
 * Bake builder instances: one plain EC2 instance per bake and region, launched from a base image
 * with a provisioning script as user data, imaged, then terminated. Launching is idempotent by a
 * bake key tag written atomically with the instance (RunInstances TagSpecifications): a re-run after
 * a crash finds the builder it launched instead of starting a second one. (The ClientToken is set
 * too, which makes AWS itself return the same instance for a retried request; the emulator ignores
 * it, the tag does not depend on it.)
 */
import { createHash } from 'node:crypto';
import {
  DescribeInstancesCommand,
  GetConsoleOutputCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type _InstanceType,
  type Instance,
} from '@aws-sdk/client-ec2';
import { awsCall, awsCallOrMissing } from './aws-errors.js';
import type { CloudClients } from './clients.js';
import { checkUserData } from './launch-templates.js';
import { TAG_PREFIX } from './tags.js';

export const BUILDER_KEY_TAG = `${TAG_PREFIX}bake-key`;

/** States of a builder that is still usable (one shutting down is on its way out). */
const LIVE_STATES = ['pending', 'running', 'stopping', 'stopped'];

export interface BuilderSpec {
  /** Identifies the bake (e.g. execution, stage and region): at most one live builder per key. */
  readonly key: string;
  readonly imageId: string;
  readonly instanceType: string;
  /** Base64-encoded user data. */
  readonly userData: string;
  readonly subnetId?: string;
  readonly securityGroupIds?: readonly string[];
  readonly iamInstanceProfile?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

export interface BuilderView {
  readonly instanceId: string;
  /** pending | running | stopping | stopped | shutting-down | terminated */
  readonly state: string;
  readonly launchTime?: string;
}

function view(instance: Instance): BuilderView {
  return {
    instanceId: instance.InstanceId ?? '',
    state: instance.State?.Name ?? 'unknown',
    ...(instance.LaunchTime ? { launchTime: instance.LaunchTime.toISOString() } : {}),
  };
}

/** A ClientToken (≤ 64 ASCII characters) derived from the bake key. */
function builderClientToken(key: string): string {
  return `gennaker-${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
}

/** The live builder of a bake key, if there is one. */
export async function findBuilder(clients: CloudClients, key: string): Promise<BuilderView | undefined> {
  const response = await awsCall({ action: 'find', resourceType: 'bake builder', resource: key }, () =>
    clients.ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: `tag:${BUILDER_KEY_TAG}`, Values: [key] },
          { Name: 'instance-state-name', Values: LIVE_STATES },
        ],
      }),
    ),
  );
  const instances = (response.Reservations ?? []).flatMap((r) => r.Instances ?? []);
  const newest = instances.sort((a, b) => (b.LaunchTime?.getTime() ?? 0) - (a.LaunchTime?.getTime() ?? 0))[0];
  return newest ? view(newest) : undefined;
}

/** One instance by id; undefined when it no longer exists. */
export async function describeBuilder(clients: CloudClients, instanceId: string): Promise<BuilderView | undefined> {
  const response = await awsCallOrMissing({ action: 'describe', resourceType: 'bake builder', resource: instanceId }, () =>
    clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })),
  );
  const instance = (response?.Reservations ?? []).flatMap((r) => r.Instances ?? [])[0];
  return instance ? view(instance) : undefined;
}

/** Launches the builder, or returns the live one an earlier run launched with the same key. */
export async function launchBuilder(clients: CloudClients, spec: BuilderSpec): Promise<BuilderView & { created: boolean }> {
  checkUserData(spec.userData, `the bake builder ${spec.key}`);
  const existing = await findBuilder(clients, spec.key);
  if (existing) return { ...existing, created: false };
  const tags = Object.entries({ ...spec.tags, [BUILDER_KEY_TAG]: spec.key }).map(([Key, Value]) => ({ Key, Value }));
  const profile = spec.iamInstanceProfile;
  const response = await awsCall({ action: 'launch', resourceType: 'bake builder', resource: `${spec.key} from ${spec.imageId}` }, () =>
    clients.ec2.send(
      new RunInstancesCommand({
        ImageId: spec.imageId,
        InstanceType: spec.instanceType as _InstanceType,
        MinCount: 1,
        MaxCount: 1,
        UserData: spec.userData,
        ClientToken: builderClientToken(spec.key),
        // The provisioning script shuts the builder down when it is done; stopped, not gone.
        InstanceInitiatedShutdownBehavior: 'stop',
        ...(spec.subnetId ? { SubnetId: spec.subnetId } : {}),
        ...(spec.securityGroupIds && spec.securityGroupIds.length > 0 ? { SecurityGroupIds: [...spec.securityGroupIds] } : {}),
        ...(profile ? { IamInstanceProfile: profile.startsWith('arn:') ? { Arn: profile } : { Name: profile } } : {}),
        TagSpecifications: [{ ResourceType: 'instance', Tags: tags }],
      }),
    ),
  );
  const instance = response.Instances?.[0];
  return { ...(instance ? view(instance) : { instanceId: '', state: 'pending' }), created: true };
}

/** The builder's console output (decoded), or '' when there is none yet. */
export async function builderConsoleOutput(clients: CloudClients, instanceId: string): Promise<string> {
  const response = await awsCallOrMissing({ action: 'read console output of', resourceType: 'bake builder', resource: instanceId }, () =>
    clients.ec2.send(new GetConsoleOutputCommand({ InstanceId: instanceId })),
  );
  const output = response?.Output;
  return output ? Buffer.from(output, 'base64').toString('utf8') : '';
}

/** Terminates a builder; one that is already gone (or going) is fine. */
export async function terminateBuilder(clients: CloudClients, instanceId: string): Promise<{ terminated: boolean }> {
  const current = await describeBuilder(clients, instanceId);
  if (!current || current.state === 'terminated' || current.state === 'shutting-down') return { terminated: false };
  const done = await awsCallOrMissing({ action: 'terminate', resourceType: 'bake builder', resource: instanceId }, () =>
    clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] })),
  );
  return { terminated: done !== undefined };
}
