/**
 * A bake's plan for one region, decided before anything is launched: base image, provisioning
 * script, builder placement and the AMI name. A bad base image or OS fails here, leaving nothing.
 */
import type { CloudDriver, ImageView } from '../../../core/cloud/index.js';
import { BakeError } from '../errors.js';
import { optionalString } from '../fields.js';
import { baseImageRef, installCommand, type BakeConfig, type BuilderPlacement } from './config.js';

export interface BakeRequest {
  readonly package?: string;
  readonly baseOs?: string;
  readonly baseLabel?: string;
  readonly baseAmi?: string;
  readonly script?: string;
  readonly instanceType?: string;
  readonly amiName?: string;
}

export function bakeRequest(config: Readonly<Record<string, unknown>>): BakeRequest {
  const pkg = optionalString(config, 'package');
  const baseOs = optionalString(config, 'baseOs');
  const baseLabel = optionalString(config, 'baseLabel');
  const baseAmi = optionalString(config, 'baseAmi', 'baseImageId');
  const script = typeof config.provisioningScript === 'string' ? config.provisioningScript : typeof config.userData === 'string' ? config.userData : undefined;
  const instanceType = optionalString(config, 'instanceType');
  const amiName = optionalString(config, 'amiName');
  return {
    ...(pkg ? { package: pkg } : {}),
    ...(baseOs ? { baseOs } : {}),
    ...(baseLabel ? { baseLabel } : {}),
    ...(baseAmi ? { baseAmi } : {}),
    ...(script ? { script } : {}),
    ...(instanceType ? { instanceType } : {}),
    ...(amiName ? { amiName } : {}),
  };
}

/** What a bake with nothing to install runs: the base image is imaged as it is (as Rosco bakes an empty package). */
const NOTHING_TO_INSTALL = ': # no package to install: the base image is baked as it is';

/** The provisioning script: given, or the install command of the package for the base OS (none without a package). */
export function provisioningScript(request: BakeRequest, config: BakeConfig): string {
  if (request.script) return request.script;
  const packages = request.package;
  if (packages === undefined) return NOTHING_TO_INSTALL;
  const command = request.baseOs ? installCommand(config, request.baseOs, packages) : undefined;
  if (!command) {
    throw new BakeError(`no install command for baseOs '${request.baseOs ?? '(none)'}' in ${config.source}: add one under install, or give provisioningScript`);
  }
  return command;
}

/** The base image, which must exist and be available in the region. */
export async function baseImage(driver: CloudDriver, request: BakeRequest, config: BakeConfig): Promise<ImageView> {
  const region = driver.region;
  const ref = request.baseAmi ?? (request.baseOs ? baseImageRef(config, request.baseOs, request.baseLabel, region) : undefined);
  if (!ref) {
    throw new BakeError(
      `no base image for baseOs '${request.baseOs}'${request.baseLabel ? ` (label ${request.baseLabel})` : ''} in ${region} in ${config.source}: ` +
        `configure baseImages, or give baseAmi`,
    );
  }
  let image: ImageView | undefined;
  if (ref.startsWith('name:')) {
    const name = ref.slice('name:'.length);
    image = (await driver.findImages({ name, owners: ['self'] }))[0] ?? (await driver.findImages({ name, owners: ['amazon', '099720109477'] }))[0];
    if (!image) throw new BakeError(`no base image named ${name} in ${region} (from ${config.source})`);
  } else {
    image = await driver.describeImage(ref);
  }
  if (image.state !== 'available') throw new BakeError(`base image ${image.imageId} in ${region} is ${image.state}, not available`);
  return image;
}

export function placementOf(config: BakeConfig, region: string): BuilderPlacement {
  return config.regions[region] ?? {};
}
