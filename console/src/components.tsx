/** Small pieces shared by the views. */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { ApiError } from './api.js';
import { elapsed } from './format.js';
import { paths } from './router.js';
import { statusClass, statusLabel } from './status.js';
import type { ExecutionWithStages } from '../../functions/api/views.js';

/** The one message an API error shows: what went wrong, never a blank page. */
export function ErrorMessage({ error }: { readonly error: ApiError | Error }) {
  const status = (error as ApiError).status;
  return (
    <div class={`error ${status === 403 ? 'forbidden' : ''}`} role="alert">
      <strong>{status === 403 ? 'Forbidden' : status === 404 ? 'Not found' : 'Error'}</strong> {error.message}
    </div>
  );
}

export function Loading({ what }: { readonly what: string }) {
  return (
    <p class="loading" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function StatusBadge({ status }: { readonly status: string }) {
  return <span class={`badge ${statusClass(status)}`}>{statusLabel(status)}</span>;
}

/** Deck's execution bar: one segment per stage, coloured by its status; the whole bar opens the run. */
export function ExecutionBar({ execution, now }: { readonly execution: ExecutionWithStages; readonly now: number }) {
  const label = `${execution.pipelineName} run ${statusLabel(execution.status)}, started ${new Date(execution.startTime).toLocaleString()}`;
  return (
    <a class="execution-bar" href={paths.run(execution.id)} aria-label={label} data-status={execution.status}>
      <span class="segments">
        {execution.stages.map((s) => (
          <span key={s.refId} class={`segment ${statusClass(s.status)}`} title={`${s.name}: ${statusLabel(s.status)}`} />
        ))}
      </span>
      <span class="bar-meta">
        <StatusBadge status={execution.status} /> {elapsed(execution.startTime, execution.endTime, now)}
      </span>
    </a>
  );
}

export function Section({ title, children, actions }: { readonly title: string; readonly children: ComponentChildren; readonly actions?: ComponentChildren }) {
  return (
    <section class="card">
      <header class="card-header">
        <h2>{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}

/** Re-renders every second while something runs, so durations tick without a fetch. */
export function useNow(active: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}
