/**
 * Stage types whose code a family's function imports on their first call instead of at cold
 * start: Lambda's INIT compiles everything a handler imports statically (bench/bundles.ts), and
 * the bundler puts what is reached only through `import()` in chunks of its own. A group loads
 * once per container; a load that fails is tried again on the next call.
 */
import type { StageLoader } from './engine/deps.js';
import type { StageImplementation } from './stage-api.js';

export function lazyStages(types: readonly string[], load: () => Promise<readonly StageImplementation[]>): Map<string, StageLoader> {
  let loaded: Promise<ReadonlyMap<string, StageImplementation>> | undefined;
  const group = () =>
    (loaded ??= load()
      .then((list) => new Map(list.map((i) => [i.type, i])))
      .catch((error: unknown) => {
        loaded = undefined;
        throw error;
      }));
  // A type the group turns out not to implement is no implementation, as with an eager map.
  return new Map(types.map((type) => [type, async () => (await group()).get(type)]));
}
