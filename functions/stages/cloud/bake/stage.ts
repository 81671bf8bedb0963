/**
 * `bake`: an AMI per region from a base image and a provisioning script, Spinnaker's fields
 * (package, baseOs, baseLabel, regions, vmType, storeType) or an explicit baseAmi and
 * provisioningScript. Per region:
 *
 *   plan → launch the builder → wait until provisioned → CreateImage → wait until available → terminate
 *
 * The builder is terminated on failure too. Every step converges when re-run after a crash: the
 * builder is found by its bake key tag, the image by its name (unique to the bake), and
 * terminating a terminated builder is a no-op.
 */
import { bakeProblems } from '../../../../state-machines/stage-types/cloud.js';
import { imageTags, TAG_PREFIX, type CloudDriver } from '../../../core/cloud/index.js';
import { type StageImplementation, type StageRunContext, stageFields, stageRunKey, type TaskResult } from '../../../core/stage-api.js';
import type { CloudEnv } from '../deps.js';
import { BakeError } from '../errors.js';
import { accountOf, isObject, optionalString, regionsOf } from '../fields.js';
import { runUnits, unitErrors, unitStates, type StepResult, type Unit, type UnitState } from '../units.js';
import { clearWait, poll, timeoutSeconds as configured, type WaitFields } from '../waiting.js';
import type { BakeConfig } from './config.js';
import { bakeRequest, baseImage, placementOf, provisioningScript } from './plan.js';
import { bakeImageName, builderUserData, provisioningFailure } from './script.js';

type Phase = 'plan' | 'launch' | 'provision' | 'image' | 'waitImage' | 'cleanup' | 'cleanupAfterFailure';

interface BakeState extends UnitState, WaitFields {
  readonly phase: Phase;
  /** Where the bake runs (cancel has only the recorded state to go by). */
  readonly account: string;
  readonly region: string;
  readonly baseImageId?: string;
  readonly imageName?: string;
  readonly instanceType?: string;
  readonly builderId?: string;
  /** When the builder was launched (ms): the bake timeout counts from here. */
  readonly launchedAt?: number;
  readonly imageId?: string;
}

const BAKE_UNITS = unitStates<BakeState>();

/** One baked image, as Spinnaker's deploymentDetails list it. */
interface DeploymentDetail {
  readonly ami: string;
  readonly imageId: string;
  readonly imageName: string | undefined;
  readonly amiName: string | undefined;
  readonly region: string;
  readonly cloudProvider: 'aws';
  readonly package?: string;
  readonly baseOs?: string;
  readonly baseLabel?: string;
  readonly baseAmiId: string | undefined;
  readonly storeType: 'ebs';
  readonly vmType: 'hvm';
}

/** Spinnaker's bake context fields, for expressions like ${#stage('Bake').context.ami}: the first region's image. */
const BAKED = stageFields<Pick<DeploymentDetail, 'ami' | 'imageId' | 'imageName' | 'region'>>();

interface BakeUnitContext {
  readonly ctx: StageRunContext;
  readonly env: CloudEnv;
  readonly account: string;
  readonly region: string;
  /** Identifies this bake in this region: the builder's tag, and the seed of the image name. */
  readonly key: string;
  driver(): Promise<CloudDriver>;
  config(): Promise<BakeConfig>;
}

const BAKE_TAGS = { package: `${TAG_PREFIX}package`, baseOs: `${TAG_PREFIX}base-os`, baseImage: `${TAG_PREFIX}base-image-id` };

async function timeoutSeconds(b: BakeUnitContext): Promise<number> {
  return configured(b.ctx.stage.config, 'bakeTimeoutSeconds', (await b.config()).timeoutSeconds);
}

async function plan(b: BakeUnitContext, state: BakeState): Promise<BakeState> {
  const config = await b.config();
  const request = bakeRequest(b.ctx.stage.config);
  const driver = await b.driver();
  provisioningScript(request, config); // fails here, before anything is launched, when there is none
  const base = await baseImage(driver, request, config);
  const imageName = bakeImageName(request.amiName ?? request.package ?? 'image', request.baseOs, b.key);
  return { ...state, phase: 'launch', baseImageId: base.imageId, imageName, instanceType: request.instanceType ?? config.instanceType };
}

