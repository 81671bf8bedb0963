/**
 * One pipeline-completed event per end of an execution, whoever observes it
 * (functions/core/engine/completed-event-once.ts): the API's cancel ends the execution and emits,
 * then the lifecycle handler sees the Step Functions execution ABORTED (once or redelivered) and
 * emits nothing; the two at once emit one; a crash at any write of the emit converges to one event
 * when the lifecycle handler's retry comes, except where EventBridge took the event and the caller
 * died before recording it (documented: emitted again, and pipeline triggers start a child once).
 * Through the real API handler and lifecycle handler, against moto's Step Functions, DynamoDB and
 * EventBridge; events counted as EventBridge answered them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { handleApiRequest } from '../../functions/api/handler.js';
import type { OperationsDeps } from '../../functions/api/operations.js';
import { awsClients } from '../../functions/core/aws-clients.js';
import { stepFunctionsStopper } from '../../functions/core/cancel.js';
import { restartStage } from '../../functions/core/restart.js';
import { COMPLETED_CLAIM_MS } from '../../functions/core/engine/completed-event-once.js';
import { triggerClients } from '../../functions/triggers/clients.js';
import { EventBridgePublisher } from '../../functions/triggers/lifecycle/completed-event.js';
import { handleStatusChange, lifecycleSuccessors } from '../../functions/triggers/lifecycle/lifecycle.js';
import { type ClientWithMiddleware, crash, injectFault, removeAllFaults } from '../support/faults.js';
import { deployStateMachines, httpEvent, lifecycleDepsOf, pipelineOf, runStartStep, statusEvent, triggerDeps, useTriggerAws } from './triggers/support.js';

useTriggerAws();
afterEach(() => removeAllFaults());

const pipeline = pipelineOf({
  application: 'shop',
  name: 'release',
  limitConcurrent: false,
  stages: [{ refId: '1', type: 'wait', name: 'Soak', waitTime: 600 }],
});

/** PutEvents calls EventBridge answered 200: events it took (a fault after the call still counts, one before it does not). */
function deliveredEvents(client: ClientWithMiddleware): { count(): number } {
  let count = 0;
  client.middlewareStack.add(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- every operation of the client
    (next: (args: any) => Promise<any>, context: { commandName?: string }) => async (args: unknown) => {
      const out = await next(args);
      if (context.commandName === 'PutEventsCommand' && (out as { response?: { statusCode?: number } }).response?.statusCode === 200) count += 1;
      // eslint-disable-next-line @typescript-eslint/no-unsafe-return -- passed on as it came
      return out;
    },
    { step: 'deserialize', name: `delivered${Math.random().toString(36).slice(2)}`, override: true },
  );
  return { count: () => count };
}

/** The world: the pipeline's state machine in moto, the API's and the lifecycle handler's deps over one movable clock. */
async function world() {
  const machines = await deployStateMachines([pipeline]);
  const clock = { offset: 0, now: () => Date.now() + clock.offset };
  const triggers = triggerDeps([pipeline], { clock });
  const api: OperationsDeps = {
    triggers,
    stopper: stepFunctionsStopper(),
    resume: async () => undefined,
    successors: lifecycleSuccessors({ registry: triggers.registry, queue: triggers.queue, events: new EventBridgePublisher() }),
  };
  const lifecycle = lifecycleDepsOf(triggers);
  const arn = machines[`shop/${pipeline.id}`]!;
  const delivered = deliveredEvents(triggerClients.eventBridge());
  return {
    triggers,
    clock,
    delivered,
    /** Triggered for real (StartExecution in moto), its start step run, its stage RUNNING. */
    async running(): Promise<string> {
      const response = await call(api, 'POST', '/pipelines/shop/release/executions', {});
      const id = String((JSON.parse(String(response.body)) as { executionId: string }).executionId);
      await runStartStep(arn, id, pipeline);
      const view = await triggers.store.load(id);
      await triggers.store.putStage(id, { ...view.stages[0]!, status: 'RUNNING', startTime: Date.now() }, view.stages[0]!);
      return id;
    },
    cancel: (id: string) => call(api, 'POST', `/executions/${id}/cancel`, { reason: 'wrong build' }),
    /** The status change of the execution's run (a restart's run has its own name; its input names the execution). */
    aborted: (id: string, run = id) => {
      const event = statusEvent('execution-status-aborted.json', run, arn) as { detail: Record<string, unknown> };
      return handleStatusChange({ ...event, detail: { ...event.detail, input: JSON.stringify({ executionId: id }) } }, lifecycle);
    },
  };
}

