/**
 * Stands in for @smithy/core/event-streams in deployed bundles (an esbuild alias,
 * infra/platform/bundling.ts). The SDK loads event streams with a dynamic import for operations
 * that stream (Bedrock, Transcribe, S3 Select); none of the calls Gennaker makes do. That one
 * dynamic import made esbuild wrap ~150 of @smithy/core's modules for lazy loading, which both
 * keeps them whole (no tree-shaking) and runs them through wrappers at start. An operation that
 * did stream would fail with the error below rather than silently.
 */
function absent(): never {
  throw new Error('AWS event streams are not bundled with Gennaker functions (functions/core/no-event-streams.ts)');
}

export const EventStreamSerde = absent;
export const eventStreamSerdeProvider = absent;
