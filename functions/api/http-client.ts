/**
 * `GennakerApi` over a deployed stack's HTTP API, for the CLI. Requests are signed with SigV4
 * (service execute-api) using the default AWS credential chain, as the API's IAM auth requires.
 * A non-2xx answer becomes an ApiCallError carrying the status and the server's error name, so
 * the CLI can map it to an exit code.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { type ErrorKind, errorKindOfStatus, GennakerError } from '../../state-machines/errors.js';
import type { GennakerApi } from './operations.js';

export class ApiCallError extends GennakerError {
  /** The kind the API's status stands for, so the CLI exits alike over HTTP and locally. */
  override readonly kind: ErrorKind;
  constructor(
    message: string,
    readonly status: number,
    /** The server's error class name (ParameterError, ExecutionNotFoundError, ...). */
    readonly code: string,
    readonly problems?: ReadonlyArray<{ path: string; message: string }>,
  ) {
    super(message);
    this.kind = errorKindOfStatus(status);
  }
}

/** SHA-256 / HMAC-SHA256 for the signer, from node:crypto. */
class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = this.make();
  }
  private make(): Hash | Hmac {
    if (this.secret === undefined) return createHash('sha256');
    const key = typeof this.secret === 'string' ? this.secret : Buffer.from(this.secret as ArrayBuffer);
    return createHmac('sha256', key);
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === 'string' ? data : Buffer.from(data as ArrayBuffer));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.make();
  }
}

export interface HttpApiOptions {
  /** The HTTP API's URL, e.g. https://abc123.execute-api.us-east-1.amazonaws.com */
  readonly baseUrl: string;
  /** @default AWS_REGION, else the region in the URL */
  readonly region?: string;
  /** @default the default credential chain; `false` sends unsigned requests (an API without IAM auth). */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider | false;
  readonly fetch?: typeof fetch;
}

export function httpApi(options: HttpApiOptions): GennakerApi {
  const base = new URL(options.baseUrl);
  const region = options.region ?? process.env.AWS_REGION ?? /execute-api\.([a-z0-9-]+)\./.exec(base.hostname)?.[1] ?? 'us-east-1';
  const signer =
    options.credentials === false
      ? undefined
      : new SignatureV4({ service: 'execute-api', region, credentials: options.credentials ?? defaultProvider(), sha256: NodeSha256 });
  const doFetch = options.fetch ?? fetch;

  async function call<T>(method: 'GET' | 'POST', path: string, query: Record<string, string | number | undefined> = {}, body?: unknown): Promise<T> {
    const fullPath = `${base.pathname.replace(/\/$/, '')}${path}`;
    const q = Object.fromEntries(
      Object.entries(query)
        .filter((e): e is [string, string | number] => e[1] !== undefined)
        .map(([k, v]) => [k, String(v)]),
    );
    const payload = body === undefined ? undefined : JSON.stringify(body);
    let headers: Record<string, string> = {
      host: base.host,
      accept: 'application/json',
      ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
    };
    if (signer) {
      const signed = await signer.sign({
        method,
        protocol: base.protocol,
        hostname: base.hostname,
        ...(base.port ? { port: Number(base.port) } : {}),
        path: fullPath,
        query: q,
        headers,
        ...(payload !== undefined ? { body: payload } : {}),
      });
      headers = signed.headers;
    }
    const url = new URL(fullPath, base);
    for (const [k, v] of Object.entries(q)) url.searchParams.set(k, v);
    const { host: _host, ...sendHeaders } = headers;
    const response = await doFetch(url, { method, headers: sendHeaders, ...(payload !== undefined ? { body: payload } : {}) });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = { message: text };
    }
    if (!response.ok) {
      const e = (parsed ?? {}) as { error?: string; message?: string; problems?: Array<{ path: string; message: string }> };
      throw new ApiCallError(e.message ?? `HTTP ${response.status}`, response.status, e.error ?? `HTTP${response.status}`, e.problems);
    }
    return parsed as T;
  }

  const enc = encodeURIComponent;
  return {
    listApplications: async () => (await call<{ applications: never[] }>('GET', '/applications')).applications,
    listPipelines: async (application) => (await call<{ pipelines: never[] }>('GET', `/applications/${enc(application)}/pipelines`)).pipelines,
    triggerPipeline: (r) =>
      call(
        'POST',
        `/pipelines/${enc(r.application)}/${enc(r.pipeline)}/executions`,
        {},
        {
          ...(r.parameters ? { parameters: r.parameters } : {}),
          ...(r.idempotencyKey ? { idempotencyKey: r.idempotencyKey } : {}),
          ...(r.description ? { description: r.description } : {}),
        },
      ),
    listExecutions: async (q) =>
      (await call<{ executions: never[] }>('GET', '/executions', { application: q.application, pipeline: q.pipeline, status: q.status, limit: q.limit }))
        .executions,
    getExecution: (id) => call('GET', `/executions/${enc(id)}`),
    cancelExecution: (id, reason) => call('POST', `/executions/${enc(id)}/cancel`, {}, reason ? { reason } : {}),
    pauseExecution: (id) => call('POST', `/executions/${enc(id)}/pause`, {}, {}),
    resumeExecution: (id) => call('POST', `/executions/${enc(id)}/resume`, {}, {}),
    restartStage: (r) =>
      call('POST', `/executions/${enc(r.executionId)}/stages/${enc(r.stage)}/restart`, {}, r.idempotencyKey ? { idempotencyKey: r.idempotencyKey } : {}),
    judgeStage: (r) =>
      call(
        'POST',
        `/executions/${enc(r.executionId)}/stages/${enc(r.stage)}/judgment`,
        {},
        { judgment: r.judgment, ...(r.input !== undefined ? { input: r.input } : {}) },
      ),
    promoteStage: (r) => call('POST', `/executions/${enc(r.executionId)}/promote`, {}, r.stage !== undefined ? { stage: r.stage } : {}),
    clusterView: (q) => call('GET', `/applications/${enc(q.application)}/clusters`, { account: q.account, region: q.region }),
  };
}
