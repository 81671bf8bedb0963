/**
 * `jenkins`: starts a Jenkins job with parameters, follows its queue item to the build, waits for
 * the build's result and reads its property file into the stage outputs (Orca's JenkinsStage:
 * master, job, parameters, propertyFile, markUnstableAsSuccessful, waitForCompletion).
 *
 * Never two builds for one stage run. The stage checkpoints `triggering` before the POST and the
 * queue item id right after it, and sends a marker parameter (GENNAKER_TRIGGER_ID, unique per stage
 * run) with the build. A call that finds `triggering` without a queue id (the previous call died
 * between the POST and the checkpoint) looks for the marker in the queue and the job's recent
 * builds and adopts what it finds. Jenkins drops parameters a job does not declare, so the marker is
 * only visible for jobs that declare it; for other jobs the stage fails rather than risk a second
 * build. (Jenkins also merges a re-sent identical request into the waiting queue item, which covers
 * a retry while the first build is still queued.)
 */
import { createHash } from 'node:crypto';
import {
  type SavedContext,
  StageConfigError,
  type StageImplementation,
  type StageRunContext,
  type TaskResult,
  stageFields,
  stageState,
} from '../../../core/stage-api.js';
import { JenkinsApiError, JenkinsConfigError, PropertyFileError } from '../errors.js';
import { HttpTransportError, ResponseTooLargeError, UnsafeUrlError } from '../../../core/http/errors.js';
import type { HttpSender } from '../../../core/http/client.js';
import { JenkinsClient, type BuildInfo, type ParameterValue } from './api.js';
import type { JenkinsMasters } from './masters.js';
import type { SecretFetcher, SecretScope } from '../../../core/secrets/scope.js';
import { parsePropertyFile } from './properties.js';

/** The build parameter that marks a build as this stage run's. */
export const MARKER_PARAMETER = 'GENNAKER_TRIGGER_ID';
const MAX_CONSECUTIVE_FAILURES = 10;
export const JENKINS_STATE_KEY = 'jenkinsState';
/** This stage type's state in its record (stage-api.ts stageState): the one place its type is declared. */
const JENKINS_STATE = stageState<JenkinsState>(JENKINS_STATE_KEY);

/** What the stage shows in its context beside its state (Orca's names). */
interface JenkinsFields {
  readonly master: string;
  readonly job: string;
  readonly queuedBuild: number;
  /** Why Jenkins still queues the build. */
  readonly queueReason: string;
  readonly buildNumber: number;
  readonly buildInfo: Readonly<Record<string, unknown>>;
  readonly propertyFileContents: Readonly<Record<string, unknown>>;
  /** The last transient error, while the stage retries. */
  readonly lastError: string;
}
const JENKINS = stageFields<JenkinsFields>();

export interface JenkinsDeps {
  readonly http: HttpSender;
  /** The configured masters (loaded lazily, once per container; tokens resolved per call). */
  readonly masters: () => Promise<JenkinsMasters>;
  /** Where the masters' token references are read. @default none: a reference fails the stage */
  readonly secrets?: SecretFetcher;
}

export interface JenkinsConfig {
  readonly master: string;
  readonly job: string;
  readonly parameters: Readonly<Record<string, ParameterValue>>;
  readonly propertyFile?: string;
  readonly markUnstableAsSuccessful: boolean;
  readonly waitForCompletion: boolean;
}

interface JenkinsState {
  readonly marker: string;
  readonly triggering?: boolean;
  readonly queueId?: number;
  readonly buildNumber?: number;
  readonly failures: number;
  readonly polls: number;
}

