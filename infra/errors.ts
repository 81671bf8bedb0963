/** Errors the CDK app raises at synth, each naming what to fix. */
import type { Problem } from '../state-machines/index.js';
import { formatProblem } from '../state-machines/index.js';
import { GennakerError } from '../state-machines/errors.js';

export class PipelineDefinitionError extends GennakerError {
  override readonly name = 'PipelineDefinitionError';
  override readonly kind = 'input';

  constructor(
    readonly source: string,
    readonly problems: readonly Problem[],
    options?: { cause?: unknown },
  ) {
    super(`invalid pipeline ${source}:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`, options);
  }
}

export class MissingStageFamilyError extends GennakerError {
  override readonly name = 'MissingStageFamilyError';
}

/** A platform setting (platform/configuration.ts SETTING_KEYS) that cannot be read or is wrong. */
export class PlatformSettingError extends GennakerError {
  override readonly name = 'PlatformSettingError';
  override readonly kind = 'input';
}
