/**
 * The cloud family: stages that change or read AWS server groups, clusters and images through the
 * cloud driver (functions/core/cloud). `cloudStages(deps)` builds them; mutating stages hold their
 * clusters' locks (locking.ts) and check traffic guards before removing capacity.
 */
import { clusterProblems } from '../../../state-machines/stage-types/cloud.js';
import type { StageImplementation } from '../../core/stage-api.js';
import { bakeStage } from './bake/stage.js';
import { clusterStage } from './cluster/operation.js';
import { disableClusterOperation, scaleDownClusterOperation, shrinkClusterOperation } from './cluster/stages.js';
import { cloneStage } from './clone.js';
import { cloudEnv, type CloudEnv, type CloudStageDeps } from './deps.js';
import { deployStage } from './deploy/stage.js';
import { findImageFromTagsStage } from './find-image-from-tags.js';
import { findImageStage } from './find-image.js';
import { lambdaReadStages, lambdaStages } from './lambda/index.js';
import { withClusterLocks } from './locking.js';
import { rollbackClusterStage, rollbackServerGroupStage } from './rollback/stages.js';
import { disableOperation } from './server-group/disable.js';
import { destroyOperation } from './server-group/destroy.js';
import { enableOperation } from './server-group/enable.js';
import { serverGroupStage } from './server-group/operation.js';
import { resizeOperation } from './server-group/resize.js';
import { tagImageStage } from './tag-image.js';

/** Every cloud stage, built on one environment (an env may be shared with cloudPreconditions). */
export function cloudStagesOf(env: CloudEnv): StageImplementation[] {
  const locked = [
    deployStage(env),
    serverGroupStage(enableOperation, env),
    serverGroupStage(disableOperation, env),
    serverGroupStage(resizeOperation, env),
    serverGroupStage(destroyOperation, env),
    cloneStage(env),
    clusterStage(disableClusterOperation, env, clusterProblems),
    clusterStage(scaleDownClusterOperation, env, clusterProblems),
    clusterStage(shrinkClusterOperation, env, clusterProblems),
    rollbackClusterStage(env),
    rollbackServerGroupStage(env),
    ...lambdaStages(env),
  ].map((stage) => withClusterLocks(stage, env));
  return [...locked, bakeStage(env), findImageStage(env), findImageFromTagsStage(env), tagImageStage(env), ...lambdaReadStages(env)];
}

export function cloudStages(deps: CloudStageDeps = {}): StageImplementation[] {
  return cloudStagesOf(cloudEnv(deps));
}

export { cloudEnv, type CloudEnv, type CloudStageDeps } from './deps.js';
export { cloudPreconditions } from './preconditions.js';
export { describeClusterLines, plannedClusters, touchedClusters, uniqueRefs, type ClusterRef, type PlannedCluster } from './summary.js';
export { parseBakeConfig, LOCAL_BASE_IMAGE_NAME } from './bake/config.js';
export * from './errors.js';