export function parseJenkinsConfig(raw: Readonly<Record<string, unknown>>): { value?: JenkinsConfig; problems: string[] } {
  const problems: string[] = [];
  const text = (field: string): string | undefined => {
    const v = raw[field];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') {
      problems.push(`${field}: must be a string`);
      return undefined;
    }
    return v.trim();
  };
  const master = text('master');
  const job = text('job');
  if (master === undefined && raw.master === undefined) problems.push('master: required (a configured Jenkins master)');
  if (job === undefined && raw.job === undefined) problems.push('job: required');
  const propertyFile = text('propertyFile');
  const parameters: Record<string, ParameterValue> = {};
  const rawParameters = raw.parameters ?? {};
  if (typeof rawParameters !== 'object' || rawParameters === null || Array.isArray(rawParameters)) problems.push('parameters: must be an object');
  else {
    for (const [name, value] of Object.entries(rawParameters)) {
      if (name === MARKER_PARAMETER) problems.push(`parameters.${name}: reserved for Gennaker`);
      else if (value === null || value === undefined) parameters[name] = '';
      else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') parameters[name] = String(value);
      else if (Array.isArray(value) && value.every((v) => ['string', 'number', 'boolean'].includes(typeof v))) parameters[name] = value.map(String);
      else problems.push(`parameters.${name}: must be a text, number, boolean or a list of them`);
    }
  }
  const flag = (field: string, fallback: boolean): boolean => {
    const v = raw[field];
    if (v === undefined || v === null) return fallback;
    if (v === true || v === 'true') return true;
    if (v === false || v === 'false') return false;
    problems.push(`${field}: must be true or false`);
    return fallback;
  };
  const markUnstableAsSuccessful = flag('markUnstableAsSuccessful', false);
  const waitForCompletion = flag('waitForCompletion', true);
  if (problems.length > 0 || master === undefined || job === undefined) return { problems };
  return { value: { master, job, parameters, ...(propertyFile ? { propertyFile } : {}), markUnstableAsSuccessful, waitForCompletion }, problems };
}

/** Unique per stage run, stable across its calls. */
export function triggerMarker(executionId: string, refId: string, startTime: number): string {
  return createHash('sha256').update(`${executionId}\n${refId}\n${startTime}`).digest('hex').slice(0, 32);
}

export function jenkinsStage(deps: JenkinsDeps): StageImplementation {
  return {
    type: 'jenkins',
    validate: (config) => parseJenkinsConfig(config).problems,
    ...(deps.secrets ? { secrets: deps.secrets } : {}),
    async run(ctx) {
      const parsed = parseJenkinsConfig(ctx.stage.config);
      if (!parsed.value) throw new StageConfigError(parsed.problems.join('; '));
      const config = parsed.value;
      const saved = JENKINS_STATE.of(ctx.state);
      const state: JenkinsState = saved ?? { marker: triggerMarker(ctx.executionId, ctx.stage.refId, ctx.startTime), failures: 0, polls: 0 };
      const base = { master: config.master, job: config.job };
      try {
        const masters = await deps.masters();
        const client = new JenkinsClient(await masters.get(config.master, ctx.secrets), deps.http);
        if (state.queueId === undefined && state.buildNumber === undefined) return await trigger(ctx, config, state, client);
        if (state.buildNumber === undefined) return await followQueue(config, state, client);
        return await watchBuild(config, state, client);
      } catch (error) {
        return setback(error, state, base);
      }
    },
  };
}

