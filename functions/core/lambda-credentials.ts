/**
 * The AWS credential chain of deployed functions. Lambda hands a function its role's credentials
 * in environment variables and nothing else, so the bundles swap the SDK's default chain
 * (@aws-sdk/credential-provider-node: SSO, INI profiles, processes, web identity, container and
 * instance metadata, and the nested STS/SSO clients they need; ~90 KB) for the environment
 * provider, by an esbuild alias (infra/platform/bundling.ts). Tests and local runs import the SDK
 * unbundled and keep its full chain.
 */
import { fromEnv, type FromEnvInit } from '@aws-sdk/credential-provider-env';

/** Same name and shape as the SDK's `defaultProvider`, which client runtime configs import. */
export const defaultProvider = (init: FromEnvInit = {}) => fromEnv(init);
