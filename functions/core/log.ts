/**
 * The one logging abstraction. Every Lambda (engine families, triggers, lifecycle, notifier, webhook
 * callback, API) logs through `Log`, backed by the container's one Powertools logger, into which
 * the handler wrapper (lambda-wrapper.ts) injects each invocation's Lambda context and execution
 * id: every line carries `function_request_id` and, where the call has one, `executionId`.
 * Tests, benchmarks and local mode keep entries in memory instead.
 *
 * Log ids, sources, statuses and reasons only. Bodies, headers, stage configs and secrets are
 * never logged (a signature header is as good as the secret for a replay; configs may carry
 * credentials).
 */
import { Logger } from '@aws-lambda-powertools/logger';

export type LogFields = Readonly<Record<string, unknown>>;

export interface Log {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** The container's logger (POWERTOOLS_SERVICE_NAME and POWERTOOLS_LOG_LEVEL configure it). */
export const platformLogger = new Logger({ serviceName: 'gennaker' });

/** Logs through the container's Powertools logger, so lines carry the invocation's keys. */
export function powertoolsLog(logger: Logger = platformLogger): Log {
  return {
    info: (message, fields) => logger.info(message, { ...fields }),
    warn: (message, fields) => logger.warn(message, { ...fields }),
    error: (message, fields) => logger.error(message, { ...fields }),
  };
}

/** Keeps entries in memory (tests, benchmarks, local mode). */
export class MemoryLog implements Log {
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
