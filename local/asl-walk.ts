/** Finds states of a given type anywhere in a definition, Parallel branches included. */
export interface AslLike {
  States: Record<string, Record<string, unknown>>;
}

export function statesOfType(definition: AslLike, type: string): Array<{ name: string; state: Record<string, unknown> }> {
  const found: Array<{ name: string; state: Record<string, unknown> }> = [];
  const walk = (states: Record<string, Record<string, unknown>>) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === type) found.push({ name, state });
      if (state.Type === 'Parallel') for (const branch of state.Branches as AslLike[]) walk(branch.States);
      if (state.Type === 'Map') {
        const processor = (state.ItemProcessor ?? state.Iterator) as AslLike | undefined;
        if (processor) walk(processor.States);
      }
    }
  };
  walk(definition.States);
  return found;
}
