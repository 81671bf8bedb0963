/**
 * Shared setup for trigger tests against the emulator: real payload samples, pipelines with
 * triggers, state machines in moto's Step Functions (which records executions without running
 * them), secrets in moto's Secrets Manager, and the trigger deps wired to all of that.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { CreateStateMachineCommand, DescribeExecutionCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { beforeEach } from 'vitest';
import { awsClients } from '../../../functions/core/aws-clients.js';
import type { EngineDeps } from '../../../functions/core/engine/deps.js';
import { dispatch } from '../../../functions/core/engine/dispatch.js';
import { ExecutionStore } from '../../../functions/core/execution-store.js';
import { systemClock } from '../../../functions/core/stage-api.js';
import { pipelineSkeleton } from '../../../state-machines/compiler/payloads.js';
import type { ClientWithMiddleware } from '../../support/faults.js';
import { MemoryNotifier } from '../../../functions/core/notifications.js';
import { StaticPipelineRegistry } from '../../../functions/core/pipeline-registry.js';
import type { Clock } from '../../../functions/core/stage-api.js';
import { triggerClients, resetTriggerClients } from '../../../functions/triggers/clients.js';
import { buildTriggerDeps, type TriggerDeps } from '../../../functions/triggers/deps.js';
import { EventBridgePublisher } from '../../../functions/triggers/lifecycle/completed-event.js';
import type { LifecycleDeps } from '../../../functions/triggers/lifecycle/lifecycle.js';
import { MemoryLog } from '../../../functions/core/log.js';
import { SecretsManagerSource, webhookSecrets } from '../../../functions/triggers/secrets.js';
import type { Pipeline } from '../../../state-machines/model/pipeline.js';
import { pipelineOf, useLocalAws } from '../../support/local.js';

const FIXTURES = join(import.meta.dirname, '../../unit/functions/triggers/fixtures');

/** The exact bytes of a sample, and its JSON. */
export function sample(path: string): { raw: string; json: Record<string, unknown> } {
  const raw = readFileSync(join(FIXTURES, path), 'utf8');
  return { raw, json: JSON.parse(raw) as Record<string, unknown> };
}

/** A sample's headers with the nulls (signatures a test must compute) removed. */
export function sampleHeaders(path: string): Record<string, string> {
  const headers = JSON.parse(readFileSync(join(FIXTURES, path), 'utf8')) as Record<string, string | null>;
  return Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

export function useTriggerAws() {
  const moto = useLocalAws();
  beforeEach(() => {
    resetTriggerClients();
    delete process.env.GENNAKER_STATE_MACHINES;
  });
  return moto;
}

export { pipelineOf };

/** Creates a (never running) state machine per pipeline and points GENNAKER_STATE_MACHINES at them. */
export async function deployStateMachines(pipelines: readonly Pipeline[]): Promise<Record<string, string>> {
  const map: Record<string, string> = {};
  for (const p of pipelines) {
    const out = await awsClients.sfnClient().send(
      new CreateStateMachineCommand({
        name: `${p.application}-${p.id}`.slice(0, 80),
        roleArn: 'arn:aws:iam::123456789012:role/gennaker-state-machine',
        definition: JSON.stringify({ StartAt: 'Run', States: { Run: { Type: 'Pass', End: true } } }),
      }),
    );
    map[`${p.application}/${p.id}`] = out.stateMachineArn!;
  }
  process.env.GENNAKER_STATE_MACHINES = JSON.stringify(map);
  return map;
}

export async function sfnExecutions(stateMachineArn: string): Promise<Array<{ name: string; input?: unknown }>> {
  const out = await awsClients.sfnClient().send(new ListExecutionsCommand({ stateMachineArn }));
  return (out.executions ?? []).map((e) => ({ name: e.name! }));
}

export async function createSecret(name: string, value: string): Promise<void> {
  await triggerClients.secretsManager().send(new CreateSecretCommand({ Name: name, SecretString: value }));
}

export interface TestDeps extends TriggerDeps {
  readonly log: MemoryLog;
  readonly notifier: MemoryNotifier;
}

export function triggerDeps(pipelines: readonly Pipeline[], options: { secretsId?: string; allowUnsigned?: boolean; clock?: Clock } = {}): TestDeps {
  const log = new MemoryLog();
  const notifier = new MemoryNotifier();
  const deps = buildTriggerDeps({
    registry: new StaticPipelineRegistry(pipelines),
    log,
    notifier,
    secrets: webhookSecrets(new SecretsManagerSource(), {
      ...(options.secretsId ? { secretsId: options.secretsId } : {}),
      allowUnsigned: options.allowUnsigned ?? false,
    }),
    ...(options.clock ? { clock: options.clock } : {}),
    env: {},
  });
  return { ...deps, log, notifier };
}

/** One stage that waits a second: all a trigger test's pipeline needs to run. */
export const WAIT_STAGE = [{ refId: '1', type: 'wait', name: 'Wait', waitTime: 1 }];

/** State machines for the pipelines, their webhook secrets (if given) in Secrets Manager, and trigger deps reading them. */
export async function triggerSetup(
  pipelines: readonly Pipeline[],
  options: { secrets?: { id: string; values: Record<string, string> }; allowUnsigned?: boolean } = {},
): Promise<{ deps: TestDeps; machines: Record<string, string> }> {
  const machines = await deployStateMachines(pipelines);
  if (options.secrets) await createSecret(options.secrets.id, JSON.stringify(options.secrets.values));
  const deps = triggerDeps(pipelines, {
    ...(options.secrets ? { secretsId: options.secrets.id } : {}),
    ...(options.allowUnsigned ? { allowUnsigned: true } : {}),
  });
  return { deps, machines };
}

/** The lifecycle handler's deps over the same store, queue and registry as the triggers'. */
export function lifecycleDepsOf(deps: TestDeps): LifecycleDeps {
  return {
    store: deps.store,
    clock: deps.clock,
    notifier: deps.notifier,
    registry: deps.registry,
    queue: deps.queue,
    events: new EventBridgePublisher(),
    log: deps.log,
  };
}

/** An HTTP API v2 event as API Gateway delivers a webhook. */
export function httpEvent(options: {
  method?: string;
  path: string;
  routeKey?: string;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  requestContext?: Record<string, unknown>;
}): APIGatewayProxyEventV2 {
  const method = options.method ?? 'POST';
  return {
    version: '2.0',
    routeKey: options.routeKey ?? '$default',
    rawPath: options.path,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: options.headers ?? {},
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    ...(options.body !== undefined ? { body: options.body } : {}),
    isBase64Encoded: options.isBase64Encoded ?? false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path: options.path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.1', userAgent: 'test' },
      requestId: 'req',
      routeKey: options.routeKey ?? '$default',
      stage: '$default',
      time: '01/Jan/2026:00:00:00 +0000',
      timeEpoch: 0,
      ...options.requestContext,
    },
  };
}

