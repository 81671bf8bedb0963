/**
 * Crash idempotency of the Lambda stages, generated as for server groups (cloud-stages/
 * crash-scenarios.ts): a clean run records every mutating Lambda call; then, for each call, the
 * scenario runs again from scratch with the handler crashing right after that call returned (AWS
 * did it, the caller never heard), the task is re-run as Step Functions would, and the functions
 * must end as the clean run left them: one published version per deploy, never two, and the same
 * aliases and weights. Shared by the tests and the benchmark.
 */
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { resetClientCache } from '../../../functions/core/aws-clients.js';
import { ensureTables } from '../../../functions/core/tables.js';
import { countCalls, crashAfter, injectionPoints, removeAllFaults, type InjectionPoint } from '../faults.js';
import type { CrashRuns, Emulator } from '../crash-suite.js';
import { runStages, type HarnessRun } from '../cloud-stages/harness.js';
import { functionsClient, functionsWorld, lambdaWorld, type FunctionsWorld } from './fixtures.js';

export interface LambdaScenario {
  readonly name: string;
  /** What exists before the stage runs (e.g. earlier deploys). */
  setup(): Promise<void>;
  pipeline(): Record<string, unknown>;
  /** Faults that are part of the scenario (e.g. an alarm that fires, an invocation that fails). */
  faults?(lambda: LambdaClient): void;
  readonly expectStatus: string;
}

export interface ScenarioRun {
  readonly run: HarnessRun;
  readonly world: FunctionsWorld;
}

/** Resets the emulator and makes the fixtures every scenario needs. */
export type Fresh = () => Promise<void>;

/** Fresh for the emulator `server()` returns: reset, the tables, and the code bucket and role every function uses. */
export function freshLambda(server: () => Emulator): Fresh {
  return async () => {
    await server().reset();
    resetClientCache();
    await ensureTables();
    await lambdaWorld();
  };
}

async function runOnce(scenario: LambdaScenario, fresh: Fresh, inject?: (lambda: LambdaClient) => void): Promise<ScenarioRun> {
  await fresh();
  await scenario.setup();
  const lambda = functionsClient();
  scenario.faults?.(lambda);
  inject?.(lambda);
  try {
    const run = await runStages(scenario.pipeline(), { executionId: 'exec-under-test' });
    removeAllFaults();
    return { run, world: await functionsWorld(lambda) };
  } finally {
    removeAllFaults();
  }
}

export async function cleanRun(scenario: LambdaScenario, fresh: Fresh): Promise<ScenarioRun & { points: InjectionPoint[]; calls: Record<string, number> }> {
  let counter: ReturnType<typeof countCalls> | undefined;
  const result = await runOnce(scenario, fresh, (lambda) => {
    counter = countCalls(lambda);
  });
  const calls = counter!.counts();
  counter!.remove();
  return { ...result, points: injectionPoints(calls), calls };
}

async function crashedRun(scenario: LambdaScenario, fresh: Fresh, point: InjectionPoint): Promise<ScenarioRun & { triggered: number }> {
  let fault: { triggered: () => number } | undefined;
  const result = await runOnce(scenario, fresh, (lambda) => {
    fault = crashAfter([lambda], point);
  });
  return { ...result, triggered: fault!.triggered() };
}

/** The Lambda scenarios' clean and crashed runs, for crashSuite. */
export function lambdaCrashRuns(server: () => Emulator): CrashRuns<LambdaScenario> {
  const fresh = freshLambda(server);
  return { clean: (scenario) => cleanRun(scenario, fresh), crashed: (scenario, point) => crashedRun(scenario, fresh, point) };
}
