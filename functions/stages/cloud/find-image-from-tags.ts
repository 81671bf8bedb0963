/**
 * `findImageFromTags`: the newest image per region whose tags match `tags` (and whose name starts
 * with `packageName`, when given). Outputs `deploymentDetails` like a bake.
 */
import { findImageFromTagsProblems } from '../../../state-machines/stage-types/cloud.js';
import type { StageImplementation } from '../../core/stage-api.js';
import type { CloudEnv } from './deps.js';
import { CloudStageError } from './errors.js';
import { accountOf, isObject, optionalString, regionsOf } from './fields.js';
import { AMI_DETAILS, failedOr } from './find-image.js';

export function findImageFromTagsStage(env: CloudEnv): StageImplementation {
  return {
    type: 'findImageFromTags',
    validate: findImageFromTagsProblems,
    async run(ctx) {
      const config = ctx.stage.config;
      try {
        const tags = isObject(config.tags) ? Object.fromEntries(Object.entries(config.tags).map(([k, v]) => [k, String(v)])) : {};
        const packageName = optionalString(config, 'packageName');
        const account = accountOf(config);
        const details = [];
        for (const region of regionsOf(config, env.defaultRegion())) {
          const { driver } = await env.target(account, region);
          const [image] = await driver.findImages({ tags, ...(packageName ? { name: `${packageName}*` } : {}) });
          if (!image) {
            const what = [...Object.entries(tags).map(([k, v]) => `${k}=${v}`), ...(packageName ? [`name ${packageName}*`] : [])].join(', ');
            throw new CloudStageError(`no image in ${account}/${region} matches ${what}`);
          }
          details.push({
            ami: image.imageId,
            imageId: image.imageId,
            imageName: image.name,
            amiName: image.name,
            region,
            cloudProvider: 'aws',
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
