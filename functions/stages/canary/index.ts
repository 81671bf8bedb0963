/** The canary stage (`canary`, and Spinnaker's `kayentaCanary`) and its parts; the judge is in judge/. */
export { canaryStage, cleanupCanary, CANARY_STATE_KEY, type CanaryDeps, type CanaryState, type CleanupReport, type IntervalRecord } from './stage.js';
export { canaryConfigOf, fromKayentaCanary, parseCanaryConfig, type CanaryConfig, type CanaryMetric, type MetricQuery } from './config.js';
export { cloudFleet, canaryClusterName, type CanaryFleet, type CanaryGroupRequest, type CanaryRole, type ProductionGroup } from './fleet.js';
export { fetchObservations, planQueries, combineResults } from './metrics.js';
export { decide, intervalCount, intervalWindow, type CanaryDecision, type CanarySchedule } from './schedule.js';
export { CanaryStageError, MetricsFetchError, NoProductionGroupError } from './errors.js';
export { canaryStages, canaryDeps, cleanupLine, type CanaryFamilyDeps } from './family.js';
