/**
 * Which image a deploy (or clone, or tagImage) uses in a region: an explicit `imageId` / `amiName`
 * on the stage, or what an upstream bake / findImage stage produced, read like Spinnaker reads its
 * `deploymentDetails` (nearest upstream stage first).
 */
import type { StageView } from '../../../state-machines/expressions/index.js';
import type { CloudDriver, ImageView } from '../../core/cloud/index.js';
import { StageConfigError } from '../../core/stage-api.js';
import { NoImageError } from './errors.js';
import { isObject } from './fields.js';

/** One image a stage produced or named, in one region. */
export interface ImageRef {
  readonly region?: string;
  readonly imageId?: string;
  readonly imageName?: string;
  /** The stage it came from, for messages. */
  readonly from?: string;
}

/** The entries of a stage's `deploymentDetails` output (Spinnaker's shape), plus its own ami / imageId. */
function imagesOfStage(stage: StageView): ImageRef[] {
  const refs: ImageRef[] = [];
  const details = stage.outputs.deploymentDetails ?? stage.context.deploymentDetails;
  if (Array.isArray(details)) {
    for (const d of details) {
      if (!isObject(d)) continue;
      const imageId = d.imageId ?? d.ami;
      const imageName = d.imageName ?? d.amiName;
      refs.push({
        ...(typeof d.region === 'string' ? { region: d.region } : {}),
        ...(typeof imageId === 'string' ? { imageId } : {}),
        ...(typeof imageName === 'string' ? { imageName } : {}),
        from: stage.name,
      });
    }
  }
  return refs;
}

/** Stages upstream of `refId`, nearest first (breadth-first over requisiteStageRefIds). */
function upstreamStages(stages: readonly StageView[], refId: string): StageView[] {
  const byRef = new Map(stages.map((s) => [s.refId, s]));
  const seen = new Set<string>([refId]);
  const order: StageView[] = [];
  let frontier = [...(byRef.get(refId)?.requisiteStageRefIds ?? [])];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const r of frontier) {
      if (seen.has(r)) continue;
      seen.add(r);
      const stage = byRef.get(r);
      if (!stage) continue;
      order.push(stage);
      next.push(...(stage.requisiteStageRefIds ?? []));
    }
    frontier = next;
  }
  return order;
}

/** Images upstream stages produced, nearest first. */
export function upstreamImages(stages: readonly StageView[], refId: string): ImageRef[] {
  return upstreamStages(stages, refId).flatMap(imagesOfStage);
}

/** An explicit image on a stage or cluster entry: `imageId` / `amiName`, each a string or `{region: value}`. */
export function explicitImage(config: Readonly<Record<string, unknown>>, region: string): ImageRef | undefined {
  const pick = (v: unknown, field: string): string | undefined => {
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'string') return v;
    if (isObject(v)) {
      const value = v[region];
      return typeof value === 'string' && value ? value : undefined;
    }
    throw new StageConfigError(`${field}: must be an image id/name or a map of region to image`);
  };
  const imageId = pick(config.imageId ?? config.ami, 'imageId');
  const imageName = pick(config.amiName ?? config.imageName, 'amiName');
  if (!imageId && !imageName) return undefined;
  return { region, ...(imageId ? { imageId } : {}), ...(imageName ? { imageName } : {}), from: 'the stage config' };
}

/** The image to use in `region`: explicit first, then the nearest upstream one for that region. */
export function chooseImage(explicit: ImageRef | undefined, upstream: readonly ImageRef[], region: string): ImageRef {
  if (explicit) return explicit;
  const found =
    upstream.find((i) => i.region === region && (i.imageId || i.imageName)) ?? upstream.find((i) => i.region === undefined && (i.imageId || i.imageName));
  if (found) return found;
  const elsewhere = [...new Set(upstream.map((i) => i.region).filter(Boolean))];
  throw new NoImageError(
    `no image to deploy in ${region}: give imageId or amiName, or put a bake / findImage stage for ${region} upstream` +
      (elsewhere.length > 0 ? ` (upstream stages produced images for ${elsewhere.join(', ')} only)` : ''),
  );
}

/** The image itself, which must exist in the region. */
export async function resolveImage(driver: CloudDriver, ref: ImageRef): Promise<ImageView> {
  if (ref.imageId) return driver.describeImage(ref.imageId);
  const name = ref.imageName!;
  const [image] = await driver.findImages({ name, owners: ['self'] });
  if (!image) throw new NoImageError(`image named ${name} (from ${ref.from ?? 'the stage'}) not found in ${driver.region}`);
  return image;
}
