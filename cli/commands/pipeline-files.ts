/** validate, compile, graph, schema: commands that only read pipeline files. */
import type { Command } from 'commander';
import { compilePipeline, renderDefinition } from '../../state-machines/compiler/compile.js';
import { mermaidGraph } from '../../state-machines/graph/mermaid.js';
import { pipelineJsonSchema } from '../../state-machines/model/json-schema.js';
import { formatProblem } from '../../state-machines/model/problems.js';
import type { Pipeline } from '../../state-machines/model/pipeline.js';
import { EXIT } from '../errors.js';
import { loadPipeline } from '../load-pipeline.js';
import type { Io } from '../io.js';

async function loadOrReport(file: string, io: Io): Promise<Pipeline | undefined> {
  const loaded = await loadPipeline(file);
  for (const w of loaded.warnings) io.err(`${file}: warning: ${formatProblem(w)}`);
  for (const e of loaded.errors) io.err(`${file}: ${formatProblem(e)}`);
  return loaded.pipeline;
}

export function registerPipelineFileCommands(program: Command, io: Io): void {
  program
    .command('validate')
    .description('Check pipeline files (Spinnaker JSON or YAML); one line per problem, exit 2 if any')
    .argument('<files...>', 'pipeline files')
    .action(async (files: string[]) => {
      let failed = 0;
      for (const file of files) {
        const pipeline = await loadOrReport(file, io);
        if (pipeline) io.out(`${file}: ok (${pipeline.application}/${pipeline.name}, ${pipeline.stages.length} stages)`);
        else failed++;
      }
      io.exit(failed > 0 ? EXIT.invalid : EXIT.ok);
    });

  program
    .command('compile')
    .description('Print the Step Functions definition (ASL) a pipeline compiles to')
    .argument('<file>', 'pipeline file')
    .action(async (file: string) => {
      const pipeline = await loadOrReport(file, io);
      if (!pipeline) return io.exit(EXIT.invalid);
      io.write(renderDefinition(compilePipeline(pipeline)));
    });

  program
    .command('graph')
    .description('Print the stage graph as a Mermaid flowchart')
    .argument('<file>', 'pipeline file')
    .action(async (file: string) => {
      const pipeline = await loadOrReport(file, io);
      if (!pipeline) return io.exit(EXIT.invalid);
      io.write(mermaidGraph(pipeline));
    });

  program
    .command('schema')
    .description('Print the JSON Schema of the pipeline format (for editors)')
    .action(() => io.write(`${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`));
}
