/**
 * Writes docs/graphs/<name>.dot and .svg: the compiled state machines of the demo pipeline and of
 * an N-shaped DAG, as the Step Functions console shows them. Needs Graphviz (`dot`) for the SVG.
 * Run: npx tsx docs/graphs/render.ts
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPipelineFile } from '../../functions/core/pipeline-files.js';
import { compilePipeline } from '../../state-machines/compiler/compile.js';
import { aslDot } from '../../state-machines/graph/graphviz.js';
import { validatePipeline } from '../../state-machines/model/validate.js';

const dir = import.meta.dirname;
const demo = loadPipelineFile('pipelines/demo.yml').pipeline!;
const wait = (refId: string, requisites: string[]) => ({ refId, name: refId, type: 'wait', waitTime: 5, requisiteStageRefIds: requisites });
const nShape = validatePipeline({
  application: 'docs',
  name: 'n-shape',
  stages: [wait('A', []), wait('B', []), wait('C', ['A']), wait('D', ['A', 'B'])],
}).pipeline!;

for (const [name, pipeline] of [['demo', demo], ['n-shape', nShape]] as const) {
  const dot = join(dir, `${name}.dot`);
  writeFileSync(dot, aslDot(compilePipeline(pipeline), `${pipeline.application}/${pipeline.name}`));
  execFileSync('dot', ['-Tsvg', dot, '-o', join(dir, `${name}.svg`)]);
  process.stdout.write(`wrote ${dot} and ${name}.svg\n`);
}
