/**
 * `tagImage`: adds `tags` to the images upstream stages baked or found (or to `imageNames` /
 * `imageIds` when given). Tagging again with the same values changes nothing, so a re-run is safe.
 */
import { tagImageProblems } from '../../../state-machines/stage-types/cloud.js';
import { TAG_PREFIX } from '../../core/cloud/index.js';
import { StageConfigError, type StageImplementation } from '../../core/stage-api.js';
import type { CloudEnv } from './deps.js';
import { CloudStageError } from './errors.js';
import { accountOf, isObject, regionsOf, stringList } from './fields.js';
import { failedOr } from './find-image.js';
import { resolveImage, upstreamImages, type ImageRef } from './images.js';

export function tagImageStage(env: CloudEnv): StageImplementation {
  return {
    type: 'tagImage',
    validate: tagImageProblems,
    async run(ctx) {
      const config = ctx.stage.config;
      try {
        if (!isObject(config.tags)) throw new StageConfigError('tags: required (an object)');
        const tags = Object.fromEntries(Object.entries(config.tags).map(([k, v]) => [k, String(v)]));
        const reserved = Object.keys(tags).filter((k) => k.startsWith(TAG_PREFIX));
        if (reserved.length > 0) throw new StageConfigError(`tags: ${reserved.join(', ')}: the ${TAG_PREFIX} prefix is reserved`);
        const account = accountOf(config);
        const named = [
          ...(stringList(config, 'imageIds') ?? []).map((imageId) => ({ imageId })),
          ...(stringList(config, 'imageNames') ?? []).map((imageName) => ({ imageName })),
        ];
        const regions = config.regions !== undefined || config.region !== undefined ? regionsOf(config) : undefined;
        const refs: ImageRef[] =
          named.length > 0
            ? (regions ?? [env.defaultRegion()]).flatMap((region) => named.map((n) => ({ ...n, region })))
            : upstreamImages(ctx.stages, ctx.stage.refId).filter((i) => !regions || (i.region !== undefined && regions.includes(i.region)));
        if (refs.length === 0) throw new CloudStageError('no images to tag: no upstream bake / findImage stage produced one, and no imageNames were given');
        const tagged = [];
        for (const ref of refs) {
          const region = ref.region ?? env.defaultRegion();
          const { driver } = await env.target(account, region);
          const image = await resolveImage(driver, ref);
          await driver.tagImage(image.imageId, tags);
          tagged.push({ imageId: image.imageId, imageName: image.name, region });
        }
        return { status: 'SUCCEEDED', outputs: { taggedImages: tagged } };
      } catch (error) {
        return failedOr(error);
      }
    },
  };
}