async function launch(b: BakeUnitContext, state: BakeState): Promise<BakeState> {
  const config = await b.config();
  const placement = placementOf(config, b.region);
  const builder = await (
    await b.driver()
  ).launchBuilder({
    key: b.key,
    imageId: state.baseImageId!,
    instanceType: state.instanceType!,
    userData: builderUserData(provisioningScript(bakeRequest(b.ctx.stage.config), config)),
    ...(placement.subnetId ? { subnetId: placement.subnetId } : {}),
    ...(placement.securityGroups ? { securityGroupIds: placement.securityGroups } : {}),
    ...(placement.iamInstanceProfile ? { iamInstanceProfile: placement.iamInstanceProfile } : {}),
    tags: { Name: `gennaker bake ${state.imageName}`, [`${TAG_PREFIX}application`]: b.ctx.application },
  });
  return { ...state, phase: 'provision', builderId: builder.instanceId, launchedAt: state.launchedAt ?? b.ctx.clock.now() };
}

async function provision(b: BakeUnitContext, state: BakeState): Promise<StepResult<BakeState>> {
  const driver = await b.driver();
  const config = await b.config();
  const builder = await driver.describeBuilder(state.builderId!);
  if (!builder || builder.state === 'terminated' || builder.state === 'shutting-down') {
    throw new BakeError(`builder ${state.builderId} in ${b.region} was terminated before provisioning finished`);
  }
  const provisioned = builder.state === 'stopped' || (config.completion === 'running' && builder.state === 'running');
  if (provisioned) return { state: { ...clearWait(state), phase: 'image' } };
  if (builder.state === 'running') {
    const failure = provisioningFailure(await driver.builderConsoleOutput(state.builderId!));
    if (failure) throw new BakeError(`the provisioning script failed on builder ${state.builderId} in ${b.region}:\n${failure}`);
  }
  return waitOrTimeOut(b, state, `builder ${state.builderId} was still ${builder.state}`);
}

async function waitOrTimeOut(b: BakeUnitContext, state: BakeState, what: string): Promise<StepResult<BakeState>> {
  const next = poll({ ...state, waitSince: state.waitSince ?? state.launchedAt }, b.ctx.clock.now(), await timeoutSeconds(b));
  if (next.timedOut) throw new BakeError(`bake in ${b.region} timed out after ${next.waitedSeconds} s: ${what}`);
  return { state: next.state, waitSeconds: next.waitSeconds };
}

async function image(b: BakeUnitContext, state: BakeState): Promise<BakeState> {
  const config = b.ctx.stage.config;
  const request = bakeRequest(config);
  const extra = isObject(config.tags) ? Object.fromEntries(Object.entries(config.tags).map(([k, v]) => [k, String(v)])) : {};
  const version = optionalString(config, 'version');
  const commit = optionalString(config, 'commit');
  const tags = imageTags({
    application: b.ctx.application,
    ...(version ? { version } : {}),
    ...(commit ? { commit } : {}),
    extra: {
      ...extra,
      ...(request.package ? { [BAKE_TAGS.package]: request.package } : {}),
      ...(request.baseOs ? { [BAKE_TAGS.baseOs]: request.baseOs } : {}),
      [BAKE_TAGS.baseImage]: state.baseImageId!,
    },
  });
  const completion = (await b.config()).completion;
  const created = await (
    await b.driver()
  ).createImage({
    instanceId: state.builderId!,
    name: state.imageName!,
    description: `Baked by Gennaker for ${b.ctx.application}${request.package ? ` (${request.package})` : ''} from ${state.baseImageId}`,
    tags,
    // A builder that shut itself down has a quiet disk; a running one is rebooted for it.
    noReboot: completion === 'shutdown',
  });
  return { ...state, phase: 'waitImage', imageId: created.imageId };
}

async function waitImage(b: BakeUnitContext, state: BakeState): Promise<StepResult<BakeState>> {
  const view = await (await b.driver()).describeImage(state.imageId!);
  if (view.state === 'available') return { state: { ...clearWait(state), phase: 'cleanup' } };
  if (view.state === 'failed' || view.state === 'error' || view.state === 'invalid')
    throw new BakeError(`image ${state.imageId} in ${b.region} ended ${view.state}`);
  return waitOrTimeOut(b, state, `image ${state.imageId} was still ${view.state}`);
}

async function terminate(b: BakeUnitContext, state: BakeState): Promise<void> {
  const driver = await b.driver();
  const id = state.builderId ?? (await driver.findBuilder(b.key))?.instanceId;
  if (id) await driver.terminateBuilder(id);
}