/** What the state machine's input was for an execution (moto records it, it does not run it). */
export async function executionInput(
  stateMachineArn: string,
  name: string,
): Promise<{ executionId: string; trigger: Record<string, unknown>; parameters: Record<string, unknown> }> {
  const out = await awsClients
    .sfnClient()
    .send(new DescribeExecutionCommand({ executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}` }));
  return JSON.parse(out.input ?? '{}') as { executionId: string; trigger: Record<string, unknown>; parameters: Record<string, unknown> };
}

/**
 * What the state machine's first Task does once Step Functions runs it: the engine's start
 * operation creates the execution record from the input (moto records executions but never runs them).
 */
export async function runStartStep(stateMachineArn: string, name: string, pipeline: Pipeline, notifier = new MemoryNotifier()): Promise<void> {
  const input = await executionInput(stateMachineArn, name);
  const deps: EngineDeps = {
    store: new ExecutionStore(),
    clock: systemClock,
    random: Math.random,
    notifier,
    implementations: new Map(),
    awaitPollSeconds: 1,
  };
  await dispatch({ op: 'start', executionId: input.executionId, input, pipeline: pipelineSkeleton(pipeline) }, deps);
}

/** Records the inputs of one operation on a real SDK client (observation only; the call proceeds). */
export function captureInputs<T = Record<string, unknown>>(client: ClientWithMiddleware, command: string): { inputs: T[]; remove(): void } {
  const inputs: T[] = [];
  const name = `capture${command}${Math.random().toString(36).slice(2)}`;
  client.middlewareStack.add(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- every operation of the client, whatever its types
    (next: (args: any) => Promise<any>, context: { commandName?: string }) => async (args: { input: unknown }) => {
      if ((context.commandName ?? '').replace(/Command$/, '') === command) inputs.push(args.input as T);
      // eslint-disable-next-line @typescript-eslint/no-unsafe-return -- passes the operation's own output on
      return next(args);
    },
    { step: 'initialize', name, override: true },
  );
  return { inputs, remove: () => void client.middlewareStack.remove(name) };
}

/** A Step Functions status-change event (the shape of the samples) for one of our executions. */
export function statusEvent(file: string, executionId: string, stateMachineArn?: string): Record<string, unknown> {
  const event = sample(`aws-stepfunctions/${file}`).json as { detail: Record<string, unknown> } & Record<string, unknown>;
  const arn = stateMachineArn ?? String(event.detail.stateMachineArn);
  return {
    ...event,
    detail: { ...event.detail, name: executionId, stateMachineArn: arn, executionArn: `${arn.replace(':stateMachine:', ':execution:')}:${executionId}` },
  };
}
