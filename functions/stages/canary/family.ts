/**
 * The canary family: `canary` and Spinnaker's `kayentaCanary`. Its own Lambda (like Spinnaker's
 * Kayenta beside Orca): it deploys and removes server groups through the cloud driver and reads
 * CloudWatch, rights the webhook, Jenkins and runJob stages must not carry. `canaryStages(deps)`
 * builds both types, each with a cancel() that removes the groups the stage made.
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { cloudwatchClient } from '../../core/sdk-clients/cloudwatch.js';
import { cloudClients } from '../../core/cloud/clients.js';
import { cloudDriver } from '../../core/cloud/index.js';
import type { StageImplementation } from '../../core/stage-api.js';
import { awsTargets, type AwsTarget } from '../../core/aws-target.js';
import { cloudFleet, type CanaryFleet } from './fleet.js';
import { canaryStage, cleanupCanary, type CanaryDeps, type CleanupReport } from './stage.js';

export interface CanaryFamilyDeps {
  /** Account + region → client options. @default the accounts file and STS roles (functions/core/cloud) */
  readonly target?: (account: string | undefined, region: string | undefined) => Promise<AwsTarget>;
  readonly cloudwatch?: (target: AwsTarget) => CloudWatchClient;
  /** @default the cloud driver's server groups */
  readonly canaryFleet?: (target: AwsTarget) => CanaryFleet;
}

/** The production defaults, each replaceable (tests, local mode). */
function canaryDeps(deps: CanaryFamilyDeps = {}): CanaryDeps {
  return {
    target: deps.target ?? awsTargets(),
    fleet: deps.canaryFleet ?? ((t) => cloudFleet(cloudDriver(cloudClients(t.clientOptions)))),
    cloudwatch: deps.cloudwatch ?? ((t) => cloudwatchClient(t.clientOptions)),
  };
}

/** What canceling a canary did, as a line for the record. */
function cleanupLine(report: CleanupReport): string {
  return report.errors.length > 0 ? `cleanup failed: ${report.errors.join('; ')}` : `destroyed ${report.destroyed.join(', ') || 'nothing'}`;
}

export function canaryStages(deps: CanaryFamilyDeps = {}): StageImplementation[] {
  const resolved = canaryDeps(deps);
  return (['canary', 'kayentaCanary'] as const).map((type) => ({
    ...canaryStage(resolved, type),
    // The engine calls cancel() on timeout and on a canceled execution.
    cancel: async (ctx) => cleanupLine(await cleanupCanary(ctx.state, resolved)),
  }));
}
