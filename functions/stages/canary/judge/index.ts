/** Public API of the automated canary analysis judge. */
export {
  judge,
  judgeConfigProblems,
  classifyScore,
  DEFAULT_GROUP,
  DEFAULT_SCORE_THRESHOLDS,
  type JudgeConfig,
  type JudgeResult,
  type JudgeClassification,
  type MetricConfig,
  type MetricObservation,
  type MetricResult,
  type Observations,
  type ScoreThresholds,
} from './judge.js';
export {
  classifyMetric,
  CLASSIFIER_DEFAULTS,
  type ClassifierOptions,
  type EffectSizeThresholds,
  type MetricClassification,
  type MetricClassificationLabel,
  type MetricDirection,
  type NanStrategy,
  type Series,
  type ToleranceBasis,
} from './classifier.js';
export { scoreMetrics, NODATA_THRESHOLD_PERCENT, type GroupScore, type ScoreResult, type ScoredMetric } from './scorer.js';
export { wilcoxonRankSumTest, type WilcoxonMethod, type WilcoxonOptions, type WilcoxonResult } from './mann-whitney.js';
export { CanaryJudgeError, InvalidJudgeConfigError, InvalidSampleError } from './errors.js';
