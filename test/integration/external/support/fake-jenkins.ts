/**
 * A Jenkins that speaks the remote API the jenkins stage uses, on a real HTTP server: CSRF crumbs
 * bound to a session cookie, basic auth with an API token, buildWithParameters → queue item →
 * build, builds that run for a few polls, artifacts, stop. Jobs may live in folders.
 */
import type { ServerResponse } from 'node:http';
import { json, startServer, type ReceivedRequest, type TestServer } from './http-server.js';

export interface FakeJob {
  /** Declared parameters; undefined = not parameterized. */
  readonly parameters?: readonly string[];
  /** How each build ends. @default SUCCESS */
  result?: string;
  /** Artifacts of every build, by relative path. */
  artifacts?: Record<string, string>;
}

interface QueueItem {
  readonly id: number;
  readonly job: string;
  readonly parameters: Array<{ name: string; value: string }>;
  polls: number;
  cancelled: boolean;
  build?: number;
}

interface Build {
  readonly number: number;
  readonly job: string;
  readonly queueId: number;
  readonly parameters: Array<{ name: string; value: string }>;
  polls: number;
  stopped: boolean;
}

export class FakeJenkins {
  readonly jobs = new Map<string, FakeJob>();
  readonly queue = new Map<number, QueueItem>();
  readonly builds: Build[] = [];
  /** Polls a queue item waits before its build starts. */
  queuePolls = 1;
  /** Polls a build runs before it has a result. */
  buildPolls = 2;
  /** Queue items Jenkins has forgotten (404). */
  readonly forgotten = new Set<number>();
  /** Answers with this status to the next request matching the path. */
  failNext?: { path: RegExp; status: number };
  private nextQueueId = 100;

  private constructor(
    readonly server: TestServer,
    readonly credentials: { user: string; token: string },
  ) {}

  static async start(credentials = { user: 'gennaker', token: 'api-token-1' }): Promise<FakeJenkins> {
    const server = await startServer();
    const jenkins = new FakeJenkins(server, credentials);
    server.route((req, res) => jenkins.handle(req, res));
    return jenkins;
  }

  get url(): string {
    return this.server.url;
  }

