/**
 * Lambda's provisioned concurrency API, which moto_server 5.2.1 does not have, in front of it: a
 * loopback HTTP server that answers Put/Get/Delete/ListProvisionedConcurrencyConfig(s) the way
 * Lambda's REST API does (paths, status codes, x-amzn-ErrorType) and passes every other request to
 * moto unchanged. Configurations are checked against moto's own functions, versions and aliases
 * (an unpublished version or an alias on $LATEST is refused, as Lambda refuses it), dropped when
 * moto deletes the function or version, and cleared by moto's reset. A Put answers IN_PROGRESS and
 * a later Get READY (allocation takes no time here); tests drive IN_PROGRESS and FAILED by fault
 * injection at the SDK boundary.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';

export interface ProvisionedConcurrencyEmulator {
  readonly endpoint: string;
  close(): Promise<void>;
}

interface Config {
  readonly requested: number;
  readonly lastModified: string;
}

const CONFIG_PATH = /^\/2019-09-30\/functions\/([^/]+)\/provisioned-concurrency\/?$/;
const DELETE_FUNCTION_PATH = /^\/2015-03-31\/functions\/([^/]+)\/?$/;

function functionName(raw: string): string {
  const name = decodeURIComponent(raw);
  return /^arn:/.test(name) ? (name.split(':')[6] ?? name) : name;
}

/** The unqualified ARN in a GetFunction answer. */
function arnOf(body: Record<string, unknown>, name: string): string {
  const configuration = body.Configuration as { FunctionArn?: unknown } | undefined;
  return typeof configuration?.FunctionArn === 'string' ? configuration.FunctionArn.replace(/:\$LATEST$/, '') : name;
}

function regionOf(req: IncomingMessage): string {
  return /Credential=[^/]+\/\d+\/([^/]+)\/lambda\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? 'us-east-1';
}

function answer(res: ServerResponse, status: number, body?: unknown, errorType?: string): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(text);
}

const fail = (res: ServerResponse, status: number, type: string, message: string) => answer(res, status, { Type: 'User', message }, type);

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

