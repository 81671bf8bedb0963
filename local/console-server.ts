/**
 * `gennaker console`: the web console and the HTTP API's routes on 127.0.0.1, against the local
 * environment. The API is the same handler the deployed stack runs (functions/api/handler.ts), fed
 * API Gateway v2 events built from node:http requests; pipelines started from the page run in this
 * process (LocalRuntime), and the sandbox they deploy into is made at start. No sign-in: every
 * request is the local user's, unless `trustIdentityHeaders` lets tests speak for other users.
 *
 * Only loopback Host headers are served (a page elsewhere cannot reach this server through a
 * DNS name that resolves to 127.0.0.1), and a POST must come from this origin.
 */
import { GENNAKER } from './command-name.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { terminalUser } from './user.js';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { buildConsole, type ConsoleFile } from '../console/build/bundle.js';
import { cloudClusterReader } from '../functions/api/clusters.js';
import { handleApiRequest } from '../functions/api/handler.js';
import type { OperationsDeps } from '../functions/api/operations.js';
import type { Authorizer } from '../functions/api/permissions.js';
import { CONSOLE_API_PREFIX } from '../functions/api/routes.js';
import { TRUST_IDENTITY_HEADERS_ENV } from '../functions/api/identity.js';
import { resetClientCache } from '../functions/core/aws-clients.js';
import { MemoryNotifier } from '../functions/core/notifications.js';
import { directoryRegistry } from '../functions/core/pipeline-files.js';
import type { PipelineRegistry } from '../functions/core/pipeline-registry.js';
import { ensureTables } from '../functions/core/tables.js';
import { MemoryLog } from '../functions/core/log.js';
import { lifecycleSuccessors } from '../functions/triggers/lifecycle/lifecycle.js';
import { type InProcessStack, inProcessStack } from '../functions/triggers/local.js';
import { canaryStages } from '../functions/stages/canary/family.js';
import { externalStages } from '../functions/stages/external/index.js';
import { LocalRuntime } from './runtime.js';
import { localCloud } from './sandbox.js';
import { clearConsole, environmentUp, useEndpoint, writeConsole } from './environment.js';

export interface ConsoleServerOptions {
  /** 0: any free port. */
  readonly port?: number;
  readonly pipelinesDir: string;
  readonly timeScale?: number;
  /** The emulator to use; default AWS_ENDPOINT_URL, else the local environment's (started if it is not up). */
  readonly endpoint?: string;
  /** Believe x-gennaker-user / x-gennaker-roles (tests that act as other users). */
  readonly trustIdentityHeaders?: boolean;
  /** Application permissions to enforce (functions/api/permissions.ts); default: everyone may do everything. */
  readonly authorizer?: Authorizer;
  readonly registry?: PipelineRegistry;
  /** Lines for the person at the terminal. */
  readonly log?: (line: string) => void;
}

export interface ConsoleServer {
  readonly url: string;
  readonly deps: OperationsDeps;
  readonly stack: InProcessStack;
  readonly runtime: LocalRuntime;
  close(): Promise<void>;
}

const MAX_BODY = 2 * 1024 * 1024;
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** Loopback names only: the DNS-rebinding guard. */
function isLoopbackHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host.toLowerCase());
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** An API Gateway HTTP API (v2) event for a node:http request, as the Lambda would get it. */
function apiEventOf(req: IncomingMessage, body: Buffer, caller: { user: string; roles: readonly string[] }): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const method = (req.method ?? 'GET').toUpperCase();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(url.search ? { queryStringParameters: query } : {}),
    ...(body.length > 0 ? { body: body.toString('base64'), isBase64Encoded: true } : { isBase64Encoded: false }),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: `local-${Date.now()}`,
      routeKey: '$default',
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
      authorizer: { lambda: { user: caller.user, roles: [...caller.roles] } },
    } as APIGatewayProxyEventV2['requestContext'],
  };
}

