/** validate, compile, graph, schema: commands that only read pipeline files. */
import { Argument, type Command, Option } from 'commander';
import { stageReferenceMarkdown } from '../../state-machines/stage-types/reference.js';
import { columns, emit, OUTPUT_FORMATS, type OutputFormat, outputOption } from '../output.js';
import { compilePipeline, renderDefinition } from '../../state-machines/compiler/compile.js';
import { mermaidGraph } from '../../state-machines/graph/mermaid.js';
import { pipelineJsonSchema } from '../../state-machines/model/json-schema.js';
import { formatProblem } from '../../state-machines/model/problems.js';
import type { Pipeline } from '../../state-machines/model/pipeline.js';
import { platformTimeZone, TIME_ZONE_ENV } from '../../functions/core/time-zone.js';
import { usesPlatformTimeZone } from '../../state-machines/model/time-zone.js';
import { EXIT, UsageError } from '../errors.js';
import { GennakerError } from '../../state-machines/errors.js';
import { type LoadedPipeline, loadPipelineFile, loadPipelinePath } from '../../functions/core/pipeline-files.js';
import type { Io } from '../io.js';
import { DEFAULT_SECRET_NAME_PREFIX, type SecretAccess, secretAccessProblems } from '../../state-machines/model/secret-access.js';
import { SECRET_NAME_PREFIX_ENV } from '../../functions/core/secrets/scope.js';

interface ValidationResult {
  readonly file: string;
  readonly ok: boolean;
  readonly application?: string;
  readonly name?: string;
  readonly stages?: number;
  /** The platform zone its windows and cron triggers without their own run in (only when it has such). */
  readonly timeZone?: string;
  readonly errors: Array<{ path: string; message: string }>;
  readonly warnings: Array<{ path: string; message: string }>;
}

function report(loaded: LoadedPipeline, io: Io): Pipeline | undefined {
  for (const w of loaded.warnings) io.err(`${loaded.source}: warning: ${formatProblem(w)}`);
  for (const e of loaded.errors) io.err(`${loaded.source}: ${formatProblem(e)}`);
  return loaded.pipeline;
}

/** For a pipeline whose windows or crons name no zone of their own: which zone they run in (the platform's). */
function zoneNote(zone: string): string {
  return `; windows and cron triggers without a timeZone run in ${zone} (${process.env[TIME_ZONE_ENV] ? TIME_ZONE_ENV : "Spinnaker's default; set GENNAKER_TIME_ZONE or gennaker:timeZone"})`;
}

/** The settings a context file names, read and checked as synth does (parsers, secret references, literal credentials). */
async function validateSettings(file: string): Promise<{ result: ValidationResult; access?: SecretAccess }> {
  const { ResolvedSettings, settingsFromContextFile } = await import('../../infra/platform/configuration.js');
  try {
    const settings = ResolvedSettings.resolve(settingsFromContextFile(file));
    return {
      result: { file, ok: true, errors: [], warnings: settings.warnings.map((w) => ({ path: w.path, message: w.message })) },
      access: settings.secretAccess(),
    };
  } catch (error) {
    if (!(error instanceof GennakerError) || error.kind !== 'input') throw error;
    return { result: { file, ok: false, errors: [{ path: '$', message: error.message }], warnings: [] } };
  }
}

function loadOrReport(file: string, io: Io): Pipeline | undefined {
  return report(loadPipelineFile(file), io);
}

