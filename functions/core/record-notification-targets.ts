/**
 * Finds who asked for an engine event from the execution record itself (the pipeline's and the
 * stage's own `notifications` settings the start step recorded), so stage Lambdas need no
 * pipeline registry to honour them.
 */
import type { ExecutionStore } from './execution-store.js';
import { type NotificationSetting, type NotificationTargetResolver, notificationTargets } from './notifications.js';

export function recordNotificationTargets(store: ExecutionStore): NotificationTargetResolver {
  return async (event) => {
    const execution = await store.getExecution(event.executionId).catch(() => undefined);
    if (!execution) return [];
    // The skeleton is read only for a stage's event: the header alone holds the pipeline's settings.
    const stage = event.stage ? (await store.getSkeleton(event.executionId)).find((s) => s.refId === event.stage?.refId) : undefined;
    return notificationTargets(event, {
      pipeline: (execution.notifications ?? []) as unknown as NotificationSetting[],
      ...(stage?.notifications ? { stage: stage.notifications as unknown as NotificationSetting[] } : {}),
    });
  };
}
