/**
 * `findImage` (Spinnaker's "Find Image from Cluster"): the image a cluster runs, per region, picked
 * by selectionStrategy among its (enabled, by default) server groups:
 *   NEWEST, OLDEST, LARGEST (most desired instances), FAIL (fail unless exactly one image).
 * Outputs Spinnaker's `deploymentDetails`, which deploy stages downstream use.
 */
import { findImageProblems } from '../../../state-machines/stage-types/cloud.js';
import type { ServerGroupSummary } from '../../core/cloud/index.js';
import { StageConfigError, type StageImplementation, stageFields, type TaskResult } from '../../core/stage-api.js';
import type { CloudEnv } from './deps.js';
import { CloudStageError, errorMessage, rethrowUnlessFailed } from './errors.js';
import { accountOf, clusterOf, flag, regionsOf } from './fields.js';
import { newestFirst } from './targets.js';
import { providerTarget } from './providers.js';
import { TagKeys } from '../../core/cloud/index.js';
import { textOf } from '../../../state-machines/model/problems.js';

/** What the image-finding stages keep in their context (Spinnaker's name): the images found, as in deploymentDetails. */
export const AMI_DETAILS = stageFields<{ readonly amiDetails: readonly Readonly<Record<string, unknown>>[] }>();

export type SelectionStrategy = 'NEWEST' | 'OLDEST' | 'LARGEST' | 'FAIL';

/** The group whose image is chosen. Pure. */
export function selectImageGroup(groups: readonly ServerGroupSummary[], strategy: SelectionStrategy, where: string): ServerGroupSummary | undefined {
  const withImage = newestFirst(groups.filter((g) => g.imageId && !g.status));
  if (strategy === 'FAIL') {
    const images = new Set(withImage.map((g) => g.imageId));
    if (images.size > 1) throw new CloudStageError(`${where} runs ${images.size} images (${[...images].join(', ')}); selectionStrategy FAIL wants exactly one`);
    return withImage[0];
  }
  if (strategy === 'OLDEST') return withImage[withImage.length - 1];
  if (strategy === 'LARGEST') return [...withImage].sort((a, b) => b.capacity.desired - a.capacity.desired)[0];
  return withImage[0];
}

function versionOf(group: ServerGroupSummary): { version?: string } {
  const version = group.tags[TagKeys.version];
  return version ? { version } : {};
}

/** A failure of a one-call stage as a FAILED result; crashes and throttling are rethrown for a retry. */
export function failedOr(error: unknown): TaskResult {
  rethrowUnlessFailed(error);
  return { status: 'FAILED', error: errorMessage(error) };
}

export function findImageStage(env: CloudEnv): StageImplementation {
  return {
    type: 'findImage',
    validate: findImageProblems,
    async run(ctx) {
      const config = ctx.stage.config;
      try {
        const cluster = clusterOf(config, ctx.application);
        const account = accountOf(config);
        const strategy = textOf(config.selectionStrategy ?? 'NEWEST').toUpperCase() as SelectionStrategy;
        if (!['NEWEST', 'OLDEST', 'LARGEST', 'FAIL'].includes(strategy))
          throw new StageConfigError(`selectionStrategy: '${strategy}' is not one of NEWEST, OLDEST, LARGEST, FAIL`);
        const onlyEnabled = flag(config, 'onlyEnabled', true);
        const details = [];
        for (const region of regionsOf(config, env.defaultRegion())) {
          const { driver, provider } = await providerTarget(env, account, region, config, cluster);
          const view = await provider.describeCluster(cluster, { targetHealth: false });
          const where = `cluster ${cluster} in ${account}/${region}`;
          const group = selectImageGroup(
            view.serverGroups.filter((g) => !onlyEnabled || g.enabled),
            strategy,
            where,
          );
          if (!group?.imageId) throw new CloudStageError(`${where} has no ${onlyEnabled ? 'enabled ' : ''}server group with an image`);
          if (provider.kind === 'ecs') {
            // An ECS service runs a container image: the reference is the image (as clouddriver's ECS provider reports it).
            details.push({ imageId: group.imageId, imageName: group.imageId, region, cloudProvider: 'ecs', serverGroup: group.name, ...versionOf(group) });
            continue;
          }
          const image = await driver.describeImage(group.imageId);
          details.push({
            ami: image.imageId,
            imageId: image.imageId,
            imageName: image.name,
            amiName: image.name,
            region,
            cloudProvider: 'aws',
            serverGroup: group.name,
            ...(image.version ? { version: image.version } : {}),
          });
        }
        return { status: 'SUCCEEDED', outputs: { deploymentDetails: details }, context: AMI_DETAILS.save({ amiDetails: details }) };
      } catch (error) {
        return failedOr(error);
      }
    },
  };
}
