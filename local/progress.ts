/**
 * Live progress of a local run: the stage tree (indented by DAG depth) with status and elapsed time.
 * On a terminal it redraws in place; otherwise it prints one line per status change.
 */
import { GENNAKER } from './command-name.js';
import type { ExecutionView, StageRecord } from '../functions/core/execution-model.js';
import { WINDOW } from '../functions/core/execution-window.js';
import { JUDGMENT } from '../functions/core/judgment.js';
import { pausedMsOf } from '../functions/core/pause.js';
import { colourOn, paint, statusColour } from './colour.js';

const ICONS: Record<string, string> = {
  NOT_STARTED: '·',
  RUNNING: '▸',
  PAUSED: '‖',
  SUCCEEDED: '✓',
  FAILED_CONTINUE: '!',
  TERMINAL: '✗',
  CANCELED: '⊘',
  STOPPED: '■',
  SKIPPED: '↷',
};

function depthOf(stages: readonly StageRecord[]): Map<string, number> {
  const byRef = new Map(stages.map((s) => [s.refId, s]));
  const depth = new Map<string, number>();
  const visit = (refId: string, guard: number): number => {
    const known = depth.get(refId);
    if (known !== undefined) return known;
    const stage = byRef.get(refId);
    const d = !stage || guard > 10_000 ? 0 : Math.max(0, ...stage.requisiteStageRefIds.map((r) => visit(r, guard + 1) + 1));
    depth.set(refId, d);
    return d;
  };
  for (const s of stages) visit(s.refId, 0);
  return depth;
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * What a running stage waits for, if anything: a judgment, or its execution window (with when it
 * opens, in the window's zone) instead of a bare RUNNING for hours. `stageNow` is on the stages'
 * timeline (faster in a time-scaled run), as windowOpensAt is.
 */
export function waitingNote(s: StageRecord, stageNow: number): string {
  if (s.status !== 'RUNNING') return '';
  if (JUDGMENT.of(s.context).judgmentStatus === 'waiting') return 'awaiting judgment';
  const window = WINDOW.of(s.context);
  const opensAt = window.windowOpensAt;
  if (typeof opensAt !== 'number' || opensAt <= stageNow) return '';
  const zone = typeof window.windowTimeZone === 'string' ? window.windowTimeZone : 'UTC';
  const at = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(opensAt));
  return `waiting for its execution window: opens ${at} ${zone}`;
}

/** The stages' timeline at wall time `now`: waits of a time-scaled run pass `timeScale` times faster from its start. */
function stageTimeline(execution: ExecutionView, now: number, timeScale = 1): number {
  return execution.startTime + (now - execution.startTime) * timeScale;
}

/** `timeScale`: a local run's --time-scale; durations are always real (wall-clock) time. */
export function renderTree(execution: ExecutionView, now: number, options: { timeScale?: number; colour?: boolean } = {}): string[] {
  const c = (status: string, text: string) => paint(options.colour ?? false, statusColour(status), text);
  const depth = depthOf(execution.stages);
  const width = Math.min(48, Math.max(...execution.stages.map((s) => s.name.length + 2 * (depth.get(s.refId) ?? 0)), 10));
  const scale = options.timeScale !== undefined && options.timeScale !== 1 ? ` (real time; waits ran ${options.timeScale}x faster)` : '';
  // Paused time is shown apart (the total still counts it), as Deck shows "paused for".
  const paused = execution.paused
    ? `  (paused ${formatDuration(pausedMsOf(execution.paused, now))}${execution.status === 'PAUSED' ? ` by ${execution.paused.pausedBy}: '${GENNAKER} resume ${execution.id}' goes on` : ''})`
    : '';
  const lines = [
    `${execution.application}/${execution.pipelineName}  ${c(execution.status, execution.status)}  ${formatDuration((execution.endTime ?? now) - execution.startTime)}${scale}${paused}`,
  ];
  for (const s of execution.stages) {
    const indent = '  '.repeat((depth.get(s.refId) ?? 0) + 1);
    const label = `${indent}${ICONS[s.status] ?? '?'} ${s.name}`.padEnd(width + 4);
    const elapsed = s.startTime !== undefined ? formatDuration((s.endTime ?? now) - s.startTime) : '';
    const note = waitingNote(s, stageTimeline(execution, now, options.timeScale));
    const restarted = s.restartDetails ? `  (restarted by ${s.restartDetails.restartedBy}, was ${s.restartDetails.previousStatus})` : '';
    const waiting = note ? `  (${note})` : restarted;
    lines.push(`${label} ${c(s.status, s.status.padEnd(15))} ${elapsed}${waiting}${s.error ? `  ${s.error}` : ''}`);
  }
  return lines;
}

export class ProgressReporter {
  private drawn = 0;
  private last = new Map<string, string>();
  paused = false;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly live = Boolean(out.isTTY),
    private readonly timeScale = 1,
  ) {}

  update(execution: ExecutionView, now: number): void {
    if (this.paused) return;
    if (this.live) {
      const lines = renderTree(execution, now, { timeScale: this.timeScale, colour: colourOn(this.out) });
      if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}A\x1b[0J`);
      this.out.write(`${lines.join('\n')}\n`);
      this.drawn = lines.length;
      return;
    }
    for (const s of execution.stages) {
      const note = waitingNote(s, stageTimeline(execution, now, this.timeScale));
      const key = `${s.status}:${note}`;
      if (this.last.get(s.refId) === key) continue;
      if (this.last.has(s.refId) || s.status !== 'NOT_STARTED') {
        const elapsed = s.startTime !== undefined && s.endTime !== undefined ? ` after ${formatDuration(s.endTime - s.startTime)}` : '';
        this.out.write(`  ${ICONS[s.status] ?? '?'} ${s.name}: ${s.status}${note ? ` (${note})` : ''}${elapsed}${s.error ? ` (${s.error})` : ''}\n`);
      }
      this.last.set(s.refId, key);
    }
  }

  /** Lets a prompt take the screen; the next update draws below it. */
  release(): void {
    this.drawn = 0;
  }
}