export function registerPipelineFileCommands(program: Command, io: Io): void {
  program
    .command('validate')
    .description('Check pipeline files or folders of them (Spinnaker JSON or YAML), and platform settings; one line per problem, exit 2 if any')
    .argument('[paths...]', 'pipeline files or folders')
    .option('--settings <file>', 'a CDK context file naming the settings files (gennaker:<setting> keys, as cdk.json): checked as synth checks them, first')
    .addOption(outputOption())
    .addHelpText(
      'after',
      "\nExamples:\n  npx gennaker validate pipelines/\n  npx gennaker validate export.json -o json | jq '.[] | select(.ok | not)'\n  npx gennaker validate --settings cdk.json pipelines/",
    )
    .action(async (paths: string[], opts: { output: OutputFormat; settings?: string }) => {
      if (paths.length === 0 && !opts.settings) throw new UsageError('validate needs pipeline files or folders, or --settings');
      const results: ValidationResult[] = [];
      // Settings first: their preconfigured webhook types are stage types the pipelines may use, their shared secrets secrets they may reference.
      const settings = opts.settings ? await validateSettings(opts.settings) : undefined;
      if (settings) results.push(settings.result);
      const secretPrefix = process.env[SECRET_NAME_PREFIX_ENV] || DEFAULT_SECRET_NAME_PREFIX;
      for (const path of paths) {
        const folder = loadPipelinePath(path);
        for (const p of folder.problems) results.push({ file: p.source, ok: false, errors: [{ path: '$', message: p.message }], warnings: [] });
        for (const loaded of folder.files) {
          const pipeline = loaded.pipeline;
          // As synth refuses them: references to secrets the pipeline's application may not use.
          const foreign = pipeline && loaded.document ? secretAccessProblems(loaded.document, pipeline.application, secretPrefix, settings?.access) : [];
          results.push({
            file: loaded.source,
            ok: pipeline !== undefined && foreign.length === 0,
            ...(pipeline ? { application: pipeline.application, name: pipeline.name, stages: pipeline.stages.length } : {}),
            ...(pipeline && usesPlatformTimeZone(pipeline) ? { timeZone: platformTimeZone() } : {}),
            errors: [...loaded.errors, ...foreign].map((e) => ({ path: e.path, message: e.message })),
            warnings: loaded.warnings.map((w) => ({ path: w.path, message: w.message })),
          });
        }
      }
      if (opts.output === 'table') {
        for (const r of results) {
          for (const w of r.warnings) io.err(`${r.file}: warning: ${formatProblem(w)}`);
          for (const e of r.errors) io.err(`${r.file}: ${formatProblem(e)}`);
          if (r.ok && r.name === undefined) io.out(`${r.file}: settings ok`);
          else if (r.ok)
            io.out(`${r.file}: ok (${r.application}/${r.name}, ${r.stages} stage${r.stages === 1 ? '' : 's'})${r.timeZone ? zoneNote(r.timeZone) : ''}`);
        }
      } else emit(io, opts.output, results, () => []);
      io.exit(results.some((r) => !r.ok) ? EXIT.invalid : EXIT.ok);
    });

  program
    .command('compile')
    .description('Print the Step Functions definition (ASL) a pipeline compiles to')
    .argument('<file>', 'pipeline file')
    .addHelpText('after', '\nExamples:\n  npx gennaker compile pipelines/demo.yml > demo.asl.json')
    .action(async (file: string) => {
      const pipeline = loadOrReport(file, io);
      if (!pipeline) return io.exit(EXIT.invalid);
      io.write(renderDefinition(compilePipeline(pipeline, { timeZone: platformTimeZone() })));
    });

  program
    .command('graph')
    .description('Print the stage graph: a Mermaid flowchart, a table of its stages, or its stages and edges as JSON/YAML')
    .argument('<file>', 'pipeline file')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['mermaid', ...OUTPUT_FORMATS]).default('mermaid'))
    .addHelpText(
      'after',
      '\nExamples:\n  npx gennaker graph pipelines/demo.yml > demo.mmd\n  npx gennaker graph pipelines/demo.yml -o table\n  npx gennaker graph pipelines/demo.yml -o json',
    )
    .action(async (file: string, opts: { output: 'mermaid' | OutputFormat }) => {
      const pipeline = loadOrReport(file, io);
      if (!pipeline) return io.exit(EXIT.invalid);
      const zone = usesPlatformTimeZone(pipeline) ? platformTimeZone() : undefined;
      if (opts.output === 'mermaid') return io.write(`${zone ? `%% ${zoneNote(zone).replace(/^; /, '')}\n` : ''}${mermaidGraph(pipeline)}`);
      const graph = {
        application: pipeline.application,
        name: pipeline.name,
        ...(zone ? { timeZone: zone } : {}),
        stages: pipeline.stages.map((s) => ({ refId: s.refId, name: s.name, type: s.type, requisiteStageRefIds: s.requisiteStageRefIds })),
        edges: pipeline.stages.flatMap((s) => s.requisiteStageRefIds.map((from) => ({ from, to: s.refId }))),
      };
      emit(io, opts.output, graph, () =>
        columns([['REF', 'STAGE', 'TYPE', 'AFTER'], ...graph.stages.map((s) => [s.refId, s.name, s.type, s.requisiteStageRefIds.join(', ') || '-'])]),
      );
    });

  const schemaText = () => `${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`;
  program
    .command('docs')
    .description('Print generated reference docs: the stage reference (Markdown) or the JSON Schema of the pipeline format')
    .addArgument(new Argument('<topic>').choices(['stages', 'schema']))
    .addHelpText('after', '\nExamples:\n  npx gennaker docs stages > docs/stages.md\n  npx gennaker docs schema > docs/pipeline.schema.json')
    .action((topic: 'stages' | 'schema') => io.write(topic === 'schema' ? schemaText() : stageReferenceMarkdown()));

  program
    .command('schema')
    .description('Print the JSON Schema of the pipeline format (for editors; same as docs schema)')
    .addHelpText('after', '\nExamples:\n  npx gennaker schema > docs/pipeline.schema.json')
    .action(() => io.write(schemaText()));
}
