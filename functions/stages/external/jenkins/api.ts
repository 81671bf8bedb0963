/**
 * The parts of Jenkins' remote API the jenkins stage uses: CSRF crumbs, job parameters,
 * buildWithParameters, queue items, builds and artifacts. Every call goes through the safe HTTP
 * client (functions/core/http: timeouts, address guard). Errors: JenkinsApiError with the HTTP status, or the
 * client's HttpTransportError.
 */
import { JenkinsApiError } from '../errors.js';
import type { HttpResponse, HttpSender } from '../../../core/http/client.js';
import type { JenkinsMaster } from './masters.js';

export type ParameterValue = string | readonly string[];

export interface JobInfo {
  /** Has a ParametersDefinitionProperty: it is triggered through buildWithParameters. */
  readonly parameterized: boolean;
  readonly parameterNames: readonly string[];
}

export type QueueItem =
  | { readonly state: 'waiting'; readonly why?: string }
  | { readonly state: 'started'; readonly number: number; readonly url?: string }
  | { readonly state: 'cancelled' }
  /** Jenkins forgets left queue items after a few minutes. */
  | { readonly state: 'gone' };

export interface BuildInfo {
  readonly number: number;
  readonly url?: string;
  readonly building: boolean;
  /** SUCCESS, UNSTABLE, FAILURE, ABORTED, NOT_BUILT; null while building. */
  readonly result: string | null;
  readonly duration?: number;
  readonly timestamp?: number;
  readonly artifacts: ReadonlyArray<{ readonly fileName: string; readonly relativePath: string }>;
}

interface RawParameters {
  readonly actions?: ReadonlyArray<{ readonly parameters?: ReadonlyArray<{ readonly name?: string; readonly value?: unknown }> } | null>;
}

/** `folder/sub job` → `/job/folder/job/sub%20job`. */
export function jobPath(job: string): string {
  return job
    .split('/')
    .filter((part) => part !== '')
    .map((part) => `/job/${encodeURIComponent(part)}`)
    .join('');
}

/** The queue id in a Location header like `https://ci/queue/item/42/`. */
export function queueIdFromLocation(location: string | undefined): number | undefined {
  const match = location ? /\/queue\/item\/(\d+)\/?$/.exec(location) : null;
  return match ? Number(match[1]) : undefined;
}

/** `name=value&...`, lists as repeated names. */
export function formBody(parameters: Readonly<Record<string, ParameterValue>>): string {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    for (const v of typeof value === 'string' ? [value] : value) form.append(name, v);
  }
  return form.toString();
}

function hasParameter(entry: RawParameters, name: string, value: string): boolean {
  return (entry.actions ?? []).some((a) => (a?.parameters ?? []).some((p) => p.name === name && p.value === value));
}

export class JenkinsClient {
  constructor(
    private readonly master: JenkinsMaster,
    private readonly http: HttpSender,
  ) {}

  jobUrl(job: string): string {
    return `${this.master.url}${jobPath(job)}`;
  }

  async jobInfo(job: string): Promise<JobInfo> {
    const body = await this.getJson(`${this.jobUrl(job)}/api/json?tree=name,property[parameterDefinitions[name]]`, `job ${job}`);
    const properties = ((body as { property?: unknown }).property ?? []) as Array<{ parameterDefinitions?: Array<{ name?: string }> } | null>;
    const definitions = properties.flatMap((p) => (Array.isArray(p?.parameterDefinitions) ? p.parameterDefinitions : []));
    const parameterized = properties.some((p) => Array.isArray(p?.parameterDefinitions));
    return { parameterized, parameterNames: definitions.map((d) => d.name ?? '').filter(Boolean) };
  }