  get triggers(): ReceivedRequest[] {
    return this.server.requests.filter((r) => r.method === 'POST' && /\/(buildWithParameters|build)$/.test(r.url));
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private handle(req: ReceivedRequest, res: ServerResponse): void {
    const expected = `Basic ${Buffer.from(`${this.credentials.user}:${this.credentials.token}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return json(res, 401, { error: 'unauthorized' });
    const url = new URL(req.url, this.url);
    const path = url.pathname;
    if (this.failNext && this.failNext.path.test(path)) {
      const status = this.failNext.status;
      this.failNext = undefined;
      return json(res, status, { error: 'injected' });
    }
    if (path === '/crumbIssuer/api/json') {
      return json(res, 200, { crumb: 'crumb-1', crumbRequestField: 'Jenkins-Crumb' }, { 'Set-Cookie': 'JSESSIONID.abc=session-1; Path=/; HttpOnly' });
    }
    if (req.method === 'POST' && !(req.headers['jenkins-crumb'] === 'crumb-1' && String(req.headers.cookie).includes('JSESSIONID.abc=session-1'))) {
      return json(res, 403, { error: 'No valid crumb was included in the request' });
    }
    if (path === '/queue/api/json') {
      const items = [...this.queue.values()]
        .filter((q) => q.build === undefined && !q.cancelled)
        .map((q) => ({ id: q.id, task: { url: `${this.url}${jobPath(q.job)}/` }, actions: [{ parameters: q.parameters }, {}] }));
      return json(res, 200, { items });
    }
    const queueMatch = /^\/queue\/item\/(\d+)\/api\/json$/.exec(path);
    if (queueMatch) return this.queueItem(Number(queueMatch[1]), res);
    if (path === '/queue/cancelItem' && req.method === 'POST') {
      const item = this.queue.get(Number(url.searchParams.get('id')));
      if (item) item.cancelled = true;
      res.writeHead(204);
      return void res.end();
    }
    const jobMatch = /^((?:\/job\/[^/]+)+)(?:\/(.*))?$/.exec(path);
    if (!jobMatch) return json(res, 404, {});
    const job = jobMatch[1]!.split('/job/').filter(Boolean).map(decodeURIComponent).join('/');
    const rest = jobMatch[2] ?? '';
    const spec = this.jobs.get(job);
    if (!spec) return json(res, 404, { error: `no job ${job}` });
    if (rest === 'api/json') return this.jobJson(job, spec, res);
    if (req.method === 'POST' && (rest === 'buildWithParameters' || rest === 'build')) return this.trigger(job, spec, rest, req.body, res);
    if (/^\d+\/?$/.test(rest)) return json(res, 200, {}); // the build's page, where stop redirects
    const buildMatch = /^(\d+)\/(api\/json|stop|artifact\/(.+))$/.exec(rest);
    const build = buildMatch ? this.builds.find((b) => b.job === job && b.number === Number(buildMatch[1])) : undefined;
    if (!buildMatch || !build) return json(res, 404, {});
    if (buildMatch[2] === 'stop' && req.method === 'POST') {
      build.stopped = true;
      res.writeHead(302, { Location: `${this.url}${jobPath(job)}/${build.number}/` });
      return void res.end();
    }
    if (buildMatch[2] === 'api/json') return this.buildJson(build, spec, res);
    const artifact = spec.artifacts?.[decodeURIComponent(buildMatch[3] ?? '')];
    if (artifact === undefined) return json(res, 404, {});
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
    res.end(artifact);
  }

  private jobJson(job: string, spec: FakeJob, res: ServerResponse): void {
    json(res, 200, {
      name: job.split('/').pop(),
      property: spec.parameters
        ? [{ _class: 'hudson.model.ParametersDefinitionProperty', parameterDefinitions: spec.parameters.map((name) => ({ name })) }, {}]
        : [{}],
      builds: [...this.builds]
        .filter((b) => b.job === job)
        .reverse()
        .map((b) => ({ number: b.number, queueId: b.queueId, actions: [{ parameters: b.parameters }] })),
    });
  }

  private trigger(job: string, spec: FakeJob, kind: string, body: string, res: ServerResponse): void {
    if (kind === 'buildWithParameters' && !spec.parameters) return json(res, 400, { error: `${job} is not parameterized` });
    const form = new URLSearchParams(body);
    // Jenkins keeps only declared parameters.
    const parameters = [...form.entries()].filter(([name]) => spec.parameters?.includes(name)).map(([name, value]) => ({ name, value }));
    const id = this.nextQueueId++;
    this.queue.set(id, { id, job, parameters, polls: 0, cancelled: false });
    res.writeHead(201, { Location: `${this.url}/queue/item/${id}/` });
    res.end();
  }

  private queueItem(id: number, res: ServerResponse): void {
    const item = this.queue.get(id);
    if (!item || this.forgotten.has(id)) return json(res, 404, {});
    if (item.cancelled) return json(res, 200, { id, cancelled: true });
    item.polls += 1;
    if (item.build === undefined && item.polls > this.queuePolls) this.startBuild(item);
    if (item.build === undefined) return json(res, 200, { id, why: 'Waiting for next available executor', executable: null });
    return json(res, 200, { id, executable: { number: item.build, url: `${this.url}${jobPath(item.job)}/${item.build}/` } });
  }

  /** Starts the build of a queue item now (as Jenkins does when an executor frees up). */
  startBuild(item: QueueItem): Build {
    const number = this.builds.filter((b) => b.job === item.job).length + 1;
    const build: Build = { number, job: item.job, queueId: item.id, parameters: item.parameters, polls: 0, stopped: false };
    this.builds.push(build);
    item.build = number;
    return build;
  }

  private buildJson(build: Build, spec: FakeJob, res: ServerResponse): void {
    build.polls += 1;
    const done = build.stopped || build.polls > this.buildPolls;
    json(res, 200, {
      number: build.number,
      url: `${this.url}${jobPath(build.job)}/${build.number}/`,
      building: !done,
      result: !done ? null : build.stopped ? 'ABORTED' : (spec.result ?? 'SUCCESS'),
      duration: done ? 1234 : 0,
      timestamp: 1_700_000_000_000,
      artifacts: Object.keys(spec.artifacts ?? {}).map((relativePath) => ({ fileName: relativePath.split('/').pop(), relativePath })),
    });
  }
}

function jobPath(job: string): string {
  return job
    .split('/')
    .map((p) => `/job/${encodeURIComponent(p)}`)
    .join('');
}
