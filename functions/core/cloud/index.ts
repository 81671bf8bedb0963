/**
 * The AWS cloud driver: server groups (Auto Scaling group + launch template) in clusters named by
 * Frigga's rules, enabled into / disabled out of ALB/NLB target groups, images, accounts.
 *
 * Every function takes the clients of one account and region first. `cloudDriver(clients)` binds
 * them once. Every mutating call converges when run again (see server-groups.ts), and every error
 * is a CloudDriverError subclass that names the resource (`retryable` when AWS kept throttling).
 */
import type { Capacity } from './capacity.js';
import type { CloudClients } from './clients.js';
import { describeCluster, describeServerGroup, type DescribeOptions } from './cluster.js';
import { checkUp } from './health.js';
import { createImage, deregisterImage, describeImage, findImages, tagImage, type CreateImageSpec, type ImageQuery } from './images.js';
import { disableServerGroup, enableServerGroup, setTargetGroups } from './load-balancing.js';
import type { ClusterName } from './naming.js';
import { cloneServerGroup, type CloneServerGroupSpec } from './clone.js';
import { createServerGroup, destroyServerGroup, resizeServerGroup, type CreateServerGroupSpec } from './server-groups.js';
import type { ServerGroupProvider } from './provider.js';
import { builderConsoleOutput, describeBuilder, findBuilder, launchBuilder, terminateBuilder, type BuilderSpec } from './builders.js';

export * from './errors.js';
export * from './naming.js';
export * from './capacity.js';
export { imageTags, TAG_PREFIX, TagKeys } from './tags.js';
export { cloudClients, type CloudClients } from './clients.js';
export { AccountRegistry, loadAccounts, parseAccounts, withAccountDefaults, LOCAL_ACCOUNT_ID, type Account, type AccountTarget } from './accounts.js';
export { AssumedRoleCredentials, cloudClientsFor } from './credentials.js';
export { createServerGroup, resizeServerGroup, destroyServerGroup, type CreateServerGroupSpec } from './server-groups.js';
export { cloneServerGroup, type CloneServerGroupSpec } from './clone.js';
export { enableServerGroup, disableServerGroup } from './load-balancing.js';
export { describeCluster, describeServerGroup, type DescribeOptions } from './cluster.js';
export type { ServerGroupView } from './server-group-view.js';
export { checkUp } from './health.js';
export {
  describeImage,
  findImage,
  findImages,
  createImage,
  tagImage,
  deregisterImage,
  type ImageView,
  type ImageQuery,
  type CreateImageSpec,
} from './images.js';
export { SUBNET_TYPE_TAG } from './resources.js';
/** The driver bound to one account's clients in one region. */
export function cloudDriver(clients: CloudClients) {
  return {
    kind: 'aws' as const,
    region: clients.region,
    createServerGroup: (spec: CreateServerGroupSpec) => createServerGroup(clients, spec),
    cloneServerGroup: (spec: CloneServerGroupSpec) => cloneServerGroup(clients, spec),
    resizeServerGroup: (serverGroup: string, capacity: Partial<Capacity>) => resizeServerGroup(clients, serverGroup, capacity),
    destroyServerGroup: (serverGroup: string) => destroyServerGroup(clients, serverGroup),
    enableServerGroup: (serverGroup: string) => enableServerGroup(clients, serverGroup),
    disableServerGroup: (serverGroup: string) => disableServerGroup(clients, serverGroup),
    setTargetGroups: (serverGroup: string, targetGroupArns: readonly string[]) => setTargetGroups(clients, serverGroup, targetGroupArns),
    describeServerGroup: (serverGroup: string, options?: DescribeOptions) => describeServerGroup(clients, serverGroup, options),
    describeCluster: (cluster: string | ClusterName, options?: DescribeOptions) => describeCluster(clients, cluster, options),
    checkUp: (serverGroup: string, expectedCapacity?: number) => checkUp(clients, serverGroup, expectedCapacity),
    describeImage: (imageId: string) => describeImage(clients, imageId),
    findImages: (query: ImageQuery) => findImages(clients, query),
    createImage: (spec: CreateImageSpec) => createImage(clients, spec),
    tagImage: (imageId: string, tags: Readonly<Record<string, string>>) => tagImage(clients, imageId, tags),
    deregisterImage: (imageId: string) => deregisterImage(clients, imageId),
    launchBuilder: (spec: BuilderSpec) => launchBuilder(clients, spec),
    findBuilder: (key: string) => findBuilder(clients, key),
    describeBuilder: (instanceId: string) => describeBuilder(clients, instanceId),
    builderConsoleOutput: (instanceId: string) => builderConsoleOutput(clients, instanceId),
    terminateBuilder: (instanceId: string) => terminateBuilder(clients, instanceId),
  };
}
export type CloudDriver = ReturnType<typeof cloudDriver>;
// EC2 implements the provider seam as it is (checked here, at compile time).
const _ec2IsAProvider = (d: CloudDriver): ServerGroupProvider => d;
export type { ServerGroupProvider, ServerGroupSummary, ClusterSummary, ProviderKind } from './provider.js';
export { findBuilder, BUILDER_KEY_TAG, type BuilderSpec } from './builders.js';
