/** A JSON Schema of the pipeline format, for editors (`gennaker schema`, docs/pipeline.schema.json). */
import * as z from 'zod/mini';
import { PipelineSchema } from './schema.js';

export function pipelineJsonSchema(): Record<string, unknown> {
  return {
    ...(z.toJSONSchema(PipelineSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>),
    $id: 'https://gennaker.dev/schemas/pipeline.json',
    title: 'Gennaker / Spinnaker pipeline',
  };
}
