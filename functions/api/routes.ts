/**
 * The HTTP API's routes (API Gateway HTTP API, payload format 2.0, IAM auth): each parses its
 * input strictly (zod) and calls one operation.
 *
 *   GET  /applications                                           applications with pipelines
 *   GET  /applications/{application}/pipelines                   pipelines: DAG, parameterConfig
 *   POST /pipelines/{application}/{pipeline}/executions          trigger (manual)
 *   GET  /executions?application=&pipeline=&status=&limit=&expand=stages   list
 *   GET  /executions/{id}                                        get (stages without callback tokens)
 *   POST /executions/{id}/cancel                                 cancel
 *   POST /executions/{id}/pause | /resume                        pause / resume (a running or a waiting run)
 *   POST /executions/{id}/stages/{stage}/judgment                manual judgment
 *   POST /executions/{id}/stages/{stage}/restart                 restart a failed or canceled stage
 *   POST /executions/{id}/promote  {stage?}                      promote a progressive step waiting for it
 *   GET  /applications/{application}/clusters?account=&region=   cluster view
 */
import * as z from 'zod/mini';
import '../../state-machines/zod-messages.js';
import { InvalidInputError } from '../core/errors.js';
import { ManualTriggerSchema } from '../triggers/manual/manual.js';
import { MethodNotAllowedError, RouteNotFoundError } from './errors.js';
import type { Caller } from './identity.js';
import { type Authorizer, OPEN, type Permission, PERMISSIONS, requirePermission } from './permissions.js';
import {
  cancelExecution,
  clusterView,
  getExecution,
  judgeStage,
  listApplications,
  listExecutions,
  listPipelines,
  type OperationsDeps,
  pauseExecution,
  restartExecutionStage,
  promoteStage,
  resumeExecution,
  triggerPipeline,
} from './operations.js';

interface RouteInput {
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly caller: Caller;
  readonly deps: OperationsDeps;
  /** Application permissions (permissions.ts); open when absent. */
  readonly authorizer?: Authorizer;
}

/** Checks the caller's permission on an application (every route does, before it acts). */
function check(input: RouteInput, application: string, permission: Permission): void {
  requirePermission(input.authorizer ?? OPEN, input.caller, application, permission);
}

/** Checks the permission on an execution's application; an unknown id is left to the operation (404). */
async function checkExecution(input: RouteInput, executionId: string, permission: Permission): Promise<void> {
  const record = await input.deps.triggers.store.getExecution(executionId);
  if (record) check(input, record.application, permission);
}

interface RouteResult {
  readonly status: number;
  readonly body: unknown;
}

interface Route {
  readonly method: 'GET' | 'POST';
  readonly pattern: string;
  readonly run: (input: RouteInput) => Promise<RouteResult>;
}

function jsonBody<S extends z.core.$ZodType>(schema: S, body: Buffer, optional = false): z.output<S> {
  let value: unknown = {};
  if (body.length > 0) {
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch (error) {
      throw new InvalidInputError(`the body is not valid JSON: ${(error as Error).message}`);
    }
  } else if (!optional) throw new InvalidInputError('a JSON body is required');
  const parsed = z.safeParse(schema, value);
  if (!parsed.success) {
    throw new InvalidInputError(
      `invalid body: ${parsed.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
        .join('; ')}`,
    );
  }
  return parsed.data;
}

const CancelBody = z.strictObject({ reason: z.optional(z.string().check(z.maxLength(1000))) });
const PromoteBody = z.strictObject({ stage: z.optional(z.string().check(z.minLength(1), z.maxLength(256))) });
const JudgmentBody = z.strictObject({ judgment: z.enum(['continue', 'stop']), input: z.optional(z.string().check(z.maxLength(1000))) });
const Empty = z.strictObject({});
const RestartBody = z.strictObject({ idempotencyKey: z.optional(z.string().check(z.minLength(1), z.maxLength(128))) });

