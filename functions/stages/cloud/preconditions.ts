/**
 * The `clusterSize` precondition for checkPreconditions (Spinnaker's): the number of server groups
 * of a cluster, in every region given, compared with `expected` (comparison ==, !=, <, <=, >, >=;
 * default ==). `onlyEnabledServerGroups` counts only enabled ones.
 */
import type { PreconditionCheck } from '../../core/check-preconditions.js';
import type { CloudEnv } from './deps.js';
import { errorMessage, rethrowUnlessFailed } from './errors.js';
import { accountOf, clusterOf, flag, regionsOf, wholeNumber } from './fields.js';
import { providerTarget } from './providers.js';
import { textOf } from '../../../state-machines/model/problems.js';

const COMPARISONS: Record<string, (actual: number, expected: number) => boolean> = {
  '==': (a, e) => a === e,
  '!=': (a, e) => a !== e,
  '<': (a, e) => a < e,
  '<=': (a, e) => a <= e,
  '>': (a, e) => a > e,
  '>=': (a, e) => a >= e,
};

function clusterSizePrecondition(env: CloudEnv): PreconditionCheck {
  return async (context) => {
    try {
      const comparison = textOf(context.comparison ?? '==');
      const compare = COMPARISONS[comparison];
      if (!compare) return { passed: false, message: `comparison '${comparison}' is not one of ${Object.keys(COMPARISONS).join(', ')}` };
      const expected = wholeNumber(context, 'expected');
      if (expected === undefined) return { passed: false, message: 'expected: required (a number of server groups)' };
      const cluster = clusterOf(context);
      const account = accountOf(context);
      const onlyEnabled = flag(context, 'onlyEnabledServerGroups', false);
      const failures: string[] = [];
      const sizes: string[] = [];
      for (const region of regionsOf(context, env.defaultRegion())) {
        const { provider } = await providerTarget(env, account, region, context, cluster);
        const view = await provider.describeCluster(cluster, { launchTemplates: false, targetHealth: false });
        const size = view.serverGroups.filter((g) => !g.status && (!onlyEnabled || g.enabled)).length;
        sizes.push(`${size} in ${region}`);
        if (!compare(size, expected)) failures.push(`${region} has ${size}`);
      }
      const what = `cluster ${cluster} (${account}) ${onlyEnabled ? 'enabled ' : ''}server groups ${comparison} ${expected}`;
      return failures.length === 0
        ? { passed: true, message: `${what}: ${sizes.join(', ')}` }
        : { passed: false, message: `${what} does not hold: ${failures.join(', ')}` };
    } catch (error) {
      rethrowUnlessFailed(error);
      return { passed: false, message: errorMessage(error) };
    }
  };
}

/** The extra precondition types the cloud family brings to checkPreconditions. */
export function cloudPreconditions(env: CloudEnv): Record<string, PreconditionCheck> {
  return { clusterSize: clusterSizePrecondition(env) };
}
