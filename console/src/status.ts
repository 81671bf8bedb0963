/** Orca's statuses as the console shows them: a label, a colour class, and whether it can change. */
const FINAL = new Set(['SUCCEEDED', 'TERMINAL', 'CANCELED', 'STOPPED', 'SKIPPED', 'FAILED_CONTINUE']);

export function isFinal(status: string): boolean {
  return FINAL.has(status);
}

/** The CSS class (status-…) for a status; the colours live in styles.css, for both schemes. */
export function statusClass(status: string): string {
  switch (status) {
    case 'SUCCEEDED':
      return 'status-succeeded';
    case 'RUNNING':
      return 'status-running';
    case 'TERMINAL':
      return 'status-terminal';
    case 'FAILED_CONTINUE':
      return 'status-warning';
    case 'CANCELED':
    case 'STOPPED':
      return 'status-canceled';
    case 'PAUSED':
    case 'SUSPENDED':
      return 'status-paused';
    case 'SKIPPED':
      return 'status-skipped';
    default:
      return 'status-not-started';
  }
}

export function statusLabel(status: string): string {
  return status === 'FAILED_CONTINUE' ? 'failed (continued)' : status.toLowerCase().replace(/_/g, ' ');
}

/** Waiting and running runs: what "running now" lists. */
export function isActive(status: string): boolean {
  return status === 'RUNNING' || status === 'NOT_STARTED' || status === 'PAUSED';
}

/** What Deck offers to restart: a stage that failed or was canceled (functions/core/restart.ts RESTARTABLE_STATUSES; a test keeps them equal). */
export const RESTARTABLE = ['TERMINAL', 'STOPPED', 'CANCELED', 'FAILED_CONTINUE'] as const;

export function isRestartable(status: string): boolean {
  return (RESTARTABLE as readonly string[]).includes(status);
}
