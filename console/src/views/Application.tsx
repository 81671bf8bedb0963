/**
 * One application as Deck shows it: what is running or waiting now, then each pipeline with the
 * execution bars of its last runs and, for users with EXECUTE, a button to start it.
 */
import { useAccess } from '../access.js';
import { enc } from '../api.js';
import { ErrorMessage, ExecutionBar, Loading, Section, StatusBadge, useNow } from '../components.js';
import { elapsed } from '../format.js';
import { usePoll } from '../poll.js';
import { paths } from '../router.js';
import { isActive } from '../status.js';
import type { ExecutionWithStages, PipelineSummary } from '../../../functions/api/views.js';

const RUNS_PER_PIPELINE = 8;

export function Application({ application }: { readonly application: string }) {
  const pipelines = usePoll<{ pipelines: PipelineSummary[] }>(`/applications/${enc(application)}/pipelines`, 30_000);
  const runs = usePoll<{ executions: ExecutionWithStages[] }>(`/executions?application=${enc(application)}&limit=60&expand=stages`, 2000);
  const access = useAccess(application);
  const executions = runs.data?.executions ?? [];
  const active = executions.filter((e) => isActive(e.status));
  const now = useNow(active.length > 0);
  const error = pipelines.error ?? runs.error;
  if (error && (!pipelines.data || !runs.data)) return <ErrorMessage error={error} />;
  if (!pipelines.data || !runs.data) return <Loading what={application} />;
  return (
    <>
      <h1>
        {application}{' '}
        <a class="subtle-link" href={paths.clusters(application)}>
          Clusters →
        </a>
      </h1>
      {error ? <ErrorMessage error={error} /> : null}
      <Section title="Running or waiting now">
        {active.length === 0 ? (
          <p class="empty">Nothing is running.</p>
        ) : (
          <ul class="active-runs">
            {active.map((e) => (
              <li key={e.id}>
                <a href={paths.run(e.id)}>{e.pipelineName}</a> <StatusBadge status={e.status} />{' '}
                <span class="muted">
                  {waitingOn(e) ?? ''} {elapsed(e.startTime, e.endTime, now)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Section>
      {pipelines.data.pipelines.map((p) => (
        <Section
          key={p.id}
          title={p.name}
          actions={
            p.disabled ? (
              <span class="muted">disabled</span>
            ) : !access.execute ? null : (
              <a class="button primary" href={paths.start(application, p.id)} data-action="start">
                Start manual execution
              </a>
            )
          }
        >
          {p.description ? <p class="muted">{p.description}</p> : null}
          <div class="bars">
            {executions
              .filter((e) => e.pipelineId === p.id || e.pipelineName === p.name)
              .slice(0, RUNS_PER_PIPELINE)
              .map((e) => (
                <ExecutionBar key={e.id} execution={e} now={now} />
              ))}
            {executions.some((e) => e.pipelineId === p.id || e.pipelineName === p.name) ? null : <p class="empty">No runs yet.</p>}
          </div>
        </Section>
      ))}
    </>
  );
}

/** "waiting for judgment: Approve" and the like, from the stage that holds the run. */
function waitingOn(e: ExecutionWithStages): string | undefined {
  if (e.status === 'NOT_STARTED') return 'waiting for a slot';
  if (e.status === 'PAUSED') return 'paused';
  const running = e.stages.filter((s) => s.status === 'RUNNING');
  if (running.length === 0) return undefined;
  const judgment = running.find((s) => s.type === 'manualJudgment');
  return judgment ? `waiting for judgment: ${judgment.name}` : `at ${running.map((s) => s.name).join(', ')}`;
}
