/** Errors the CDK app raises at synth, each naming what to fix. */
import type { Problem } from '../state-machines/index.js';
import { formatProblem } from '../state-machines/index.js';

export class PipelineDefinitionError extends Error {
  override readonly name = 'PipelineDefinitionError';

  constructor(
    readonly source: string,
    readonly problems: readonly Problem[],
    options?: { cause?: unknown },
  ) {
    super(`invalid pipeline ${source}:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`, options);
  }
}

export class MissingStageFamilyError extends Error {
  override readonly name = 'MissingStageFamilyError';
}

/** A platform setting (accounts, traffic guards, bake, Jenkins masters) that cannot be read or is wrong. */
export class PlatformSettingError extends Error {
  override readonly name = 'PlatformSettingError';
}
