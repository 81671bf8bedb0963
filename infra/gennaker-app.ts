/**
 * The Gennaker CDK app: the platform stack and one stack per pipeline file. Settings come from the
 * CDK context (cdk.json, or `-c key=value`):
 *   gennaker:pipelines  folder of pipeline files, JSON or YAML, read recursively (default: pipelines)
 *   gennaker:target     'aws' or 'emulator' (stack synthesizer; default aws)
 *   gennaker:prefix     stack name prefix (default Gennaker) and, lower-cased, state machine name prefix
 *   gennaker:nag        'false' to skip the cdk-nag checks (default: on)
 *   gennaker:console    'true' to host the web console (S3 + CloudFront + Cognito; default: off)
 *   gennaker:consoleDomainPrefix  the Cognito hosted UI's domain prefix (default gennaker-<account>)
 *   gennaker:consoleGroups        Cognito groups to create, comma-separated: the roles permissions name
 *   gennaker:timeZone   IANA zone of windows and cron triggers that name none (default America/Los_Angeles, Spinnaker's)
 *   gennaker:accounts, gennaker:trafficGuards, gennaker:bake, gennaker:jenkinsMasters, gennaker:launchPermissions,
 *   gennaker:permissions, gennaker:preconfiguredWebhooks, gennaker:secretAccess, gennaker:artifacts, gennaker:notifications
 *                       setting files (YAML or JSON, relative to the repository root) bundled with
 *                       the functions that read them (platform/configuration.ts; default: none)
 */
import { extname, isAbsolute, join, relative } from 'node:path';
import { scanPipelineFolder } from '../functions/core/pipeline-files.js';
import type { App } from 'aws-cdk-lib';
import { PipelineDefinitionError } from './errors.js';
import { applyNag } from './nag.js';
import { REPO_ROOT } from './paths.js';
import { loadPipeline } from './pipeline/definition.js';
import { registerSettingStageTypes, SETTING_KEYS, type SettingSource } from './platform/configuration.js';
import type { PlatformProps } from './platform/platform.js';
import { PipelineStack } from './stacks/pipeline-stack.js';
import { PlatformStack } from './stacks/platform-stack.js';
import { stackSynthesizer, type Target } from './synthesizer.js';
import { textOf } from '../state-machines/model/problems.js';

export interface GennakerAppOptions {
  /** Absolute, or relative to the repository root. @default 'pipelines' */
  readonly pipelinesDir?: string;
  /** @default 'aws' */
  readonly target?: Target;
  /** @default 'Gennaker' */
  readonly stackPrefix?: string;
  /** @default true */
  readonly nag?: boolean;
  readonly platform?: PlatformProps;
}

export interface GennakerApp {
  readonly platformStack: PlatformStack;
  readonly pipelineStacks: readonly PipelineStack[];
}

export function optionsFromContext(app: App): GennakerAppOptions {
  const context = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(`gennaker:${key}`);
    return value === undefined || value === null ? undefined : textOf(value);
  };
  const target = context('target') ?? 'aws';
  if (target !== 'aws' && target !== 'emulator') throw new Error(`gennaker:target must be 'aws' or 'emulator', not '${target}'`);
  const pipelinesDir = context('pipelines');
  const stackPrefix = context('prefix');
  const timeZone = context('timeZone');
  const webhookSecret = context('webhookSecret');
  const settings: Record<string, SettingSource> = {};
  for (const key of SETTING_KEYS) {
    const file = context(key);
    if (file) settings[key] = { file: isAbsolute(file) ? file : join(REPO_ROOT, file) };
  }
  const consoleFlag = context('console');
  if (consoleFlag !== undefined && consoleFlag !== 'true' && consoleFlag !== 'false')
    throw new Error(`gennaker:console must be 'true' or 'false', not '${consoleFlag}'`);
  const domainPrefix = context('consoleDomainPrefix');
  const groups = context('consoleGroups')
    ?.split(',')
    .map((g) => g.trim())
    .filter(Boolean);
  const hosting = consoleFlag === 'true' ? { console: { ...(domainPrefix ? { domainPrefix } : {}), ...(groups ? { groups } : {}) } } : {};
  const platform = {
    ...(Object.keys(settings).length > 0 ? { settings } : {}),
    ...(webhookSecret ? { webhookSecret } : {}),
    ...hosting,
    ...(timeZone ? { timeZone } : {}),
  };
  return {
    target,
    nag: context('nag') !== 'false',
    ...(pipelinesDir ? { pipelinesDir } : {}),
    ...(stackPrefix ? { stackPrefix } : {}),
    ...(Object.keys(platform).length > 0 ? { platform } : {}),
  };
}

/** Pipeline stacks import the platform's function ARNs; exports keep a used function from being removed. */
const CROSS_STACK_REFERENCES = '@aws-cdk/core:defaultCrossStackReferences';

export function buildGennakerApp(app: App, options: GennakerAppOptions = {}): GennakerApp {
  if (app.node.tryGetContext(CROSS_STACK_REFERENCES) === undefined) app.node.setContext(CROSS_STACK_REFERENCES, 'strong');
  const prefix = options.stackPrefix ?? 'Gennaker';
  const synthesizer = stackSynthesizer(options.target ?? 'aws');
  const common = synthesizer ? { synthesizer } : {};
  const dir = options.pipelinesDir ?? 'pipelines';
  const root = isAbsolute(dir) ? dir : join(REPO_ROOT, dir);
  const files = scanPipelineFolder(root).files;
  // Pipelines may use the operator's preconfigured webhook types: known before any is validated.
  registerSettingStageTypes(options.platform?.settings);
  // Each file through the one loader; the valid ones (defaults written in) are the trigger functions' manifest.
  const loaded = files.map((file) => {
    try {
      return { file, pipeline: loadPipeline(file) };
    } catch (error) {
      if (!(error instanceof PipelineDefinitionError)) throw error;
      return { file, error };
    }
  });
  const documents = loaded.flatMap((l) => (l.pipeline ? [l.pipeline.document] : []));
  const platformStack = new PlatformStack(app, prefix, {
    ...common,
    description: 'Gennaker platform: tables, topic, stage and trigger functions',
    platform: { namePrefix: prefix.toLowerCase(), pipelineDocuments: documents, ...options.platform },
  });
  const pipelineStacks: PipelineStack[] = [];
  // Collect every invalid file so one synth reports them all.
  const invalid: PipelineDefinitionError[] = loaded.flatMap((l) => (l.error ? [l.error] : []));
  for (const { file, pipeline } of loaded) {
    if (!pipeline) continue;
    const path = relative(root, file);
    const id = `${prefix}-${path.slice(0, path.length - extname(path).length).replace(/[^A-Za-z0-9-]+/g, '-')}`;
    pipelineStacks.push(
      new PipelineStack(app, id, {
        ...common,
        description: `Gennaker pipeline from ${path}`,
        platform: platformStack.platform,
        definition: file,
      }),
    );
  }
  const [only] = invalid;
  if (only && invalid.length === 1) throw only;
  if (invalid.length > 1) throw new AggregateError(invalid, invalid.map((e) => e.message).join('\n'));
  if (options.nag ?? true) applyNag(app);
  return { platformStack, pipelineStacks };
}
