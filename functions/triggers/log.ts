/**
 * Logging for triggers: ids, sources, statuses and reasons only. Bodies, headers and secrets are
 * never logged (a signature header is as good as the secret for a replay).
 */
import { Logger } from '@aws-lambda-powertools/logger';

export type LogFields = Readonly<Record<string, unknown>>;

export interface TriggerLog {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export function powertoolsLog(serviceName = 'gennaker-triggers'): TriggerLog {
  const logger = new Logger({ serviceName });
  return {
    info: (message, fields) => logger.info(message, { ...fields }),
    warn: (message, fields) => logger.warn(message, { ...fields }),
    error: (message, fields) => logger.error(message, { ...fields }),
  };
}

/** Keeps entries in memory (tests, benchmarks, local mode). */
export class MemoryLog implements TriggerLog {
  readonly entries: Array<{ level: 'info' | 'warn' | 'error'; message: string; fields: LogFields }> = [];
  info(message: string, fields: LogFields = {}): void {
    this.entries.push({ level: 'info', message, fields });
  }
  warn(message: string, fields: LogFields = {}): void {
    this.entries.push({ level: 'warn', message, fields });
  }
  error(message: string, fields: LogFields = {}): void {
    this.entries.push({ level: 'error', message, fields });
  }
  /** Everything logged, as one string (to assert what was and was not logged). */
  text(): string {
    return this.entries.map((e) => `${e.level} ${e.message} ${JSON.stringify(e.fields)}`).join('\n');
  }
}
