/** Public API of the automated canary analysis judge. */
export {
  judge,
  judgeConfigProblems,
  classifyScore,
  type JudgeConfig,
  type JudgeResult,
  type MetricConfig,
  type Observations,
  type ScoreThresholds,
} from './judge.js';
export { classifyMetric, type MetricDirection, type ToleranceBasis } from './classifier.js';
export { CanaryJudgeError, InvalidJudgeConfigError } from './errors.js';
