/**
 * Fault injection at the SDK boundary: middleware added to a real AWS SDK v3 client that fails a
 * chosen call before it is sent, fails it right after AWS answered (the side effect happened: a
 * simulated crash), or rewrites its output (e.g. to make DescribeTargetHealth report unhealthy).
 * The driver under test is the real one; only what comes back over the wire changes.
 *
 * The fault sits just inside the SDK's retry middleware, so a throttling error is retried by the
 * SDK like a real one, and every attempt counts as a call.
 */
import type { FinalizeHandlerArguments, FinalizeHandlerOutput, MiddlewareStack } from '@aws-sdk/types';

/** Anything with a middleware stack: every AWS SDK v3 client. */
export interface ClientWithMiddleware {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any client's stack, whatever its input and output types
  readonly middlewareStack: MiddlewareStack<any, any>;
}

export interface FaultSpec<Output = unknown> {
  /** `CreateAutoScalingGroupCommand` or `CreateAutoScalingGroup`. */
  readonly command: string;
  /**
   * before: the call fails without reaching AWS; after: AWS did it, then the call fails.
   * @default 'before'
   */
  readonly when?: 'before' | 'after';
  /**
   * How many matching calls to fault; later ones pass through.
   * @default 1 with `error`, every call with only `rewrite`
   */
  readonly times?: number;
  /** Matching calls let through before the first faulted one. @default 0 */
  readonly skip?: number;
  /** The error to throw (a function makes a fresh one per call). */
  readonly error?: Error | (() => Error);
  /** Replaces the call's output (applied after AWS answered); the call's input tells calls of one operation apart. */
  readonly rewrite?: (output: Output, input: Readonly<Record<string, unknown>>) => Output;
}

export interface Fault {
  /** Matching calls seen (each SDK attempt counts). */
  readonly calls: number;
  /** Calls that were faulted (errored or rewritten). */
  readonly triggered: number;
  remove(): void;
}

let sequence = 0;
const installed = new Map<ClientWithMiddleware, Set<string>>();

function operation(name: string | undefined): string {
  return (name ?? 'Unknown').replace(/Command$/, '');
}

/** A throttling error as AWS Query APIs return it; the SDK retries it with backoff. */
export function throttlingError(message = 'Rate exceeded'): Error {
  return Object.assign(new Error(message), {
    name: 'Throttling',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
  });
}

/** A crash of the caller (e.g. a Lambda timeout); not retryable, carries no AWS error code. */
export function crash(message = 'simulated crash'): Error {
  const error = new Error(message);
  error.name = 'Error';
  return error;
}

export function injectFault<Output = unknown>(client: ClientWithMiddleware, spec: FaultSpec<Output>): Fault {
  const target = operation(spec.command);
  const when = spec.when ?? 'before';
  const limit = spec.times ?? (spec.error ? 1 : Number.POSITIVE_INFINITY);
  const name = `gennakerFault${++sequence}`;
  const state = { calls: 0, triggered: 0 };
  const makeError = (): Error => (typeof spec.error === 'function' ? spec.error() : (spec.error ?? crash()));

  client.middlewareStack.addRelativeTo(
    /* eslint-disable @typescript-eslint/no-explicit-any -- the middleware serves every operation of every client */
    (next: (args: FinalizeHandlerArguments<any>) => Promise<FinalizeHandlerOutput<any>>, context: { commandName?: string }) =>
      async (args: FinalizeHandlerArguments<any>): Promise<FinalizeHandlerOutput<any>> => {
        if (operation(context.commandName) !== target) return next(args);
        state.calls += 1;
        if (state.calls <= (spec.skip ?? 0) || state.triggered >= limit) return next(args);
        state.triggered += 1;
        if (spec.error && when === 'before') throw makeError();
        const result = await next(args);
        if (spec.rewrite) result.output = spec.rewrite(result.output as Output, (args.input ?? {}) as Record<string, unknown>);
        if (spec.error && when === 'after') throw makeError();
        return result;
      },
    /* eslint-enable @typescript-eslint/no-explicit-any */
    { relation: 'after', toMiddleware: 'retryMiddleware', name, override: true },
  );
  const names = installed.get(client) ?? new Set<string>();
  names.add(name);
  installed.set(client, names);

  return {
    get calls() {
      return state.calls;
    },
    get triggered() {
      return state.triggered;
    },
    remove() {
      client.middlewareStack.remove(name);
      installed.get(client)?.delete(name);
    },
  };
}

