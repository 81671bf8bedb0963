/**
 * Crash idempotency of the Lambda stages, generated as for server groups (cloud-stages/
 * crash-scenarios.ts): a clean run records every mutating Lambda call; then, for each call, the
 * scenario runs again from scratch with the handler crashing right after that call returned (AWS
 * did it, the caller never heard), the task is re-run as Step Functions would, and the functions
 * must end as the clean run left them: one published version per deploy, never two, and the same
 * aliases and weights. Shared by the tests and the benchmark.
 */
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { countCalls, crash, injectFault, MUTATING, removeAllFaults } from '../faults.js';
import { runStages, type HarnessRun } from '../cloud-stages/harness.js';
import { functionsClient, functionsWorld, type FunctionsWorld } from './fixtures.js';

export interface LambdaScenario {
  readonly name: string;
  /** What exists before the stage runs (e.g. earlier deploys). */
  setup(): Promise<void>;
  pipeline(): Record<string, unknown>;
  /** Faults that are part of the scenario (e.g. an alarm that fires, an invocation that fails). */
  faults?(lambda: LambdaClient): void;
  readonly expectStatus: string;
}

export interface InjectionPoint {
  readonly command: string;
  readonly occurrence: number;
}

export interface ScenarioRun {
  readonly run: HarnessRun;
  readonly world: FunctionsWorld;
}

/** Resets the emulator and makes the fixtures every scenario needs. */
export type Fresh = () => Promise<void>;

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
  const points = Object.entries(calls)
    .filter(([op]) => MUTATING.test(op))
    .flatMap(([command, n]) => Array.from({ length: n }, (_, i) => ({ command, occurrence: i + 1 })));
  return { ...result, points, calls };
}

export async function crashedRun(scenario: LambdaScenario, fresh: Fresh, point: InjectionPoint): Promise<ScenarioRun & { triggered: number }> {
  let seen = 0;
  let thrown = 0;
  const result = await runOnce(scenario, fresh, (lambda) => {
    injectFault(lambda, {
      command: point.command,
      when: 'after',
      rewrite: (output: unknown) => {
        seen += 1;
        if (seen !== point.occurrence) return output;
        thrown += 1;
        throw crash(`simulated crash after ${point.command} #${point.occurrence}`);
      },
    });
  });
  return { ...result, triggered: thrown };
}
