/**
 * How every Lambda is bundled: local esbuild (never Docker), minified ESM with source maps, the AWS
 * SDK bundled in at the versions package.json pins (what the tests ran is what runs in Lambda).
 * bench/bundles.ts builds with `esbuildOptions`, the same flags NodejsFunction passes to esbuild.
 * Both first make the SDK's schema modules tree-shakeable (sdk-schema-keys.ts).
 */
import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { Charset, LogLevel, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { REPO_ROOT } from '../paths.js';
import { prepareSdkForBundling } from './sdk-schema-keys.js';

/** Matches the Lambda runtime (platform/functions.ts) and the Node the test suite runs on. */
export const NODE_TARGET = 'node22';

/**
 * ESM bundles have no `require`; some CommonJS dependencies call it for Node built-ins. The alias
 * keeps the banner from clashing with a bundled `createRequire`.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __gennakerCreateRequire } from 'node:module'; const require = __gennakerCreateRequire(import.meta.url);";

const MAIN_FIELDS = ['module', 'main'];

/**
 * Packages replaced at bundle time by what a Lambda needs of them: the SDK's default credential
 * chain by the environment provider, the only source Lambda uses (functions/core/lambda-credentials.ts),
 * and event streams, which no call of ours uses, by a module that says so (no-event-streams.ts).
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': join(REPO_ROOT, 'functions', 'core', 'lambda-credentials.ts'),
  '@smithy/core/event-streams': join(REPO_ROOT, 'functions', 'core', 'no-event-streams.ts'),
};

/** NodejsFunction bundling props. */
export function lambdaBundling(): BundlingOptions {
  prepareSdkForBundling();
  return {
    forceDockerBundling: false,
    format: OutputFormat.ESM,
    target: NODE_TARGET,
    minify: true,
    sourceMap: true,
    // Maps point at files and lines; the sources themselves would only double the asset.
    sourcesContent: false,
    mainFields: MAIN_FIELDS,
    banner: ESM_REQUIRE_BANNER,
    bundleAwsSDK: true,
    externalModules: [],
    charset: Charset.UTF8,
    logLevel: LogLevel.ERROR,
    esbuildArgs: { '--alias': Object.entries(BUNDLE_ALIASES).map(([from, to]) => `${from}=${to}`) },
  };
}

/** The esbuild API options equivalent to `lambdaBundling()` (NodejsFunction runs the esbuild CLI). */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  prepareSdkForBundling();
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: NODE_TARGET,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    mainFields: MAIN_FIELDS,
    banner: { js: ESM_REQUIRE_BANNER },
    charset: 'utf8',
    external: [],
    alias: { ...BUNDLE_ALIASES },
    tsconfig: join(REPO_ROOT, 'tsconfig.json'),
    logLevel: 'error',
  };
}
