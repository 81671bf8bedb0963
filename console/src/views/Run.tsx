/**
 * One run: its stage graph as it happens, the selected stage's details, trigger and parameters, and
 * the actions the API offers (judge, cancel, pause/resume, restart a failed stage, promote a held
 * traffic step), shown only to callers with EXECUTE on the application. Polls until it ends.
 */
import { useState } from 'preact/hooks';
import { ApiError, enc, post } from '../api.js';
import { ErrorMessage, Loading, StatusBadge, useNow } from '../components.js';
import { elapsed, text, time } from '../format.js';
import { usePoll } from '../poll.js';
import { navigate, paths } from '../router.js';
import { useAccess } from '../access.js';
import { isFinal, isRestartable, statusLabel } from '../status.js';
import type { ExecutionDetails, StageDetails } from '../../../functions/api/views.js';
import type { PromotionState } from '../../../functions/core/promote.js';
import { StageGraph } from './StageGraph.js';

/** Which stage to show first: the one waiting for a person, else the one that failed, else running, else the first. */
function defaultStage(stages: readonly StageDetails[]): string | undefined {
  const pick =
    stages.find((s) => s.type === 'manualJudgment' && s.status === 'RUNNING') ??
    stages.find((s) => s.status === 'TERMINAL') ??
    stages.find((s) => s.status === 'RUNNING') ??
    stages[0];
  return pick?.refId;
}

export function Run({ executionId, stage }: { readonly executionId: string; readonly stage?: string }) {
  const polled = usePoll<ExecutionDetails>(`/executions/${enc(executionId)}`, 1500, (e) => isFinal(e.status));
  const [actionError, setActionError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const execution = polled.data;
  const access = useAccess(execution?.application);
  const now = useNow(execution !== undefined && !isFinal(execution.status));
  if (polled.error && !execution) return <ErrorMessage error={polled.error} />;
  if (!execution) return <Loading what="the run" />;

  const selectedRef = stage ?? defaultStage(execution.stages);
  const selected = execution.stages.find((s) => s.refId === selectedRef);
  const act = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setActionError(undefined);
    try {
      await work();
    } catch (error) {
      setActionError(error instanceof ApiError ? error : new ApiError((error as Error).message, 0, 'Error'));
    } finally {
      setBusy(false);
      polled.refresh();
    }
  };
  const final = isFinal(execution.status);
  return (
    <>
      <h1>
        <a class="subtle-link" href={paths.application(execution.application)}>
          {execution.application}
        </a>{' '}
        / {execution.pipelineName} <StatusBadge status={execution.status} />
      </h1>
      <div class="run-summary">
        <span>Started {time(execution.startTime)}</span>
        <span>Duration {elapsed(execution.startTime, execution.endTime, now)}</span>
        <span>Id {execution.id}</span>
        {execution.stateMachineExecutionArn ? <StepFunctionsLink arn={execution.stateMachineExecutionArn} /> : null}
      </div>
      {execution.error ? <p class="run-error">{execution.error}</p> : null}
      {polled.error ? <ErrorMessage error={polled.error} /> : null}
      {actionError ? <ErrorMessage error={actionError} /> : null}
      {access.execute ? (
        <div class="toolbar" role="toolbar" aria-label="Run actions">
          {!final && !confirmCancel ? (
            <button type="button" class="button danger" data-action="cancel" disabled={busy} onClick={() => setConfirmCancel(true)}>
              Cancel run
            </button>
          ) : null}
          {!final && confirmCancel ? (
            <span class="confirm">
              Cancel this run?{' '}
              <button
                type="button"
                class="button danger"
                data-action="confirm-cancel"
                disabled={busy}
                onClick={() =>
                  void act(() => post(`/executions/${enc(execution.id)}/cancel`, { reason: 'canceled from the console' })).then(() => setConfirmCancel(false))
                }
              >
                Yes, cancel it
              </button>{' '}
              <button type="button" class="button" onClick={() => setConfirmCancel(false)}>
                No
              </button>
            </span>
          ) : null}
          {execution.status === 'RUNNING' || execution.status === 'NOT_STARTED' ? (
            <button
              type="button"
              class="button"
              data-action="pause"
              disabled={busy}
              title={execution.status === 'NOT_STARTED' ? 'Keep this run from starting when a slot frees' : 'Stages stop at their next step until resumed'}
              onClick={() => void act(() => post(`/executions/${enc(execution.id)}/pause`))}
            >
              Pause
            </button>
          ) : null}
          {execution.status === 'PAUSED' ? (
            <button
              type="button"
              class="button"
              data-action="resume"
              disabled={busy}
              onClick={() => void act(() => post(`/executions/${enc(execution.id)}/resume`))}
            >
              Resume
            </button>
          ) : null}
        </div>
      ) : (
        <p class="muted read-only">{access.known ? `You may view this run; acting on it needs EXECUTE on ${execution.application}.` : ''}</p>
      )}
      {execution.paused && execution.status === 'PAUSED' ? (
        <p class="paused-note">
          Paused by {execution.paused.pausedBy} {time(execution.paused.pauseTime)}
        </p>
      ) : null}
      <StageGraph
        stages={execution.stages}
        {...(selectedRef ? { selected: selectedRef } : {})}
        onSelect={(refId) => navigate(paths.run(execution.id, refId), true)}
        now={now}
      />
      <div class="run-details">
        {selected ? <StagePanel execution={execution} stage={selected} busy={busy} act={act} now={now} canAct={access.execute} /> : null}
        <TriggerPanel execution={execution} />
      </div>
    </>
  );
}