async function trigger(ctx: StageRunContext, config: JenkinsConfig, state: JenkinsState, client: JenkinsClient): Promise<TaskResult> {
  const info = await client.jobInfo(config.job);
  const marker = { name: MARKER_PARAMETER, value: state.marker };
  if (state.triggering) {
    // An earlier call may have queued a build and died before recording it.
    const queued = await client.findQueued(config.job, marker.name, marker.value);
    if (queued !== undefined) return queuedResult(config, { ...state, triggering: false, queueId: queued, failures: 0 });
    const built = await client.findBuild(config.job, { parameter: marker });
    if (built !== undefined) return watchBuild(config, { ...state, triggering: false, buildNumber: built, failures: 0 }, client);
    if (!info.parameterNames.includes(MARKER_PARAMETER)) {
      return {
        status: 'FAILED',
        error:
          `an earlier attempt to start ${config.job} on ${config.master} ended before recording its queue item, and the job does not ` +
          `declare the ${MARKER_PARAMETER} parameter that would find the build it may have started; not starting a second build`,
        context: JENKINS_STATE.save(state),
      };
    }
  }
  await ctx.checkpoint({ ...JENKINS_STATE.save({ ...state, triggering: true }), ...JENKINS.save({ master: config.master, job: config.job }) });
  let queueId: number;
  try {
    queueId = await client.trigger(config.job, info.parameterized ? { ...config.parameters, [marker.name]: marker.value } : undefined);
  } catch (error) {
    // A refusal (4xx) started nothing: the next attempt need not look for a build.
    if (error instanceof JenkinsApiError && error.status !== undefined && error.status < 500 && error.status !== 429) {
      return setback(error, { ...state, triggering: false }, { master: config.master, job: config.job });
    }
    throw error;
  }
  const queued: JenkinsState = { ...state, triggering: false, queueId, failures: 0 };
  await ctx.checkpoint({ ...JENKINS_STATE.save(queued), ...JENKINS.save({ queuedBuild: queueId }) });
  return queuedResult(config, queued);
}

function queuedResult(config: JenkinsConfig, state: JenkinsState): TaskResult {
  return {
    status: 'RUNNING',
    // Jenkins' default quiet period is 5 s.
    waitSeconds: 5,
    context: { ...JENKINS_STATE.save(state), ...JENKINS.save({ queuedBuild: state.queueId, master: config.master, job: config.job }) },
  };
}

async function followQueue(config: JenkinsConfig, state: JenkinsState, client: JenkinsClient): Promise<TaskResult> {
  const queueId = state.queueId!;
  const item = await client.queueItem(queueId);
  switch (item.state) {
    case 'waiting':
      return {
        status: 'RUNNING',
        waitSeconds: pollSeconds(state.polls),
        context: { ...JENKINS_STATE.save({ ...state, failures: 0, polls: state.polls + 1 }), ...JENKINS.save(item.why ? { queueReason: item.why } : {}) },
      };
    case 'cancelled':
      return { status: 'FAILED', error: `queue item ${queueId} of ${config.job} was cancelled in Jenkins`, context: JENKINS_STATE.save(state) };
    case 'started':
      return watchBuild(config, { ...state, buildNumber: item.number, failures: 0, polls: 0 }, client);
    case 'gone': {
      const number = await client.findBuild(config.job, { queueId, parameter: { name: MARKER_PARAMETER, value: state.marker } });
      if (number !== undefined) return watchBuild(config, { ...state, buildNumber: number, failures: 0, polls: 0 }, client);
      return {
        status: 'FAILED',
        error: `queue item ${queueId} of ${config.job} is gone and no recent build came from it`,
        context: JENKINS_STATE.save(state),
      };
    }
  }
}

