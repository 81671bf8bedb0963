/**
 * The first step of a deploy unit: read everything and decide, change nothing. It checks the
 * account and region, finds the image, reads the cluster as it is (the ancestors, saved for the
 * strategy and for rollback) and settles the target capacity. Anything wrong here fails the stage
 * before anything exists.
 */
import { checkCapacity, TagKeys } from '../../../core/cloud/index.js';
import { describeAlarms } from '../../../core/gates/alarms.js';
import { StageConfigError } from '../../../core/stage-api.js';
import { NoImageError } from '../errors.js';
import { chooseImage, explicitImage, resolveImage, upstreamImages } from '../images.js';
import { newestFirst } from '../targets.js';
import { snapshotOf, type DeployUnitContext, type DeployUnitState } from './state.js';

export async function prepare(state: DeployUnitState, u: DeployUnitContext): Promise<DeployUnitState> {
  const { cluster, region, ctx } = u;
  const target = await u.target();
  const ref = chooseImage(explicitImage(cluster.raw, region), upstreamImages(ctx.stages, ctx.stage.refId), region);
  const image = await resolveImage(target.driver, ref);
  if (image.state !== 'available') throw new NoImageError(`image ${image.imageId} (${image.name}) in ${region} is ${image.state}, not available`);

  const view = await target.driver.describeCluster(cluster.cluster, { launchTemplates: false, targetHealth: false });
  const live = view.serverGroups.filter((g) => !g.status);
  const named = cluster.sourceServerGroup ? live.find((g) => g.name === cluster.sourceServerGroup) : undefined;
  const source = named ?? newestFirst(live).find((g) => g.enabled);

  const wanted = cluster.useSourceCapacity && source ? source.capacity : cluster.capacity;
  if (!wanted) throw new StageConfigError(`clusters[${cluster.index}].capacity: required (useSourceCapacity found no server group in ${cluster.cluster})`);
  const capacity = checkCapacity(wanted, `${cluster.cluster}-vNNN (new, ${region})`);

  // A rollback alarm that does not exist is a typo: refuse before anything is created.
  if (cluster.options.rollbackAlarms.length > 0) await describeAlarms(target.clients.cloudwatch, cluster.options.rollbackAlarms, `account ${target.account.name} ${region}`);

  const version = image.version ?? image.tags[TagKeys.version];
  return {
    ...state,
    phase: 'deploy',
    step: 0,
    imageId: image.imageId,
    ...(version ? { version } : {}),
    capacity,
    ancestors: live.map(snapshotOf),
    ...(source ? { source: source.name } : {}),
  };
}
