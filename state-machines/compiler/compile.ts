/**
 * compile(pipeline) → ASL. Pure: no file system, no SDK, no clock; the same pipeline always gives
 * the same bytes.
 */
import { decompose } from '../dag/decompose.js';
import { buildGraph } from '../dag/graph.js';
import type { Pipeline } from '../model/pipeline.js';
import { DEFAULT_TIME_ZONE, withPlatformTimeZone } from '../model/time-zone.js';
import { answeredInvoke, type AslMachine, MAX_DEFINITION_BYTES, transientRetry } from './asl.js';
import { StateNamer } from './names.js';
import { completePayload, startPayload } from './payloads.js';
import { PIPELINE_FAILED } from '../contract/engine.js';
import { type FunctionFamily, Renderer } from './render.js';

export interface CompileOptions {
  /** ARN of the Lambda function for a handler family. Defaults to `gennaker-<family>` in the emulator's account. */
  readonly functionArn?: (family: FunctionFamily) => string;
  readonly taskTimeoutSeconds?: number;
  /** What execution windows without a timeZone mean (the platform's). @default DEFAULT_TIME_ZONE (Spinnaker's) */
  readonly timeZone?: string;
}

const FIXED_STATES = {
  start: 'Start pipeline',
  complete: 'Complete pipeline',
} as const;

function defaultFunctionArn(family: FunctionFamily): string {
  return `arn:aws:lambda:us-east-1:123456789012:function:gennaker-${family}`;
}

export function compilePipeline(input: Pipeline, options: CompileOptions = {}): AslMachine {
  const pipeline = withPlatformTimeZone(input, options.timeZone ?? DEFAULT_TIME_ZONE);
  const functionArn = options.functionArn ?? defaultFunctionArn;
  const namer = new StateNamer();
  for (const fixed of Object.values(FIXED_STATES)) namer.claim(fixed);

  const graph = buildGraph(pipeline.stages);
  const renderer = Renderer.create(pipeline, graph, namer, { functionArn, taskTimeoutSeconds: options.taskTimeoutSeconds ?? 900 });
  const targets = { next: FIXED_STATES.complete, halt: FIXED_STATES.complete, terminal: FIXED_STATES.complete };
  const first = renderer.render(decompose(graph), targets);
  renderer.finish(targets);

  const engine = functionArn('engine');
  const states: AslMachine['States'] = {
    [FIXED_STATES.start]: {
      Type: 'Task',
      Comment: 'Creates the execution record',
      Resource: engine,
      Parameters: startPayload(pipeline),
      // No ResultPath: the result replaces the state data, which becomes {executionId, caught: false},
      // small whatever the trigger carried.
      ResultSelector: { 'executionId.$': '$.executionId', 'caught.$': '$.caught' },
      TimeoutSeconds: 60,
      Retry: transientRetry(),
      Next: first,
    },
    ...renderer.states,
    [FIXED_STATES.complete]: {
      Type: 'Task',
      Comment: `Finalises the execution record; a pipeline that did not succeed ends here with ${PIPELINE_FAILED}`,
      ...answeredInvoke(engine, completePayload()),
      ResultPath: '$.result',
      TimeoutSeconds: 60,
      Retry: transientRetry(),
      End: true,
    },
  };
  return {
    Comment: `Gennaker pipeline '${pipeline.name}' of application '${pipeline.application}'`,
    StartAt: FIXED_STATES.start,
    States: states,
  };
}

/** The definition as Step Functions stores it: stable key order, two-space indent. */
export function renderDefinition(machine: AslMachine): string {
  return `${JSON.stringify(machine, null, 2)}\n`;
}

/** Budget checks on a compiled definition, as validator-style problems. */
export function definitionProblems(machine: AslMachine): Array<{ path: string; message: string }> {
  const bytes = Buffer.byteLength(JSON.stringify(machine));
  return bytes > MAX_DEFINITION_BYTES
    ? [{ path: '$', message: `compiles to ${Math.ceil(bytes / 1024)} KB of ASL, over Step Functions' 1 MB limit: move stages into child pipelines` }]
    : [];
}