async function watchBuild(config: JenkinsConfig, state: JenkinsState, client: JenkinsClient): Promise<TaskResult> {
  const number = state.buildNumber!;
  const build = await client.build(config.job, number);
  const context = { ...JENKINS_STATE.save({ ...state, failures: 0 }), ...JENKINS.save({ buildNumber: number, buildInfo: buildInfo(config, build) }) };
  const outputs = { buildNumber: number, buildInfo: buildInfo(config, build) };
  if (!config.waitForCompletion) return { status: 'SUCCEEDED', context, outputs };
  if (build.building || build.result === null) {
    return {
      status: 'RUNNING',
      waitSeconds: pollSeconds(state.polls),
      context: { ...context, ...JENKINS_STATE.save({ ...state, failures: 0, polls: state.polls + 1 }) },
      outputs,
    };
  }
  const succeeded = build.result === 'SUCCESS' || (build.result === 'UNSTABLE' && config.markUnstableAsSuccessful);
  // As Orca: an aborted build cancels the stage rather than failing it.
  if (build.result === 'ABORTED') return { status: 'CANCELED', reason: `build ${config.job} #${number} was aborted`, context, outputs };
  if (!succeeded) {
    const error = `build ${config.job} #${number} ended ${build.result}${build.result === 'UNSTABLE' ? ' (set markUnstableAsSuccessful to accept it)' : ''}`;
    return { status: 'FAILED', error, context, outputs };
  }
  if (!config.propertyFile) return { status: 'SUCCEEDED', context, outputs };
  const text = await client.artifact(config.job, number, config.propertyFile);
  if (text === undefined) {
    return { status: 'FAILED', error: `build ${config.job} #${number} has no artifact ${config.propertyFile} (propertyFile)`, context, outputs };
  }
  const properties = await parsePropertyFile(config.propertyFile, text);
  return {
    status: 'SUCCEEDED',
    context: { ...context, ...JENKINS.save({ propertyFileContents: properties }) },
    // As in Orca, the properties become outputs downstream stages read by name.
    outputs: { ...properties, ...outputs, propertyFileContents: properties },
  };
}

function buildInfo(config: JenkinsConfig, build: BuildInfo): Record<string, unknown> {
  return {
    name: config.job,
    number: build.number,
    ...(build.url ? { url: build.url } : {}),
    building: build.building,
    result: build.result,
    ...(build.duration !== undefined ? { duration: build.duration } : {}),
    ...(build.timestamp !== undefined ? { timestamp: build.timestamp } : {}),
    artifacts: build.artifacts,
  };
}

/** 5 s, then backing off to 30 s. */
function pollSeconds(polls: number): number {
  return Math.min(30, 5 * 2 ** Math.floor(polls / 3));
}

/** Transient trouble becomes a retry (until it happened too often in a row); the rest fails the stage. */
function setback(error: unknown, state: JenkinsState, base: Pick<JenkinsFields, 'master' | 'job'>): TaskResult {
  const transient =
    error instanceof HttpTransportError || (error instanceof JenkinsApiError && error.status !== undefined && (error.status >= 500 || error.status === 429));
  const failures = state.failures + 1;
  const context = { ...JENKINS_STATE.save({ ...state, failures }), ...JENKINS.save(base) };
  if (transient && failures <= MAX_CONSECUTIVE_FAILURES) {
    return { status: 'RUNNING', waitSeconds: Math.min(60, 2 ** failures), context: { ...context, ...JENKINS.save({ lastError: error.message }) } };
  }
  if (
    transient ||
    error instanceof JenkinsApiError ||
    error instanceof JenkinsConfigError ||
    error instanceof PropertyFileError ||
    error instanceof UnsafeUrlError ||
    error instanceof ResponseTooLargeError
  ) {
    const message = error.message;
    return { status: 'FAILED', error: transient ? `${message} (gave up after ${MAX_CONSECUTIVE_FAILURES} retries)` : message, context };
  }
  throw error;
}

/** Best-effort stop of the build (or queue item) for the cancel path. Never throws. */
export async function cancelJenkins(
  config: Readonly<Record<string, unknown>>,
  context: SavedContext,
  deps: JenkinsDeps,
  secrets?: SecretScope,
): Promise<{ readonly stopped: boolean; readonly reason?: string }> {
  const parsed = parseJenkinsConfig(config);
  const state = JENKINS_STATE.of(context);
  if (!parsed.value) return { stopped: false, reason: parsed.problems.join('; ') };
  if (state?.buildNumber === undefined && state?.queueId === undefined) return { stopped: false, reason: 'no build was queued' };
  try {
    const client = new JenkinsClient(await (await deps.masters()).get(parsed.value.master, secrets), deps.http);
    await client.stop(parsed.value.job, { ...(state.buildNumber !== undefined ? { buildNumber: state.buildNumber } : { queueId: state.queueId! }) });
    return { stopped: true };
  } catch (error) {
    return { stopped: false, reason: (error as Error).message };
  }
}