/** Removes every fault injected into these clients (for afterEach with cached clients). */
export function removeAllFaults(...clients: ClientWithMiddleware[]): void {
  for (const client of clients.length > 0 ? clients : [...installed.keys()]) {
    for (const name of installed.get(client) ?? []) client.middlewareStack.remove(name);
    installed.delete(client);
  }
}

export interface CallCounter {
  /** Logical calls (one per `send`, retries not counted) per operation name. */
  counts(): Record<string, number>;
  total(): number;
  /** Calls of operations whose names start with one of these verbs (e.g. Create, Delete, Attach...). */
  matching(pattern: RegExp): number;
  reset(): void;
  remove(): void;
}

/** Counts calls per operation on the given clients, e.g. for API calls per deploy. */
export function countCalls(...clients: ClientWithMiddleware[]): CallCounter {
  const counts: Record<string, number> = {};
  const name = `gennakerCallCounter${++sequence}`;
  for (const client of clients) {
    client.middlewareStack.add(
      /* eslint-disable-next-line @typescript-eslint/no-explicit-any -- every operation of every client */
      (next: (args: any) => Promise<any>, context: { commandName?: string }) => async (args: unknown) => {
        const op = operation(context.commandName);
        counts[op] = (counts[op] ?? 0) + 1;
        // eslint-disable-next-line @typescript-eslint/no-unsafe-return -- passes the operation's own output on
        return next(args);
      },
      { step: 'initialize', name, priority: 'high', override: true },
    );
  }
  return {
    counts: () => ({ ...counts }),
    total: () => Object.values(counts).reduce((a, b) => a + b, 0),
    matching: (pattern) =>
      Object.entries(counts)
        .filter(([op]) => pattern.test(op))
        .reduce((a, [, n]) => a + n, 0),
    reset: () => {
      for (const key of Object.keys(counts)) delete counts[key];
    },
    remove: () => {
      for (const client of clients) client.middlewareStack.remove(name);
    },
  };
}

/** Operations that change something (for asserting that a no-op wrote nothing). */
export const MUTATING = /^(Create|Delete|Update|Put|Attach|Detach|Suspend|Resume|Set|Register|Deregister|Modify|Terminate|Run|Tag|Untag|Publish)/;

/** The `occurrence`-th call of `command`: where a crash scenario's handler dies. */
export interface InjectionPoint {
  readonly command: string;
  readonly occurrence: number;
}

/** Every mutating call a clean run made, one point per call (in call order of first appearance). */
export function injectionPoints(counts: Record<string, number>): InjectionPoint[] {
  return Object.entries(counts)
    .filter(([op]) => MUTATING.test(op))
    .flatMap(([command, n]) => Array.from({ length: n }, (_, i) => ({ command, occurrence: i + 1 })));
}

/** Crashes the handler right after the point's call returned (AWS did it, the caller never heard), on whichever of the clients makes it. */
export function crashAfter(clients: readonly ClientWithMiddleware[], point: InjectionPoint): { triggered: () => number } {
  let seen = 0;
  let thrown = 0;
  for (const client of clients) {
    injectFault(client, {
      command: point.command,
      when: 'after',
      rewrite: (output: unknown) => {
        seen += 1;
        if (seen !== point.occurrence) return output;
        thrown += 1;
        throw crash(`simulated crash after ${point.command} #${point.occurrence}`);
      },
    });
  }
  return { triggered: () => thrown };
}
