/** Public API of the pure pipeline core: model, validation, DAG, compiler. */
export * from './model/schema.js';
export * from './model/pipeline.js';
export * from './model/problems.js';
export { validatePipeline } from './model/validate.js';
export { compilePipeline, renderDefinition } from './compiler/compile.js';
export type { AslMachine } from './compiler/asl.js';
export type { FunctionFamily } from './compiler/render.js';
