/** Start a manual run: the pipeline's parameterConfig as a form (options, defaults, required). */
import { useState } from 'preact/hooks';
import { useAccess } from '../access.js';
import { ApiError, enc, get, post } from '../api.js';
import { ErrorMessage, Loading, Section } from '../components.js';
import { usePoll } from '../poll.js';
import { navigate, paths } from '../router.js';
import type { PipelineSummary } from '../../../functions/api/views.js';
import type { ParameterConfig } from '../../../state-machines/model/schema.js';

/** The form's starting values: each parameter's default, else its first option when it must have one. */
export function initialValues(config: readonly ParameterConfig[]): Record<string, string> {
  return Object.fromEntries(
    config.map((p) => [
      p.name,
      p.default !== undefined && p.default !== null ? String(p.default) : p.hasOptions && p.required && p.options?.[0] ? String(p.options[0].value) : '',
    ]),
  );
}

/** A run is started before its record is written: wait (briefly) for the record, so its page has something to show. */
async function recorded(executionId: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    try {
      await get(`/executions/${enc(executionId)}`);
      return;
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 404) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export function StartRun({ application, pipeline }: { readonly application: string; readonly pipeline: string }) {
  const { data, error } = usePoll<{ pipelines: PipelineSummary[] }>(`/applications/${enc(application)}/pipelines`, 60_000);
  const found = data?.pipelines.find((p) => p.id === pipeline || p.name === pipeline);
  const [values, setValues] = useState<Record<string, string> | undefined>();
  const [failure, setFailure] = useState<ApiError | undefined>();
  const [problems, setProblems] = useState<Array<{ path: string; message: string }>>([]);
  const [busy, setBusy] = useState(false);
  const access = useAccess(application);
  if (error && !data) return <ErrorMessage error={error} />;
  if (!data) return <Loading what="the pipeline" />;
  if (!found) return <ErrorMessage error={new ApiError(`no pipeline '${pipeline}' in ${application}`, 404, 'PipelineNotFoundError')} />;
  const current = values ?? initialValues(found.parameterConfig);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setFailure(undefined);
    setProblems([]);
    try {
      const parameters = Object.fromEntries(Object.entries(current).filter(([, v]) => v !== ''));
      const result = await post<{ executionId: string }>(`/pipelines/${enc(application)}/${enc(found.id)}/executions`, { parameters });
      await recorded(result.executionId);
      navigate(paths.run(result.executionId));
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError((e as Error).message, 0, 'Error');
      setFailure(err);
      setProblems([...err.problems]);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title={`Start ${application} / ${found.name}`}>
      {found.description ? <p class="muted">{found.description}</p> : null}
      {failure ? <ErrorMessage error={failure} /> : null}
      <form class="parameters-form" onSubmit={(event) => void submit(event)}>
        {found.parameterConfig.length === 0 ? <p class="empty">This pipeline takes no parameters.</p> : null}
        {found.parameterConfig.map((p) => {
          const id = `param-${p.name}`;
          const set = (value: string) => setValues({ ...current, [p.name]: value });
          const problem = problems.find((x) => x.path === `parameters.${p.name}`);
          return (
            <div class="field" key={p.name}>
              <label for={id}>
                {p.label || p.name}
                {p.required ? <span aria-hidden="true"> *</span> : null}
              </label>
              {p.hasOptions && p.options && p.options.length > 0 ? (
                <select id={id} name={p.name} value={current[p.name]} required={p.required} onChange={(e) => set((e.target as HTMLSelectElement).value)}>
                  {p.required ? null : <option value="">(none)</option>}
                  {p.options.map((o) => (
                    <option key={String(o.value)} value={String(o.value)}>
                      {String(o.value)}
                    </option>
                  ))}
                </select>
              ) : (
                <input id={id} name={p.name} value={current[p.name]} required={p.required} onInput={(e) => set((e.target as HTMLInputElement).value)} />
              )}
              {p.description ? <small class="muted">{p.description}</small> : null}
              {problem ? <small class="field-error">{problem.message}</small> : null}
            </div>
          );
        })}
        {access.execute ? (
          <button class="button primary" type="submit" disabled={busy} data-action="run">
            Run
          </button>
        ) : (
          <p class="muted read-only">{access.known ? `Starting a run needs EXECUTE on ${application}.` : ''}</p>
        )}
      </form>
    </Section>
  );
}
