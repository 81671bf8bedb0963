/** validate, compile, graph, schema: commands that only read pipeline files. */
import type { Command } from 'commander';
import { compilePipeline, renderDefinition } from '../../state-machines/compiler/compile.js';
import { mermaidGraph } from '../../state-machines/graph/mermaid.js';
import { pipelineJsonSchema } from '../../state-machines/model/json-schema.js';
import { formatProblem } from '../../state-machines/model/problems.js';
import type { Pipeline } from '../../state-machines/model/pipeline.js';
import { EXIT } from '../errors.js';
import { type LoadedPipeline, loadPipelineFile, loadPipelinePath } from '../../functions/core/pipeline-files.js';
import type { Io } from '../io.js';

function report(loaded: LoadedPipeline, io: Io): Pipeline | undefined {
  for (const w of loaded.warnings) io.err(`${loaded.source}: warning: ${formatProblem(w)}`);
  for (const e of loaded.errors) io.err(`${loaded.source}: ${formatProblem(e)}`);
  return loaded.pipeline;
}

function loadOrReport(file: string, io: Io): Pipeline | undefined {
  return report(loadPipelineFile(file), io);
}

export function registerPipelineFileCommands(program: Command, io: Io): void {
  program
    .command('validate')
    .description('Check pipeline files or folders of them (Spinnaker JSON or YAML); one line per problem, exit 2 if any')
    .argument('<paths...>', 'pipeline files or folders')
    .action((paths: string[]) => {
      let failed = 0;
      for (const path of paths) {
        const folder = loadPipelinePath(path);
        for (const p of folder.problems) io.err(`${p.source}: ${p.message}`);
        failed += folder.problems.length;
        for (const loaded of folder.files) {
          const pipeline = report(loaded, io);
          if (pipeline) io.out(`${loaded.source}: ok (${pipeline.application}/${pipeline.name}, ${pipeline.stages.length} stages)`);
          else failed++;
        }
      }
      io.exit(failed > 0 ? EXIT.invalid : EXIT.ok);
    });

  program
    .command('compile')
    .description('Print the Step Functions definition (ASL) a pipeline compiles to')
    .argument('<file>', 'pipeline file')
    .action(async (file: string) => {
      const pipeline = loadOrReport(file, io);
      if (!pipeline) return io.exit(EXIT.invalid);
      io.write(renderDefinition(compilePipeline(pipeline)));
    });

  program
    .command('graph')
    .description('Print the stage graph as a Mermaid flowchart')
    .argument('<file>', 'pipeline file')
    .action(async (file: string) => {
      const pipeline = loadOrReport(file, io);
      if (!pipeline) return io.exit(EXIT.invalid);
      io.write(mermaidGraph(pipeline));
    });

  program
    .command('schema')
    .description('Print the JSON Schema of the pipeline format (for editors)')
    .action(() => io.write(`${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`));
}
