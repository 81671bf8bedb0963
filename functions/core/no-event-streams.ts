/**
 * Stands in for @smithy/core/event-streams in deployed bundles (an esbuild alias,
 * infra/platform/bundling.ts). Event streams serve the operations that stream (Lambda's
 * InvokeWithResponseStream, Bedrock, Transcribe); none of the calls Gennaker makes do. The SDK's
 * protocol code loads them with a dynamic import, which made esbuild wrap ~150 of @smithy/core's
 * modules for lazy loading: kept whole (no tree-shaking) and run through wrappers at start.
 * Clients that wire event streams in at construction (Lambda's) get a marshaller that refuses to
 * work, so a streaming call fails with the error below rather than silently.
 */
function absent(): never {
  throw new Error('AWS event streams are not bundled with Gennaker functions (functions/core/no-event-streams.ts)');
}

const refusingMarshaller = { serialize: absent, deserialize: absent };

export const EventStreamSerde = absent;
export const eventStreamSerdeProvider = () => refusingMarshaller;
export const resolveEventStreamSerdeConfig = <T extends object>(input: T): T & { eventStreamMarshaller: typeof refusingMarshaller } =>
  Object.assign(input, { eventStreamMarshaller: refusingMarshaller });