function bakeUnit(ctx: StageRunContext, env: CloudEnv, account: string, region: string): Unit<BakeState> {
  const b: BakeUnitContext = {
    ctx,
    env,
    account,
    region,
    key: bakeKey(ctx, region),
    driver: async () => (await env.target(account, region)).driver,
    config: () => env.bakeConfig(),
  };
  return {
    key: region,
    initial: () => ({ status: 'running', phase: 'plan', account, region }),
    async step(state) {
      switch (state.phase) {
        case 'plan':
          return { state: await plan(b, state) };
        case 'launch':
          return { state: await launch(b, state) };
        case 'provision':
          return provision(b, state);
        case 'image':
          return { state: await image(b, state) };
        case 'waitImage':
          return waitImage(b, state);
        case 'cleanup':
          await terminate(b, state);
          return { state: { ...state, status: 'succeeded' } };
        case 'cleanupAfterFailure':
          await terminate(b, state);
          return { state: { ...state, status: 'failed' } };
      }
    },
    onFailure(state, error) {
      if (state.phase === 'cleanupAfterFailure')
        return { ...state, status: 'failed', error: `${state.error ?? ''}; terminating the builder failed too: ${error}` };
      // From the launch on, a builder may exist: terminate it before failing.
      if (state.phase === 'plan') return { ...state, status: 'failed', error };
      return { ...clearWait(state), phase: 'cleanupAfterFailure', error };
    },
  };
}

function details(config: Readonly<Record<string, unknown>>, states: Readonly<Record<string, BakeState>>): DeploymentDetail[] {
  const request = bakeRequest(config);
  return Object.entries(states).flatMap(([region, s]) =>
    s.status === 'succeeded' && s.imageId
      ? [
          {
            ami: s.imageId,
            imageId: s.imageId,
            imageName: s.imageName,
            amiName: s.imageName,
            region,
            cloudProvider: 'aws' as const,
            ...(request.package ? { package: request.package } : {}),
            ...(request.baseOs ? { baseOs: request.baseOs } : {}),
            ...(request.baseLabel ? { baseLabel: request.baseLabel } : {}),
            baseAmiId: s.baseImageId,
            storeType: 'ebs' as const,
            vmType: 'hvm' as const,
          },
        ]
      : [],
  );
}

/** A bake's key in a region: the builder's tag, and the seed of the image name. */
function bakeKey(ctx: Pick<StageRunContext, 'executionId' | 'stage' | 'attempt'>, region: string): string {
  return `${stageRunKey(ctx)}:${region}`;
}

/** Terminates the builders of a canceled or timed-out bake, from what its units recorded. */
async function cancelBake(ctx: StageRunContext, env: CloudEnv): Promise<string | undefined> {
  const states = Object.values(BAKE_UNITS.of(ctx.state) ?? {});
  const terminated: string[] = [];
  for (const state of states) {
    if (state.status !== 'running' || state.phase === 'plan' || !state.account) continue;
    const { driver } = await env.target(state.account, state.region);
    const id = state.builderId ?? (await driver.findBuilder(bakeKey(ctx, state.region)))?.instanceId;
    if (!id) continue;
    await driver.terminateBuilder(id);
    terminated.push(`${id} in ${state.region}`);
  }
  return terminated.length > 0 ? `terminated builder ${terminated.join(', ')}` : undefined;
}

export function bakeStage(env: CloudEnv): StageImplementation {
  return {
    type: 'bake',
    validate: bakeProblems,
    cancel: (ctx) => cancelBake(ctx, env),
    async run(ctx): Promise<TaskResult> {
      const config = ctx.stage.config;
      const account = accountOf(config);
      const regions = regionsOf(config, env.defaultRegion());
      const outcome = await runUnits(
        ctx,
        regions.map((region) => bakeUnit(ctx, env, account, region)),
        BAKE_UNITS,
      );
      if (outcome.waitSeconds !== undefined) return { status: 'RUNNING', waitSeconds: outcome.waitSeconds };
      const deploymentDetails = details(config, outcome.states);
      const errors = unitErrors(outcome.states);
      if (errors.length > 0) return { status: 'FAILED', error: errors.join('; '), outputs: { deploymentDetails } };
      const first = deploymentDetails[0];
      const context = BAKED.save(first ? { ami: first.ami, imageId: first.imageId, imageName: first.imageName, region: first.region } : {});
      return { status: 'SUCCEEDED', outputs: { deploymentDetails }, context };
    },
  };
}