export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const log = options.log ?? (() => undefined);
  const endpoint = options.endpoint ?? process.env.AWS_ENDPOINT_URL;
  if (endpoint) useEndpoint(endpoint);
  else {
    // The local environment (started if it is not up): local runs in other shells show up here.
    const env = await environmentUp({ onProgress: log });
    useEndpoint(env.endpoint);
    if (env.started) log(`Started the local environment (AWS emulator at ${env.endpoint}); '${GENNAKER} local down' stops it`);
  }
  resetClientCache();
  if (options.trustIdentityHeaders) process.env[TRUST_IDENTITY_HEADERS_ENV] = 'true';
  const files = await buildConsole();
  await ensureTables();

  const registry = options.registry ?? directoryRegistry(options.pipelinesDir);
  const cloud = localCloud();
  const runtime = new LocalRuntime({
    timeScale: options.timeScale ?? 1,
    judge: { kind: 'external' },
    families: [...cloud.families, () => externalStages(), () => canaryStages()],
    preconditions: cloud.preconditions,
  });
  // Pipelines started from the page can start their children here too.
  for (const entry of await registry.list()) runtime.register(entry.pipeline);
  for (const problem of await registry.problems()) log(`${problem.source}: ${problem.message}`);
  const stack = inProcessStack(runtime, { registry, log: new MemoryLog(), notifier: new MemoryNotifier() });
  const deps: OperationsDeps = {
    triggers: stack.triggers,
    stopper: stack.launcher.stopper,
    resume: async () => undefined, // the local runtime watches the record
    successors: lifecycleSuccessors(stack.lifecycle),
    clusters: cloudClusterReader(),
  };
  // The sandbox the pipelines deploy into (VPC, target groups, a previous release), made once.
  for (const entry of await registry.list()) {
    for (const line of await cloud.before(entry.pipeline).catch((e: Error) => [`${entry.pipeline.name}: sandbox not made: ${e.message}`])) log(line);
  }

  const user = terminalUser();
  let port = 0;
  const server: Server = createServer((req, res) => void serve(req, res));
  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    try {
      if (!isLoopbackHost(req.headers.host, port)) {
        res.writeHead(421, { 'content-type': 'text/plain' }).end('this server answers only to 127.0.0.1 and localhost');
        return;
      }
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = (req.method ?? 'GET').toUpperCase();
      if (url.pathname === CONSOLE_API_PREFIX || url.pathname.startsWith(`${CONSOLE_API_PREFIX}/`)) {
        const origin = req.headers.origin;
        if (method !== 'GET' && origin !== undefined && !isLoopbackHost(origin.replace(/^https?:\/\//, ''), port)) {
          res
            .writeHead(403, { 'content-type': 'application/json' })
            .end(JSON.stringify({ error: 'ForbiddenError', message: `requests from ${origin} are not accepted` }));
          return;
        }
        const body = await readBody(req);
        if (!body) {
          res.writeHead(413, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'PayloadTooLargeError', message: 'body too large' }));
          return;
        }
        const response = await handleApiRequest(apiEventOf(req, body, { user, roles: [] }), deps, options.authorizer);
        res.writeHead(response.statusCode ?? 200, { ...(response.headers as Record<string, string>) });
        res.end(response.body ?? '');
        return;
      }
      if (method !== 'GET' && method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      if (url.pathname === '/config.json') {
        send(res, { path: '/config.json', contentType: 'application/json', body: Buffer.from(JSON.stringify({ auth: 'none', localMode: true })) });
        return;
      }
      // Every other path is the page (it routes itself), unless it names a built file.
      send(res, files.get(url.pathname) ?? files.get('/index.html')!);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`console server error: ${(error as Error).message}`);
    }
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  process.env.GENNAKER_CONSOLE_URL = url;
  await writeConsole({ url, endpoint: process.env.AWS_ENDPOINT_URL!, pid: process.pid });
  return {
    url,
    deps,
    stack,
    runtime,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // Runs still going (a judgment nobody gave) end with this process; nothing waits for them.
      await clearConsole();
    },
  };
}

function send(res: ServerResponse, file: ConsoleFile): void {
  res.writeHead(200, { 'content-type': file.contentType, 'cache-control': 'no-cache', ...SECURITY_HEADERS });
  res.end(file.body);
}
