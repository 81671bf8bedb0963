/**
 * The pipeline's and its stages' own `notifications` settings, looked up in the pipeline registry,
 * for the notifier to honour (functions/core/notifications.ts).
 */
import { type NotificationTargetResolver, notificationTargets } from '../core/notifications.js';
import type { PipelineRegistry } from '../core/pipeline-registry.js';

export function registryNotificationTargets(registry: PipelineRegistry): NotificationTargetResolver {
  return async (event) => {
    const entry = await registry.get(event.application, event.pipeline).catch(() => undefined);
    if (!entry) return [];
    const stage = event.stage ? entry.pipeline.stages.find((s) => s.refId === event.stage?.refId) : undefined;
    return notificationTargets(event, {
      pipeline: entry.pipeline.notifications,
      ...(stage ? { stage: stage.notifications } : {}),
    });
  };
}
