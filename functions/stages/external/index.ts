/**
 * The external family: stages that call systems outside AWS's control plane or run work elsewhere
 * (webhook, jenkins: http-stages.ts; runJob on ECS). `externalStages(deps)` builds them, each with
 * a cancel() the engine calls on timeout and on a canceled execution; every dependency has a
 * production default and can be injected (tests, local mode). The canary has its own family
 * (functions/stages/canary/family.ts).
 */
import type { ECSClient } from '@aws-sdk/client-ecs';
import { ecsClient } from '../../core/sdk-clients/ecs.js';
import type { StageImplementation } from '../../core/stage-api.js';
import { awsTargets, type AwsTarget } from '../../core/aws-target.js';
import { httpStages, type HttpStageDeps } from './http-stages.js';
import { cancelRunJob, runJobStage, type RunJobDeps } from './run-job/stage.js';

export interface ExternalDeps extends HttpStageDeps {
  /** Account + region → client options. @default the accounts file and STS roles (functions/core/cloud) */
  readonly target?: (account: string | undefined, region: string | undefined) => Promise<AwsTarget>;
  readonly ecs?: (target: AwsTarget) => ECSClient;
}

/** runJob with its cancel (stops the task); the function imports it on the first runJob call (handler.ts). */
export function runJobStageWithCancel(deps: ExternalDeps): StageImplementation {
  const runJob: RunJobDeps = { target: deps.target ?? awsTargets(), ecs: deps.ecs ?? ((t) => ecsClient(t.clientOptions)) };
  return {
    ...runJobStage(runJob),
    cancel: async (ctx) => {
      const outcome = await cancelRunJob(ctx.stage.config, ctx.state, runJob);
      return outcome.reason ?? 'task stopped';
    },
  };
}

export function externalStages(deps: ExternalDeps = {}): StageImplementation[] {
  return [...httpStages(deps), runJobStageWithCancel(deps)];
}

export { deliverWebhookCallback, INVALID_CALLBACK_TOKEN, invalidCallbackToken } from './webhook/callback.js';
export * from './errors.js';
