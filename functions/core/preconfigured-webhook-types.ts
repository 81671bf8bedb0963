/**
 * The operator's preconfigured webhook stage types (state-machines/stage-types/preconfigured-webhooks.ts)
 * as a function reads them: from the settings file the platform bundles beside it
 * (GENNAKER_PRECONFIGURED_WEBHOOKS_FILE, JSON), registered as stage types. The external function
 * runs them; the functions that finalise ended executions need them too, to know a running
 * stage's family and so which function stops what it started.
 */
import { readFileSync } from 'node:fs';
import {
  parsePreconfiguredWebhooks,
  PRECONFIGURED_WEBHOOKS_FILE_ENV,
  type PreconfiguredWebhook,
  registerPreconfiguredWebhooks,
} from '../../state-machines/stage-types/preconfigured-webhooks.js';
import { StageConfigError } from './stage-errors.js';

/** The definitions in GENNAKER_PRECONFIGURED_WEBHOOKS_FILE (JSON), registered as stage types; none when unset. */
export function loadPreconfiguredWebhooks(
  env: Readonly<Record<string, string | undefined>> = process.env,
  readText: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): PreconfiguredWebhook[] {
  const path = env[PRECONFIGURED_WEBHOOKS_FILE_ENV];
  if (!path) return [];
  let document: unknown;
  try {
    document = JSON.parse(readText(path)) as unknown;
  } catch (error) {
    throw new StageConfigError(`${PRECONFIGURED_WEBHOOKS_FILE_ENV}=${path}: cannot read it as JSON: ${(error as Error).name}`);
  }
  const webhooks = parsePreconfiguredWebhooks(document, path);
  registerPreconfiguredWebhooks(webhooks);
  return webhooks;
}
