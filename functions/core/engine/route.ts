/**
 * Where the compiled Choice after a stage goes, decided here rather than in ASL so the state
 * machine stays small: `next` (the stage passed), `poll` (call again after waitSeconds),
 * `terminal` (the pipeline fails), anything else halts the branch.
 */
export type Route = 'next' | 'poll' | 'terminal' | 'halt';

export function routeFor(status: string): Route {
  switch (status) {
    case 'SUCCEEDED':
    case 'FAILED_CONTINUE':
    case 'SKIPPED':
    case 'READY':
      return 'next';
    case 'RUNNING':
    case 'WAITING':
      return 'poll';
    case 'TERMINAL':
      return 'terminal';
    default:
      // STOPPED, HALTED, CANCELED: this branch ends here.
      return 'halt';
  }
}
