/** A JSON Schema of the pipeline format, for editors (`gennaker schema`, docs/pipeline.schema.json). */
import * as z from 'zod/mini';
import { PipelineSchema } from './schema.js';
import { stageTypeSchema } from '../stage-types/reference.js';
import '../stage-types/index.js';

type Json = Record<string, unknown>;

/** The pipeline schema, with each stage's `type` and per-type fields from the stage-type registry. */
export function pipelineJsonSchema(): Record<string, unknown> {
  const base = z.toJSONSchema(PipelineSchema, { io: 'input', unrepresentable: 'any' }) as Json;
  const properties = base.properties as Json;
  const stages = properties.stages as Json;
  const stage = stages.items as Json;
  const perType = stageTypeSchema();
  const withTypes: Json = {
    ...stage,
    properties: { ...(stage.properties as Json), ...(perType.properties as Json) },
    allOf: perType.allOf,
  };
  return {
    ...base,
    properties: { ...properties, stages: { ...stages, items: withTypes } },
    $id: 'https://gennaker.dev/schemas/pipeline.json',
    title: 'Gennaker / Spinnaker pipeline',
  };
}
