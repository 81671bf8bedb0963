/** Errors of the canary judge, one class per kind of problem. */

export class CanaryJudgeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CanaryJudgeError';
  }
}

/** A sample the statistics cannot work with: empty, non-finite values, or every value tied. */
export class InvalidSampleError extends CanaryJudgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidSampleError';
  }
}

/** A judge configuration or option set that breaks one or more rules; every problem is listed. */
export class InvalidJudgeConfigError extends CanaryJudgeError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid canary judge configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'InvalidJudgeConfigError';
    this.problems = problems;
  }
}
