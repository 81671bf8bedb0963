/** Errors of the canary judge, one class per kind of problem. */
import { GennakerError } from '../../../../state-machines/errors.js';

export class CanaryJudgeError extends GennakerError {}

/** A sample the statistics cannot work with: empty, non-finite values, or every value tied. */
export class InvalidSampleError extends CanaryJudgeError {
  override readonly kind = 'input';
}

/** A judge configuration or option set that breaks one or more rules; every problem is listed. */
export class InvalidJudgeConfigError extends CanaryJudgeError {
  override readonly kind = 'input';
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid canary judge configuration:\n  - ${problems.join('\n  - ')}`);
    this.problems = problems;
  }
}
