/** Public API of the pure pipeline core: model, validation, DAG, compiler. */
export * from './model/schema.js';
export * from './model/pipeline.js';
export * from './model/problems.js';
export { parsePipelineText } from './model/parse-text.js';
export { validatePipeline, type ValidationResult, type ValidateOptions } from './model/validate.js';
export { buildGraph, findCycle, topologicalOrder, type StageGraph } from './dag/graph.js';
export { decompose, type Block } from './dag/decompose.js';
export { compilePipeline, definitionProblems, renderDefinition, defaultFunctionArn, FIXED_STATES, type CompileOptions } from './compiler/compile.js';
export type { AslMachine, AslState } from './compiler/asl.js';
export type { FunctionFamily } from './compiler/render.js';
export { stageFamily, stageTypeInfo, supportedStageTypes, registerStageType, type StageTypeInfo } from './stage-types/index.js';
export { resolveParameters, type ResolvedParameters } from './model/parameters.js';
export { mermaidGraph } from './graph/mermaid.js';
export { pipelineJsonSchema } from './model/json-schema.js';