export async function startProvisionedConcurrencyEmulator(target: string): Promise<ProvisionedConcurrencyEmulator> {
  const upstream = new URL(target);
  const configs = new Map<string, Config>();
  const keyOf = (region: string, name: string, qualifier: string) => `${region}|${name}|${qualifier}`;

  /** GET on moto with the caller's headers (moto reads the region from the signature). */
  const motoGet = async (req: IncomingMessage, path: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const response = await fetch(new URL(path, upstream), { headers: { authorization: String(req.headers.authorization ?? '') } });
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // moto's error pages are not always JSON
    }
    return { status: response.status, body };
  };

  /** The qualified function's ARN, or an error already answered. */
  const checkQualifier = async (req: IncomingMessage, res: ServerResponse, name: string, qualifier: string): Promise<string | undefined> => {
    const fn = await motoGet(req, `/2015-03-31/functions/${encodeURIComponent(name)}`);
    if (fn.status === 404) return void fail(res, 404, 'ResourceNotFoundException', `Function not found: ${name}`);
    const arn = arnOf(fn.body, name);
    const unpublished = () =>
      fail(res, 400, 'InvalidParameterValueException', 'Provisioned Concurrency Configs cannot be applied to unpublished function versions.');
    if (qualifier === '$LATEST') return void unpublished();
    if (/^\d+$/.test(qualifier)) {
      const version = await motoGet(req, `/2015-03-31/functions/${encodeURIComponent(name)}?Qualifier=${qualifier}`);
      if (version.status === 404) return void fail(res, 404, 'ResourceNotFoundException', `Function not found: ${arn}:${qualifier}`);
    } else {
      const alias = await motoGet(req, `/2015-03-31/functions/${encodeURIComponent(name)}/aliases/${encodeURIComponent(qualifier)}`);
      if (alias.status === 404) return void fail(res, 404, 'ResourceNotFoundException', `Cannot find alias arn: ${arn}:${qualifier}`);
      if (alias.body.FunctionVersion === '$LATEST') return void unpublished();
    }
    return `${arn}:${qualifier}`;
  };

  const view = (arn: string, config: Config, status: 'READY' | 'IN_PROGRESS') => ({
    FunctionArn: arn,
    RequestedProvisionedConcurrentExecutions: config.requested,
    AllocatedProvisionedConcurrentExecutions: status === 'READY' ? config.requested : 0,
    AvailableProvisionedConcurrentExecutions: status === 'READY' ? config.requested : 0,
    Status: status,
    LastModified: config.lastModified,
  });

  const handle = async (req: IncomingMessage, res: ServerResponse, rawName: string, url: URL): Promise<void> => {
    const region = regionOf(req);
    const name = functionName(rawName);
    const body = await readBody(req);
    if (req.method === 'GET' && url.searchParams.get('List') === 'ALL') {
      const fn = await motoGet(req, `/2015-03-31/functions/${encodeURIComponent(name)}`);
      if (fn.status === 404) return fail(res, 404, 'ResourceNotFoundException', `Function not found: ${name}`);
      const arn = arnOf(fn.body, name);
      const prefix = keyOf(region, name, '');
      const list = [...configs].filter(([k]) => k.startsWith(prefix)).map(([k, c]) => view(`${arn}:${k.slice(prefix.length)}`, c, 'READY'));
      return answer(res, 200, { ProvisionedConcurrencyConfigs: list });
    }
    const qualifier = url.searchParams.get('Qualifier');
    if (!qualifier) return fail(res, 400, 'InvalidParameterValueException', 'Qualifier is required');
    const arn = await checkQualifier(req, res, name, qualifier);
    if (arn === undefined) return;
    const key = keyOf(region, name, qualifier);
    const existing = configs.get(key);
    if (req.method === 'PUT') {
      const wanted = (JSON.parse(body || '{}') as { ProvisionedConcurrentExecutions?: unknown }).ProvisionedConcurrentExecutions;
      if (typeof wanted !== 'number' || !Number.isInteger(wanted) || wanted < 1)
        return fail(res, 400, 'InvalidParameterValueException', 'ProvisionedConcurrentExecutions must be an integer of at least 1');
      const config = { requested: wanted, lastModified: new Date().toISOString() };
      configs.set(key, config);
      const { FunctionArn: _arn, ...rest } = view(arn, config, 'IN_PROGRESS');
      return answer(res, 202, rest);
    }
    if (!existing) return fail(res, 404, 'ProvisionedConcurrencyConfigNotFoundException', 'No Provisioned Concurrency Config found for this function');
    if (req.method === 'GET') {
      const { FunctionArn: _arn, ...rest } = view(arn, existing, 'READY');
      return answer(res, 200, rest);
    }
    if (req.method === 'DELETE') {
      configs.delete(key);
      return answer(res, 204);
    }
    return fail(res, 405, 'MethodNotAllowed', `${req.method} is not a provisioned concurrency call`);
  };

  /** Passes a request to moto as it came; `after` sees moto's status before the answer goes back. */
  const forward = (req: IncomingMessage, res: ServerResponse, after?: (status: number) => void) => {
    const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      after?.(answer.statusCode ?? 0);
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', (error) => {
      if (!res.headersSent) fail(res, 502, 'ServiceException', `moto_server: ${error.message}`);
      else res.destroy(error);
    });
    req.pipe(out);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const config = CONFIG_PATH.exec(url.pathname);
    if (config) {
      handle(req, res, config[1]!, url).catch((error: Error) => fail(res, 500, 'ServiceException', error.message));
      return;
    }
    if (req.method === 'POST' && url.pathname === '/moto-api/reset') configs.clear();
    const deleted = req.method === 'DELETE' ? DELETE_FUNCTION_PATH.exec(url.pathname) : null;
    if (!deleted) return forward(req, res);
    const region = regionOf(req);
    const name = functionName(deleted[1]!);
    const qualifier = url.searchParams.get('Qualifier');
    forward(req, res, (status) => {
      if (status >= 300) return;
      for (const key of configs.keys()) {
        if (key === keyOf(region, name, qualifier ?? '') || (!qualifier && key.startsWith(keyOf(region, name, '')))) configs.delete(key);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
