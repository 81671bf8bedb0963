/**
 * Path routing with the History API, so the URLs notifications carry (<console>/executions/<id>,
 * functions/core/notifications.ts executionLink) open the run directly. The host serves index.html
 * for every path that is not a file or /api (CloudFront function; `gennaker console`).
 */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { readonly view: 'applications' }
  | { readonly view: 'application'; readonly application: string }
  | { readonly view: 'clusters'; readonly application: string }
  | { readonly view: 'start'; readonly application: string; readonly pipeline: string }
  | { readonly view: 'run'; readonly executionId: string; readonly stage?: string }
  | { readonly view: 'not-found'; readonly path: string };

/** Pure: a path (and query) to a route. */
export function parseRoute(pathname: string, search = ''): Route {
  const parts = pathname
    .split('/')
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  const stage = new URLSearchParams(search).get('stage') ?? undefined;
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'applications')) return { view: 'applications' };
  if (parts[0] === 'applications' && parts.length === 2) return { view: 'application', application: parts[1]! };
  if (parts[0] === 'applications' && parts.length === 3 && parts[2] === 'clusters') return { view: 'clusters', application: parts[1]! };
  if (parts[0] === 'applications' && parts.length === 5 && parts[2] === 'pipelines' && parts[4] === 'start') {
    return { view: 'start', application: parts[1]!, pipeline: parts[3]! };
  }
  if (parts[0] === 'executions' && parts.length === 2) return { view: 'run', executionId: parts[1]!, ...(stage ? { stage } : {}) };
  return { view: 'not-found', path: pathname };
}

const e = encodeURIComponent;
export const paths = {
  applications: () => '/',
  application: (app: string) => `/applications/${e(app)}`,
  clusters: (app: string) => `/applications/${e(app)}/clusters`,
  start: (app: string, pipeline: string) => `/applications/${e(app)}/pipelines/${e(pipeline)}/start`,
  run: (id: string, stage?: string) => `/executions/${e(id)}${stage ? `?stage=${e(stage)}` : ''}`,
};

export function navigate(to: string, replace = false): void {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  dispatchEvent(new PopStateEvent('popstate'));
}

/** Same-origin link clicks (without modifier keys) move in the page instead of reloading it. */
export function interceptLinks(): void {
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const a = (event.target as Element | null)?.closest?.('a');
    if (!a || a.target || a.hasAttribute('download')) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname, location.search));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.pathname, location.search));
    addEventListener('popstate', update);
    return () => removeEventListener('popstate', update);
  }, []);
  return route;
}
