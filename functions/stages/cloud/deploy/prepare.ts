/**
 * The first step of a deploy unit: read everything and decide, change nothing. It checks the
 * account and region, finds the image, reads the cluster as it is (the ancestors, saved for the
 * strategy and for rollback) and settles the target capacity. Anything wrong here fails the stage
 * before anything exists.
 */
import { checkCapacity, TagKeys } from '../../../core/cloud/index.js';
import type { EcsServices } from '../../../core/ecs/services.js';
import { resolveContainerImage } from './ecs-config.js';
import { taskDefinitionFromArtifact } from './ecs-task-artifact.js';
import { describeAlarms } from '../../../core/gates/alarms.js';
import { StageConfigError } from '../../../core/stage-api.js';
import { NoImageError } from '../errors.js';
import { chooseImage, explicitImage, resolveImage, upstreamImages } from '../images.js';
import { newestFirst } from '../targets.js';
import { progressiveTraffic } from './progressive.js';
import { snapshotOf, type DeployUnitContext, type DeployUnitState } from './state.js';

/** What the new group runs: the AMI (EC2, checked available), or the containers' images (ECS, from the stage or trigger). */
async function chooseWhatToRun(u: DeployUnitContext): Promise<Pick<DeployUnitState, 'imageId' | 'containerImages' | 'version' | 'taskDefinitionBase'>> {
  const { cluster, region, ctx } = u;
  if (cluster.provider === 'ecs') {
    const ecs = cluster.ecs!;
    const prefix = `clusters[${cluster.index}].`;
    const trigger = ctx.evaluation.execution.trigger;
    // Read and checked before anything exists: a document that does not parse or lacks a mapped container fails here.
    const base = ecs.taskDefinitionArtifact ? await taskDefinitionFromArtifact(ecs, trigger, await u.env.artifactReaders(ctx), prefix) : undefined;
    const containerImages = Object.fromEntries(
      ecs.images.map((m, i) => [
        m.containerName,
        resolveContainerImage(
          m.image,
          trigger,
          `${prefix}${ecs.images.length > 1 || m.containerName !== ecs.containerName ? `containerMappings[${i}]` : 'imageDescription'}`,
        ),
      ]),
    );
    await ((await u.provider()) as EcsServices).requireCluster();
    const fromBase = base?.containerDefinitions?.find((c) => c.name === ecs.containerName)?.image ?? base?.containerDefinitions?.[0]?.image;
    const main = containerImages[ecs.containerName] ?? Object.values(containerImages)[0] ?? fromBase ?? '';
    const tag = /:([^/:@]+)$/.exec(main)?.[1];
    return { imageId: main, containerImages, ...(tag ? { version: tag } : {}), ...(base ? { taskDefinitionBase: base } : {}) };
  }
  const target = await u.target();
  const ref = chooseImage(explicitImage(cluster.raw, region), upstreamImages(ctx.stages, ctx.stage.refId), region);
  const image = await resolveImage(target.driver, ref);
  if (image.state !== 'available') throw new NoImageError(`image ${image.imageId} (${image.name}) in ${region} is ${image.state}, not available`);
  const version = image.version ?? image.tags[TagKeys.version];
  return { imageId: image.imageId, ...(version ? { version } : {}) };
}

export async function prepare(state: DeployUnitState, u: DeployUnitContext): Promise<DeployUnitState> {
  const { cluster, region } = u;
  const target = await u.target();
  const runs = await chooseWhatToRun(u);
  const view = await (await u.provider()).describeCluster(cluster.cluster, { launchTemplates: false, targetHealth: false });
  const live = view.serverGroups.filter((g) => !g.status);
  const named = cluster.sourceServerGroup ? live.find((g) => g.name === cluster.sourceServerGroup) : undefined;
  const source = named ?? newestFirst(live).find((g) => g.enabled);

  const wanted = cluster.useSourceCapacity && source ? source.capacity : cluster.capacity;
  if (!wanted) throw new StageConfigError(`clusters[${cluster.index}].capacity: required (useSourceCapacity found no server group in ${cluster.cluster})`);
  const capacity = checkCapacity(wanted, `${cluster.cluster}-vNNN (new, ${region})`);

  // A rollback alarm that does not exist is a typo: refuse before anything is created.
  if (cluster.options.rollbackAlarms.length > 0)
    await describeAlarms(target.clients.cloudwatch, cluster.options.rollbackAlarms, `account ${target.account.name} ${region}`);

  // Progressive: the listener routes to shift, read now so a cluster without any fails before anything exists.
  const traffic = cluster.strategy === 'progressive' ? await progressiveTraffic(u) : undefined;

  return {
    ...state,
    phase: 'deploy',
    ...(traffic ? { traffic } : {}),
    step: 0,
    ...runs,
    capacity,
    ancestors: live.map(snapshotOf),
    ...(source ? { source: source.name } : {}),
  };
}
