/** The person at this terminal: who judges, pauses, restarts and cancels, in local runs, the local console and the CLI. */
import { userInfo } from 'node:os';

/** The OS user's name, or `local` where the OS has none for this process (e.g. a container user without a passwd entry). */
export function terminalUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'local';
  }
}
