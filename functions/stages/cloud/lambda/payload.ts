/**
 * Payloads and expected outputs of the plugin's invoke and blue/green stages: `lambdaPayload` /
 * `lambdaOutput` (text or JSON in the stage), or `payloadArtifact` / `outputArtifact` as Deck's
 * Lambda forms write them (`{id}` of an expected artifact bound in this execution, or
 * `{artifact: {...}}` inline, with `account`), read by functions/core/artifacts.
 */
import { readArtifactText } from '../../../core/artifacts/read.js';
import type { StageRunContext } from '../../../core/stage-api.js';
import type { CloudEnv } from '../deps.js';
import { isObject } from '../fields.js';
import { stageArtifactOf } from './fields.js';

type Config = Readonly<Record<string, unknown>>;

/** Deck writes `{account: '', id: ''}` (or `artifact: null`) for "no artifact". */
function namesArtifact(value: unknown): boolean {
  if (!isObject(value)) return false;
  const given = (v: unknown) => typeof v === 'string' && v !== '';
  return given(value.id) || given(value.artifactId) || isObject(value.artifact) || given(value.type);
}

async function artifactText(ctx: StageRunContext, env: CloudEnv, field: string): Promise<string | undefined> {
  const value = ctx.stage.config[field];
  if (!namesArtifact(value)) return undefined;
  const artifact = stageArtifactOf(value, field, ctx.evaluation.execution.trigger);
  return readArtifactText(artifact, field, await env.artifactReaders(ctx));
}

function text(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export async function payloadOf(ctx: StageRunContext, env: CloudEnv): Promise<string | undefined> {
  const config: Config = ctx.stage.config;
  return text(config.lambdaPayload) ?? text(config.payload) ?? (await artifactText(ctx, env, 'payloadArtifact'));
}

export async function expectedOutputOf(ctx: StageRunContext, env: CloudEnv): Promise<string | undefined> {
  return text(ctx.stage.config.lambdaOutput) ?? (await artifactText(ctx, env, 'outputArtifact'));
}

/** The plugin compares outputs with whitespace removed. */
export function sameOutput(expected: string, actual: string): boolean {
  const squeeze = (s: string) => s.replace(/[\n\t ]/g, '');
  return squeeze(expected) === squeeze(actual);
}