const ListQuery = z.strictObject({
  application: z.string().check(z.minLength(1, 'application is required')),
  pipeline: z.optional(z.string().check(z.minLength(1))),
  status: z.optional(z.string().check(z.minLength(1))),
  limit: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(500))),
  expand: z.optional(z.literal('stages')),
});
const ClusterQuery = z.strictObject({
  account: z.optional(z.string().check(z.minLength(1))),
  region: z.optional(z.string().check(z.minLength(1))),
});

function query<S extends z.core.$ZodType>(schema: S, q: Readonly<Record<string, string>>): z.output<S> {
  const parsed = z.safeParse(schema, q);
  if (!parsed.success) {
    throw new InvalidInputError(`invalid query: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(query)'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

export const ROUTES: readonly Route[] = [
  {
    method: 'GET',
    pattern: '/applications',
    run: async ({ query: q, deps, caller, authorizer }) => {
      query(Empty, q);
      // Only the applications the caller may READ are listed, each with what the caller may do (the console hides what it may not).
      const allows = (name: string, p: Permission) => (authorizer ?? OPEN).allows(caller, name, p);
      const applications = (await listApplications(deps))
        .filter((a) => allows(a.name, 'READ'))
        .map((a) => ({ ...a, permissions: PERMISSIONS.filter((p) => allows(a.name, p)) }));
      return { status: 200, body: { applications } };
    },
  },
  {
    method: 'GET',
    pattern: '/applications/{application}/pipelines',
    run: async (input) => {
      query(Empty, input.query);
      check(input, input.params.application!, 'READ');
      return { status: 200, body: { pipelines: await listPipelines(input.params.application!, input.deps) } };
    },
  },
  {
    method: 'POST',
    pattern: '/pipelines/{application}/{pipeline}/executions',
    run: async (input) => {
      const { params, body, caller, deps } = input;
      check(input, params.application!, 'EXECUTE');
      const request = jsonBody(ManualTriggerSchema, body, true);
      const result = await triggerPipeline({ application: params.application!, pipeline: params.pipeline!, ...request }, caller, deps);
      return { status: result.status === 'duplicate' ? 200 : 202, body: result };
    },
  },
  {
    method: 'GET',
    pattern: '/executions',
    run: async (input) => {
      const q = query(ListQuery, input.query);
      check(input, q.application, 'READ');
      return { status: 200, body: { executions: await listExecutions(q, input.deps) } };
    },
  },
  {
    method: 'GET',
    pattern: '/executions/{id}',
    run: async (input) => {
      await checkExecution(input, input.params.id!, 'READ');
      return { status: 200, body: await getExecution(input.params.id!, input.deps) };
    },
  },
  {
    method: 'POST',
    pattern: '/executions/{id}/cancel',
    run: async (input) => {
      const { params, body, caller, deps } = input;
      await checkExecution(input, params.id!, 'EXECUTE');
      const { reason } = jsonBody(CancelBody, body, true);
      return { status: 200, body: await cancelExecution(params.id!, caller, deps, reason) };
    },
  },
  {
    method: 'POST',
    pattern: '/executions/{id}/pause',
    run: async (input) => {
      const { params, body, caller, deps } = input;
      await checkExecution(input, params.id!, 'EXECUTE');
      jsonBody(Empty, body, true);
      return { status: 200, body: await pauseExecution(params.id!, caller, deps) };
    },
  },
  {
    method: 'POST',
    pattern: '/executions/{id}/resume',
    run: async (input) => {
      const { params, body, caller, deps } = input;
      await checkExecution(input, params.id!, 'EXECUTE');
      jsonBody(Empty, body, true);
      return { status: 200, body: await resumeExecution(params.id!, caller, deps) };
    },
  },
  {
    method: 'POST',
    pattern: '/executions/{id}/stages/{stage}/judgment',
    run: async (route) => {
      const { params, body, caller, deps } = route;
      await checkExecution(route, params.id!, 'EXECUTE');
      const { judgment, input } = jsonBody(JudgmentBody, body);
      const stage = await judgeStage({ executionId: params.id!, stage: params.stage!, judgment, ...(input !== undefined ? { input } : {}) }, caller, deps);
      return { status: 200, body: stage };
    },
  },
  {
    method: 'POST',
    pattern: '/executions/{id}/stages/{stage}/restart',
    run: async (input) => {
      const { params, body, caller, deps } = input;
      await checkExecution(input, params.id!, 'EXECUTE');
      const { idempotencyKey } = jsonBody(RestartBody, body, true);
      const result = await restartExecutionStage(
        { executionId: params.id!, stage: params.stage!, ...(idempotencyKey !== undefined ? { idempotencyKey } : {}) },
        caller,
        deps,
      );
      // 202: the run goes on from the stage; 200: a repeated request, nothing new started.
      return { status: result.changed ? 202 : 200, body: result };
    },
  },
  {
    method: 'POST',
    pattern: '/executions/{id}/promote',
    run: async (route) => {
      const { params, body, caller, deps } = route;
      await checkExecution(route, params.id!, 'EXECUTE');
      const { stage } = jsonBody(PromoteBody, body, true);
      return { status: 200, body: await promoteStage({ executionId: params.id!, ...(stage !== undefined ? { stage } : {}) }, caller, deps) };
    },
  },
  {
    method: 'GET',
    pattern: '/applications/{application}/clusters',
    run: async (input) => {
      const q = query(ClusterQuery, input.query);
      check(input, input.params.application!, 'READ');
      return { status: 200, body: await clusterView({ application: input.params.application!, ...q }, input.deps) };
    },
  },
];

/** Matches `/a/{x}/b` against a path; returns the decoded parameters or undefined. */
export function matchPattern(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/').filter(Boolean);
  const got = path.split('/').filter(Boolean);
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    let g: string;
    try {
      g = decodeURIComponent(got[i]!);
    } catch {
      return undefined;
    }
    if (w.startsWith('{') && w.endsWith('}')) {
      if (g.length === 0) return undefined;
      params[w.slice(1, -1)] = g;
    } else if (w !== g) return undefined;
  }
  return params;
}

/**
 * Where the console reaches the same routes: CloudFront sends `/api/*` to the HTTP API (JWT-signed
 * browser routes) and `gennaker console` serves them there too, so the page has one origin.
 */
export const CONSOLE_API_PREFIX = '/api';

/** The path as routes see it: as given, without a stage prefix such as /prod, without the console's /api. */
function pathVariants(path: string, stage?: string): string[] {
  const paths = [path];
  if (stage && stage !== '$default' && path.startsWith(`/${stage}/`)) paths.push(path.slice(stage.length + 1));
  for (const p of [...paths]) if (p.startsWith(`${CONSOLE_API_PREFIX}/`)) paths.push(p.slice(CONSOLE_API_PREFIX.length));
  return paths;
}

/** The execution a request is about (`/executions/{id}...`), whatever its method, for log lines. */
export function executionIdInPath(path: string, stage?: string): string | undefined {
  for (const p of pathVariants(path, stage)) {
    for (const route of ROUTES) {
      const id = route.pattern.startsWith('/executions/{id}') ? matchPattern(route.pattern, p)?.id : undefined;
      if (id) return id;
    }
  }
  return undefined;
}

/** The route for a method and path (a stage prefix such as /prod, and the console's /api, are tolerated). */
export function findRoute(method: string, path: string, stage?: string): { route: Route; params: Record<string, string> } {
  let pathMatched = false;
  for (const p of pathVariants(path, stage)) {
    for (const route of ROUTES) {
      const params = matchPattern(route.pattern, p);
      if (!params) continue;
      pathMatched = true;
      if (route.method === method) return { route, params };
    }
  }
  if (pathMatched) throw new MethodNotAllowedError(`${method} is not allowed on ${path}`);
  throw new RouteNotFoundError(`no route for ${method} ${path}`);
}