function StepFunctionsLink({ arn }: { readonly arn: string }) {
  const region = arn.split(':')[3] ?? 'us-east-1';
  return (
    <a href={`https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${arn}`} target="_blank" rel="noreferrer">
      Step Functions execution
    </a>
  );
}

/** Links a stage carries in its context or outputs (Jenkins build, run-job logs, CloudWatch...). */
function stageLinks(stage: StageDetails): Array<{ label: string; href: string }> {
  const links: Array<{ label: string; href: string }> = [];
  const visit = (value: unknown, key: string, depth: number) => {
    if (typeof value === 'string' && /^https?:\/\//.test(value) && /(url|link|logs?)$/i.test(key)) links.push({ label: key, href: value });
    else if (value && typeof value === 'object' && depth < 2) for (const [k, v] of Object.entries(value)) visit(v, k, depth + 1);
  };
  visit(stage.context, '', 0);
  visit(stage.outputs, '', 0);
  return links.slice(0, 10);
}

function StagePanel({
  execution,
  stage,
  busy,
  act,
  now,
  canAct,
}: {
  readonly execution: ExecutionDetails;
  readonly stage: StageDetails;
  readonly busy: boolean;
  readonly act: (work: () => Promise<unknown>) => Promise<void>;
  readonly now: number;
  readonly canAct: boolean;
}) {
  const links = stageLinks(stage);
  const waiting = canAct && stage.type === 'manualJudgment' && stage.status === 'RUNNING';
  const awaiting = stage.status === 'RUNNING' ? (stage.context.promotion as PromotionState | undefined)?.awaiting : undefined;
  const restartable = canAct && isFinal(execution.status) && execution.status !== 'SUCCEEDED' && isRestartable(stage.status);
  return (
    <section class="card stage-panel" aria-labelledby="stage-title">
      <header class="card-header">
        <h2 id="stage-title">{stage.name}</h2>
        <StatusBadge status={stage.status} />
      </header>
      <dl class="facts">
        <dt>Type</dt>
        <dd>{stage.type}</dd>
        <dt>Started</dt>
        <dd>{time(stage.startTime) || 'not yet'}</dd>
        <dt>Duration</dt>
        <dd>{elapsed(stage.startTime, stage.endTime, now) || '—'}</dd>
      </dl>
      {stage.error ? <p class="run-error">{stage.error}</p> : null}
      {stage.restartDetails ? (
        <p class="muted restarted">
          Restarted by {stage.restartDetails.restartedBy} {time(stage.restartDetails.restartTime)} (was {statusLabel(stage.restartDetails.previousStatus)})
        </p>
      ) : null}
      {restartable ? (
        <div class="stage-actions">
          <button
            type="button"
            class="button primary"
            data-action="restart"
            disabled={busy}
            onClick={() =>
              void act(() =>
                post(`/executions/${enc(execution.id)}/stages/${enc(stage.refId)}/restart`, {
                  // One key per attempt: a double click, or two people at once, restart it once.
                  idempotencyKey: `console-${stage.refId}-${(execution.restart?.attempt ?? 0) + 1}`,
                }),
              )
            }
          >
            Restart this stage
          </button>
          <span class="muted">It and the stages after it run again; earlier stages keep their results.</span>
        </div>
      ) : null}
      {awaiting ? (
        <div class="promotion" role="group" aria-label="Traffic step">
          <p class="instructions">
            Traffic held at {awaiting.weight}% (step {awaiting.step + 1}) until promoted.
          </p>
          {canAct ? (
            <button
              type="button"
              class="button primary"
              data-action="promote"
              disabled={busy}
              onClick={() => void act(() => post(`/executions/${enc(execution.id)}/promote`, { stage: stage.refId }))}
            >
              Promote
            </button>
          ) : null}
        </div>
      ) : null}
      {waiting ? <JudgmentForm execution={execution} stage={stage} busy={busy} act={act} /> : null}
      {!canAct && stage.type === 'manualJudgment' && stage.status === 'RUNNING' && stage.context.instructions ? (
        <div class="judgment">
          <p class="instructions">{text(stage.context.instructions)}</p>
        </div>
      ) : null}
      {links.length > 0 ? (
        <ul class="links">
          {links.map((l) => (
            <li key={l.href}>
              <a href={l.href} target="_blank" rel="noreferrer">
                {l.label}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      <details>
        <summary>Context</summary>
        <pre>{JSON.stringify(stage.context, null, 2)}</pre>
      </details>
      <details>
        <summary>Outputs</summary>
        <pre>{JSON.stringify(stage.outputs, null, 2)}</pre>
      </details>
    </section>
  );
}

function JudgmentForm({
  execution,
  stage,
  busy,
  act,
}: {
  readonly execution: ExecutionDetails;
  readonly stage: StageDetails;
  readonly busy: boolean;
  readonly act: (work: () => Promise<unknown>) => Promise<void>;
}) {
  const inputs = ((stage.context.judgmentInputs as Array<{ value?: unknown }> | undefined) ?? []).map((i) => String(i.value));
  const [input, setInput] = useState(inputs[0] ?? '');
  const judge = (judgment: 'continue' | 'stop') =>
    act(() => post(`/executions/${enc(execution.id)}/stages/${enc(stage.refId)}/judgment`, { judgment, ...(inputs.length > 0 ? { input } : {}) }));
  const roles = (stage.context.requiredJudgmentRoles as string[] | undefined) ?? [];
  return (
    <form class="judgment" onSubmit={(e) => e.preventDefault()} aria-label="Manual judgment">
      {stage.context.instructions ? <p class="instructions">{text(stage.context.instructions)}</p> : null}
      {roles.length > 0 ? <p class="muted">Requires one of the roles: {roles.join(', ')}</p> : null}
      {inputs.length > 0 ? (
        <label>
          Judgment input{' '}
          <select value={input} onChange={(e) => setInput((e.target as HTMLSelectElement).value)} name="judgmentInput">
            {inputs.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <button type="button" class="button primary" data-action="judge-continue" disabled={busy} onClick={() => void judge('continue')}>
        Continue
      </button>
      <button type="button" class="button danger" data-action="judge-stop" disabled={busy} onClick={() => void judge('stop')}>
        Stop
      </button>
    </form>
  );
}

function TriggerPanel({ execution }: { readonly execution: ExecutionDetails }) {
  const trigger = execution.trigger;
  const parameters = Object.entries(execution.parameters);
  return (
    <section class="card" aria-labelledby="trigger-title">
      <header class="card-header">
        <h2 id="trigger-title">Trigger</h2>
      </header>
      <dl class="facts">
        <dt>Type</dt>
        <dd>{text(trigger.type ?? 'unknown')}</dd>
        {trigger.user ? (
          <>
            <dt>By</dt>
            <dd>{text(trigger.user)}</dd>
          </>
        ) : null}
        {execution.canceledBy ? (
          <>
            <dt>Canceled by</dt>
            <dd>{execution.canceledBy}</dd>
          </>
        ) : null}
      </dl>
      <h3>Parameters</h3>
      {parameters.length === 0 ? (
        <p class="empty">None.</p>
      ) : (
        <dl class="facts parameters">
          {parameters.map(([k, v]) => (
            <>
              <dt key={`k-${k}`}>{k}</dt>
              <dd key={`v-${k}`}>{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
            </>
          ))}
        </dl>
      )}
      <details>
        <summary>Trigger details</summary>
        <pre>{JSON.stringify(trigger, null, 2)}</pre>
      </details>
    </section>
  );
}
