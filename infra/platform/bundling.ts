/**
 * How every Lambda is bundled: local esbuild (never Docker), minified ESM with source maps and code
 * splitting, the AWS SDK bundled in at the versions package.json pins (what the tests ran is what
 * runs in Lambda). The platform (`handlerCode`), bench/bundles.ts and the tests all build with
 * `esbuildOptions`, after making the SDK's schema modules tree-shakeable (sdk-schema-keys.ts).
 */
import { writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AssetHashType, DockerImage, type ILocalBundling } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { buildSync, type BuildOptions } from 'esbuild';
import { REPO_ROOT } from '../paths.js';
import { prepareSdkForBundling } from './sdk-schema-keys.js';

/** Matches the Lambda runtime (platform/functions.ts) and the Node the test suite runs on. */
const NODE_TARGET = 'node22';

/**
 * ESM bundles have no `require`; some CommonJS dependencies call it for Node built-ins. The alias
 * keeps the banner from clashing with a bundled `createRequire`.
 */
const ESM_REQUIRE_BANNER = "import { createRequire as __gennakerCreateRequire } from 'node:module'; const require = __gennakerCreateRequire(import.meta.url);";

const MAIN_FIELDS = ['module', 'main'];

/**
 * Packages replaced at bundle time by what a Lambda needs of them: the SDK's default credential
 * chain by the environment provider, the only source Lambda uses (functions/core/lambda-credentials.ts),
 * and event streams, which no call of ours uses, by a module that says so (no-event-streams.ts).
 */
const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': join(REPO_ROOT, 'functions', 'core', 'lambda-credentials.ts'),
  '@smithy/core/event-streams': join(REPO_ROOT, 'functions', 'core', 'no-event-streams.ts'),
};

/**
 * The esbuild options for one handler: `outfile` is its entry module; modules it reaches only
 * through `import()` go to chunks/ beside it and are read and compiled when first imported.
 */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  prepareSdkForBundling();
  return {
    entryPoints: [entry],
    outdir: dirname(outfile),
    entryNames: basename(outfile, '.mjs'),
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    splitting: true,
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

/**
 * A handler's bundle: `index.mjs` and, under chunks/, what it reaches only through `import()`.
 * Code splitting is why bundles are built here and not by NodejsFunction (which writes one file):
 * without it a dynamic import only defers running a module, while Node still compiles it at start.
 * An instance per function, with what it bundles as fields: CDK keys its asset cache on them.
 */
class HandlerBundling implements ILocalBundling {
  constructor(
    readonly entry: string,
    /** Files placed next to the bundle (the Lambda's working directory), by name → content. */
    readonly files: Readonly<Record<string, string>> = {},
  ) {}

  tryBundle(outputDir: string): boolean {
    buildSync(esbuildOptions(this.entry, join(outputDir, 'index.mjs')));
    for (const [name, content] of Object.entries(this.files)) writeFileSync(join(outputDir, name), content);
    return true;
  }
}

/** A function's code, bundled in this process by local esbuild (never Docker). */
export function handlerCode(entry: string, files?: Readonly<Record<string, string>>): Code {
  return Code.fromAsset(REPO_ROOT, {
    // The hash is the bundle's: the repository is never fingerprinted or copied.
    assetHashType: AssetHashType.OUTPUT,
    // Named only because CDK requires an image; local bundling always succeeds.
    bundling: { image: DockerImage.fromRegistry('node:22-slim'), local: new HandlerBundling(entry, files) },
  });
}
