/** Every application with pipelines, and how many of its runs are running or waiting now. */
import { enc } from '../api.js';
import { ErrorMessage, Loading, Section } from '../components.js';
import { usePoll } from '../poll.js';
import { paths } from '../router.js';
import { isActive } from '../status.js';
import type { ApplicationSummary } from '../../../functions/api/operations.js';
import type { ExecutionSummary } from '../../../functions/api/views.js';

function ActiveCount({ application }: { readonly application: string }) {
  const { data } = usePoll<{ executions: ExecutionSummary[] }>(`/executions?application=${enc(application)}&limit=100`, 5000);
  if (!data) return null;
  const active = data.executions.filter((e) => isActive(e.status)).length;
  return <span class={active > 0 ? 'active-count busy' : 'active-count'}>{active > 0 ? `${active} running or waiting` : 'idle'}</span>;
}

export function Applications() {
  const { data, error } = usePoll<{ applications: ApplicationSummary[] }>('/applications', 15_000);
  if (error && !data) return <ErrorMessage error={error} />;
  if (!data) return <Loading what="applications" />;
  return (
    <Section title="Applications">
      {error ? <ErrorMessage error={error} /> : null}
      {data.applications.length === 0 ? (
        <p class="empty">No applications you may read.</p>
      ) : (
        <ul class="app-list">
          {data.applications.map((a) => (
            <li key={a.name}>
              <a href={paths.application(a.name)} class="app-name">
                {a.name}
              </a>
              <span class="muted">
                {a.pipelines} pipeline{a.pipelines === 1 ? '' : 's'}
              </span>
              <ActiveCount application={a.name} />
              <a href={paths.clusters(a.name)}>Clusters</a>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