  /** Queues a build; returns the queue item id from the Location header. */
  async trigger(job: string, parameters: Readonly<Record<string, ParameterValue>> | undefined): Promise<number> {
    const url = `${this.jobUrl(job)}/${parameters ? 'buildWithParameters' : 'build'}`;
    const headers: Record<string, string> = { ...this.authHeaders(), ...(await this.crumbHeaders()) };
    let body: string | undefined;
    if (parameters) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = formBody(parameters);
    }
    const response = await this.http({ method: 'POST', url, headers, ...(body !== undefined ? { body } : {}) });
    if (response.status !== 201 && response.status !== 200) throw apiError(response, `triggering job ${job}`);
    const queueId = queueIdFromLocation(response.headers.location);
    if (queueId === undefined) {
      throw new JenkinsApiError(
        `triggering job ${job}: Jenkins answered ${response.status} without a queue item Location (Jenkins 1.x is not supported)`,
        response.status,
      );
    }
    return queueId;
  }

  async queueItem(queueId: number): Promise<QueueItem> {
    const response = await this.get(`${this.master.url}/queue/item/${queueId}/api/json`);
    if (response.status === 404) return { state: 'gone' };
    const body = this.json(response, `queue item ${queueId}`) as {
      cancelled?: boolean;
      why?: string | null;
      executable?: { number?: number; url?: string } | null;
    };
    if (body.cancelled) return { state: 'cancelled' };
    if (typeof body.executable?.number === 'number') {
      return { state: 'started', number: body.executable.number, ...(body.executable.url ? { url: body.executable.url } : {}) };
    }
    return { state: 'waiting', ...(body.why ? { why: body.why } : {}) };
  }

  /** The queue item of `job` carrying parameter name=value, if one is waiting. */
  async findQueued(job: string, name: string, value: string): Promise<number | undefined> {
    const body = (await this.getJson(`${this.master.url}/queue/api/json?tree=items[id,task[url],actions[parameters[name,value]]]`, 'the build queue')) as {
      items?: Array<RawParameters & { id?: number; task?: { url?: string } }>;
    };
    const jobUrl = `${this.jobUrl(job)}/`;
    const item = (body.items ?? []).find((i) => samePath(i.task?.url, jobUrl) && hasParameter(i, name, value));
    return item?.id;
  }

  /** The recent build of `job` that came from this queue item or carries parameter name=value. */
  async findBuild(job: string, match: { readonly queueId?: number; readonly parameter?: { name: string; value: string } }): Promise<number | undefined> {
    const body = (await this.getJson(`${this.jobUrl(job)}/api/json?tree=builds[number,queueId,actions[parameters[name,value]]]{0,50}`, `job ${job}`)) as {
      builds?: Array<RawParameters & { number?: number; queueId?: number }>;
    };
    const build = (body.builds ?? []).find(
      (b) =>
        (match.queueId !== undefined && b.queueId === match.queueId) ||
        (match.parameter !== undefined && hasParameter(b, match.parameter.name, match.parameter.value)),
    );
    return build?.number;
  }

  async build(job: string, number: number): Promise<BuildInfo> {
    const body = (await this.getJson(
      `${this.jobUrl(job)}/${number}/api/json?tree=number,url,building,result,duration,timestamp,artifacts[fileName,relativePath]`,
      `build ${job} #${number}`,
    )) as Partial<BuildInfo> & { artifacts?: Array<{ fileName?: string; relativePath?: string }> };
    return {
      number: typeof body.number === 'number' ? body.number : number,
      ...(body.url ? { url: body.url } : {}),
      building: body.building === true,
      result: typeof body.result === 'string' ? body.result : null,
      ...(typeof body.duration === 'number' ? { duration: body.duration } : {}),
      ...(typeof body.timestamp === 'number' ? { timestamp: body.timestamp } : {}),
      artifacts: (body.artifacts ?? []).map((a) => ({ fileName: a.fileName ?? '', relativePath: a.relativePath ?? '' })),
    };
  }

  /** The text of a build artifact; undefined when the build has no such artifact. */
  async artifact(job: string, number: number, path: string): Promise<string | undefined> {
    const encoded = path.split('/').filter(Boolean).map(encodeURIComponent).join('/');
    const response = await this.get(`${this.jobUrl(job)}/${number}/artifact/${encoded}`);
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw apiError(response, `reading artifact ${path} of ${job} #${number}`);
    return response.text;
  }

  /** Stops a running build (POST .../stop) or cancels a waiting queue item (POST /queue/cancelItem). */
  async stop(job: string, target: { readonly buildNumber?: number; readonly queueId?: number }): Promise<void> {
    const url =
      target.buildNumber !== undefined ? `${this.jobUrl(job)}/${target.buildNumber}/stop` : `${this.master.url}/queue/cancelItem?id=${target.queueId}`;
    const response = await this.http({ method: 'POST', url, headers: { ...this.authHeaders(), ...(await this.crumbHeaders()) } });
    // Jenkins answers cancelItem with a redirect (followed: 200) or 204; stop with a redirect to the build.
    if (response.status >= 400) throw apiError(response, `stopping ${job}`);
  }

  private async crumbHeaders(): Promise<Record<string, string>> {
    const response = await this.get(`${this.master.url}/crumbIssuer/api/json`);
    // No crumb issuer: CSRF protection is off (or API tokens are exempt, as since Jenkins 2.96).
    if (response.status === 404) return {};
    const body = this.json(response, 'the crumb issuer') as { crumb?: string; crumbRequestField?: string };
    if (!body.crumb || !body.crumbRequestField) return {};
    // Since Jenkins 2.176 a crumb is bound to the web session that issued it.
    const cookie = response.setCookies
      .map((c) => c.split(';')[0]!.trim())
      .filter(Boolean)
      .join('; ');
    return { [body.crumbRequestField]: body.crumb, ...(cookie ? { Cookie: cookie } : {}) };
  }

  private authHeaders(): Record<string, string> {
    const auth = this.master.auth;
    return auth ? { Authorization: `Basic ${Buffer.from(`${auth.user}:${auth.apiToken}`).toString('base64')}` } : {};
  }

  private get(url: string): Promise<HttpResponse> {
    return this.http({ method: 'GET', url, headers: { Accept: 'application/json', ...this.authHeaders() } });
  }

  private async getJson(url: string, what: string): Promise<unknown> {
    return this.json(await this.get(url), what);
  }

  private json(response: HttpResponse, what: string): unknown {
    if (response.status !== 200) throw apiError(response, `reading ${what}`);
    try {
      return JSON.parse(response.text) as unknown;
    } catch (error) {
      throw new JenkinsApiError(`reading ${what}: Jenkins answered with something that is not JSON`, response.status, { cause: error });
    }
  }
}

function apiError(response: HttpResponse, doing: string): JenkinsApiError {
  const hint = response.status === 404 ? ' (not found)' : response.status === 401 || response.status === 403 ? " (check the master's user and apiToken)" : '';
  return new JenkinsApiError(`${doing}: Jenkins answered ${response.status}${hint}`, response.status);
}

function samePath(a: string | undefined, b: string): boolean {
  if (!a) return false;
  try {
    return new URL(a).pathname === new URL(b).pathname;
  } catch {
    return false;
  }
}