async function call(deps: OperationsDeps, method: string, path: string, body: unknown) {
  const event: APIGatewayProxyEventV2 = httpEvent({
    method,
    path,
    body: JSON.stringify(body),
    requestContext: { authorizer: { iam: { userArn: 'arn:aws:iam::123456789012:user/alice' } } },
  });
  return handleApiRequest(event, deps);
}

describe('one completed event per end of an execution', () => {
  it('the API cancel emits it; the lifecycle handler seeing the abort, and its redelivery, emit nothing', async () => {
    const w = await world();
    const id = await w.running();

    const canceled = await w.cancel(id);
    expect(canceled.statusCode).toBe(200);
    expect(w.delivered.count()).toBe(1);

    await w.aborted(id);
    await w.aborted(id);
    expect(w.delivered.count()).toBe(1);
    const record = await w.triggers.store.load(id);
    expect(record.status).toBe('CANCELED');
    expect(record.completedEvent).toMatchObject({ state: 'sent' });
  });

  it('the API cancel and the lifecycle handler at once: one of them emits', async () => {
    const w = await world();
    const id = await w.running();
    const [canceled] = await Promise.all([w.cancel(id), w.aborted(id), w.aborted(id)]);
    expect(canceled.statusCode).toBe(200);
    expect(w.delivered.count()).toBe(1);
  });

  it('a restarted execution ends again: the end of its restart emits its own event', async () => {
    const w = await world();
    const id = await w.running();
    await w.cancel(id);
    await restartStage({ executionId: id, stage: '1', user: 'alice', key: 'again' }, w.triggers);
    const restarted = await w.triggers.store.getExecution(id);
    expect(restarted?.completedEvent).toBeUndefined();
    const run = restarted!.stateMachineExecutionArn!.split(':').pop()!;
    await w.aborted(id, run);
    await w.aborted(id, run);
    expect(w.delivered.count()).toBe(2);
  });

  /**
   * A crash (the function dies) at each call of the emit in the API's cancel; then the lifecycle
   * handler's delivery, later than any function runs (its retry). Where EventBridge took the event
   * and the caller died before the sent mark was written, no record can tell: emitted again.
   */
  const points = [
    { at: 'PutEvents', when: 'before', events: 1 },
    { at: 'PutEvents', when: 'after', events: 2 },
    { at: 'the claim write', when: 'before', events: 1 },
    { at: 'the claim write', when: 'after', events: 1 },
    { at: 'the sent mark write', when: 'before', events: 2 },
    { at: 'the sent mark write', when: 'after', events: 1 },
  ] as const;
  it.each(points)('a crash $when $at of the API cancel: $events event(s) once the lifecycle handler has run', async ({ at, when, events }) => {
    const w = await world();
    const skip = at === 'PutEvents' ? 0 : await putItemsBefore(w, at);
    const before = w.delivered.count();
    const id = await w.running();
    if (at === 'PutEvents') injectFault(triggerClients.eventBridge(), { command: 'PutEvents', when, error: crash() });
    else injectFault(awsClients.dynamoClient(), { command: 'PutItem', when, error: crash(), skip });

    const canceled = await w.cancel(id);
    expect(canceled.statusCode).toBe(500);
    expect((await w.triggers.store.getExecution(id))?.status).toBe('CANCELED');

    w.clock.offset = COMPLETED_CLAIM_MS + 1_000;
    await w.aborted(id);
    await w.aborted(id);
    expect(w.delivered.count() - before).toBe(events);
    expect((await w.triggers.store.getExecution(id))?.completedEvent).toMatchObject({ state: 'sent' });
  });
});

/**
 * How many PutItem calls a clean cancel makes before the claim (or the sent mark) is written: the
 * skip that makes a fault hit exactly that write. Counted on a run of its own (same calls in the same order).
 */
async function putItemsBefore(w: Awaited<ReturnType<typeof world>>, at: 'the claim write' | 'the sent mark write'): Promise<number> {
  const probe = await w.running();
  const writes: string[] = [];
  const name = `probe${Math.random().toString(36).slice(2)}`;
  awsClients.dynamoClient().middlewareStack.add(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- every operation of the client
    (next: (args: any) => Promise<any>, context: { commandName?: string }) => async (args: { input: unknown }) => {
      if (context.commandName === 'PutCommand' || context.commandName === 'PutItemCommand') writes.push(JSON.stringify(args.input));
      // eslint-disable-next-line @typescript-eslint/no-unsafe-return -- passed on as it came
      return next(args);
    },
    { step: 'initialize', name, override: true },
  );
  await w.cancel(probe);
  awsClients.dynamoClient().middlewareStack.remove(name);
  const state = at === 'the claim write' ? 'sending' : 'sent';
  const index = writes.findIndex((input) => input.includes('"completedEvent"') && input.includes(`"${state}"`));
  expect(index).toBeGreaterThanOrEqual(0);
  return index;
}
