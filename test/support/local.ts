/**
 * Whole pipelines in local mode against a private moto_server: validate, compile, run in
 * aws-local-stepfunctions with the real engine, and read back the record and the event log.
 */
import { beforeAll, beforeEach, expect } from 'vitest';
import aslValidator from 'asl-validator';
import { resetClientCache } from '../../functions/core/aws-clients.js';
import { ensureTables } from '../../functions/core/tables.js';
import { type LocalRunResult, LocalRuntime, type LocalRuntimeOptions, type EventLog } from '../../local/runtime.js';
import { validatePipeline } from '../../state-machines/model/validate.js';
import type { Pipeline } from '../../state-machines/model/pipeline.js';
import { useMoto, type MotoExtras } from './moto.js';

export function useLocalAws(extras: MotoExtras = {}) {
  const moto = useMoto(extras);
  beforeAll(() => resetClientCache());
  beforeEach(async () => {
    resetClientCache();
    await ensureTables();
  });
  return moto;
}

/** Validates or fails the test with the validator's messages. */
export function pipelineOf(raw: Record<string, unknown>): Pipeline {
  const result = validatePipeline({ application: 'test', name: 'pipeline', ...raw });
  if (!result.pipeline) throw new Error(`invalid test pipeline:\n${result.errors.map((e) => `${e.path}: ${e.message}`).join('\n')}`);
  return result.pipeline;
}

export async function runPipeline(
  raw: Record<string, unknown>,
  options: LocalRuntimeOptions & { parameters?: Record<string, unknown>; trigger?: Record<string, unknown> } = {},
): Promise<LocalRunResult & { runtime: LocalRuntime }> {
  const runtime = new LocalRuntime({ timeScale: 100, judge: { kind: 'auto', judgment: 'continue' }, ...options });
  const run = runtime.start(pipelineOf(raw), {
    ...(options.parameters ? { parameters: options.parameters } : {}),
    ...(options.trigger ? { trigger: options.trigger } : {}),
  });
  const result = await run.result;
  await runtime.idle();
  return { ...result, runtime };
}

export function statusOf(result: LocalRunResult): Record<string, string> {
  return Object.fromEntries(result.execution.stages.map((s) => [s.name, s.status]));
}

/** When each named state was first entered, from the local engine's event log. */
export function firstEntered(events: readonly EventLog[], name: string): number {
  const event = events.find((e) => e.type === 'StateEntered' && e.state?.name === name);
  if (!event) throw new Error(`state '${name}' was never entered`);
  return event.timestamp;
}

export function lastExited(events: readonly EventLog[], name: string): number {
  const exits = events.filter((e) => e.type === 'StateExited' && e.state?.name === name);
  if (exits.length === 0) throw new Error(`state '${name}' never exited`);
  return exits[exits.length - 1]!.timestamp;
}

/** asl-validator mutates its input, so it gets a copy. */
export function expectValidAsl(definition: unknown): void {
  const copy = structuredClone(definition) as object;
  const result = aslValidator(copy);
  expect(result.isValid, result.isValid ? '' : result.errorsText('\n')).toBe(true);
}
