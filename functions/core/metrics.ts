/**
 * CloudWatch metrics in the embedded metric format (Powertools Metrics: JSON lines in the
 * function's log, no API call, no IAM). What a platform team watches: stages and pipelines that
 * ended, by status (and stage type), and executions the lifecycle handler finalised.
 * POWERTOOLS_METRICS_NAMESPACE (the platform sets `Gennaker`) names the namespace.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { FINAL_STATUSES, type StageStatus } from './stage-api.js';

const DEFAULT_METRICS_NAMESPACE = 'Gennaker';
const METRICS_SERVICE = 'gennaker';

export function platformMetrics(serviceName = METRICS_SERVICE): Metrics {
  return new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? DEFAULT_METRICS_NAMESPACE, serviceName });
}

/**
 * Counts what one engine call ended: `StagesEnded` (dimensions status, stageType) for a stage run,
 * `PipelinesEnded` (status) for a completion. Publishes only when it counted something, so polls
 * write no metric lines.
 */
export function recordEngineCall(metrics: Metrics, call: { op?: string; stageType?: string; status: string }): void {
  // Pipelines end in a subset of the stage statuses; RUNNING and routing statuses end nothing.
  if (!FINAL_STATUSES.has(call.status as StageStatus)) return;
  if (call.op === 'run' || call.op === 'fail') {
    metrics.addDimensions({ status: call.status, stageType: call.stageType ?? 'unknown' });
    metrics.addMetric('StagesEnded', MetricUnit.Count, 1);
  } else if (call.op === 'complete') {
    metrics.addDimension('status', call.status);
    metrics.addMetric('PipelinesEnded', MetricUnit.Count, 1);
  } else return;
  metrics.publishStoredMetrics();
}

/** Counts an execution the lifecycle handler finalised (`ExecutionsFinalized`, by final status). */
export function recordFinalized(metrics: Metrics, status: string): void {
  metrics.addDimension('status', status);
  metrics.addMetric('ExecutionsFinalized', MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
}
