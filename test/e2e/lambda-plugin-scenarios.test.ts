/**
 * The AWS Lambda plugin's public test scenarios 2 and 4-8 (testing/ScenarioN/pipeline.json, unchanged in
 * test/fixtures), validated, compiled and run in the local Step Functions engine against moto, as
 * the plugin's configureTesting.py prepares them (`{}` is the application; the role and bucket are
 * the emulator's). Each ends as the plugin's TESTCASES.md describes, except Scenario 7, where
 * Gennaker keeps a version an alias routes to (the plugin points aliases at $LATEST and deletes it).
 * Scenario 3 is left out: its `triggerArns: [""]` compiles into a Task payload array holding an
 * empty string, which asl-validator refuses (the real-exports test would fail on it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localStageFamilies } from '../../local/run-local.js';
import { LocalRuntime } from '../../local/runtime.js';
import { ACCOUNT_ID, createRole, functionsWorld, putCode, type FunctionsWorld } from '../support/lambda/fixtures.js';
import { useLambdaAws } from '../support/lambda/emulator.js';
import { pipelineOf } from '../support/local.js';
import { SPINNAKER_EXAMPLES } from '../support/fixtures.js';

interface Ended {
  readonly status: string;
  readonly stages: Record<string, { status: string; error?: string; outputs: Record<string, unknown> }[]>;
  readonly world: FunctionsWorld;
  /** Calls that would have been Lambda function errors: none, whether a stage passed or failed. */
  readonly functionErrors: readonly string[];
}

async function runScenario(n: number): Promise<Ended> {
  const text = readFileSync(join(SPINNAKER_EXAMPLES, `lambda-scenario${n}.json`), 'utf8')
    .replaceAll('{}', 'sandbox')
    .replaceAll('111122223333', ACCOUNT_ID);
  const exported = JSON.parse(text) as { stages: Record<string, unknown>[] };
  const deploy = exported.stages.find((s) => s.type === 'Aws.LambdaDeploymentStage')!;
  await createRole('spinnaker-lambda-role');
  await putCode(String(deploy.s3key), `scenario ${n} code`, String(deploy.s3bucket));
  const runtime = new LocalRuntime({ timeScale: 100, families: localStageFamilies() });
  const result = await runtime.start(pipelineOf(exported), { parameters: {} }).result;
  await runtime.idle();
  const stages: Ended['stages'] = {};
  for (const s of result.execution.stages) {
    (stages[s.name] ??= []).push({ status: s.status, ...(s.error ? { error: s.error } : {}), outputs: s.outputs ?? {} });
  }
  return { status: result.status, stages, world: await functionsWorld(), functionErrors: result.functionErrors };
}

const statuses = (ended: Ended) => Object.fromEntries(Object.entries(ended.stages).map(([name, runs]) => [name, runs.map((r) => r.status)]));

describe("the Lambda plugin's test scenarios, run end to end", () => {
  useLambdaAws();

  it('Scenario 2: a second deploy updates the description and tags, and publishes once more', async () => {
    const ended = await runScenario(2);
    expect(ended.status, JSON.stringify(statuses(ended))).toBe('SUCCEEDED');
    const fn = ended.world['sandbox-test-functional-scenario2']!;
    expect(fn.config).toMatchObject({ Description: 'Functional Test for Scenario 2 with an updated description', Runtime: 'python3.7', Timeout: 100 });
    expect(fn.tags).toMatchObject({ Project: 'Autodesk', Updated: 'True' });
    expect(fn.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(fn.aliases).toEqual([{ name: 'prod', version: '1', weights: {} }]);
  }, 120_000);

  it('Scenario 4: a deploy, then the destroy stage deletes the whole function ($ALL)', async () => {
    const ended = await runScenario(4);
    expect(ended.status, JSON.stringify(statuses(ended))).toBe('SUCCEEDED');
    expect(ended.world).toEqual({});
  }, 120_000);

  it('Scenario 5: a second deploy raises the memory to 1024 MB', async () => {
    const ended = await runScenario(5);
    expect(ended.status, JSON.stringify(statuses(ended))).toBe('SUCCEEDED');
    expect(ended.world['sandbox-test-functional-scenario5']!.config.MemorySize).toBe(1024);
  }, 120_000);

  it("Scenario 6: the destroy stage names the function by an expression on the deploy stage's context", async () => {
    const ended = await runScenario(6);
    expect(ended.status, JSON.stringify(statuses(ended))).toBe('SUCCEEDED');
    expect(ended.stages['AWS Lambda Destroy']![0]!.outputs).toMatchObject({ functionName: 'sandbox-test-functional-scenario6', deletedVersions: '$ALL' });
    expect(ended.world).toEqual({});
  }, 120_000);

  it('Scenario 7: deleting $LATEST is refused while alias test routes to it (the plugin deletes it), and nothing is deleted', async () => {
    const ended = await runScenario(7);
    expect(ended.status).toBe('TERMINAL');
    const destroy = ended.stages['AWS Lambda Destroy']!;
    expect(destroy[0]!.status).toBe('TERMINAL');
    expect(destroy[0]!.error).toBe(
      'version: version 1 of sandbox-test-functional-scenario4 receives traffic through alias test; move the alias before deleting it',
    );
    expect(ended.world['sandbox-test-functional-scenario4']!.versions.map((v) => v.version)).toEqual([1]);
    // The refusal is the stage's answer, not a crash of the cloud function.
    expect(ended.functionErrors).toEqual([]);
  }, 120_000);

  it('Scenario 8: deleting $PREVIOUS of a function with one version finds none and succeeds with the plugin’s message', async () => {
    const ended = await runScenario(8);
    expect(ended.status, JSON.stringify(statuses(ended))).toBe('SUCCEEDED');
    expect(ended.stages['AWS Lambda Destroy']![0]!.outputs.message).toBe('No version found for Lambda function. Unable to perform delete operation.');
    expect(ended.world['sandbox-test-functional-scenario4']!.versions.map((v) => v.version)).toEqual([1]);
  }, 120_000);
});
