/** A problem found in a pipeline: where (a JSON path like `$.stages[2].refId`) and why. */
export interface Problem {
  readonly path: string;
  readonly message: string;
}

export function formatProblem(problem: Problem): string {
  return `${problem.path}: ${problem.message}`;
}

/** Renders zod-style path segments as a JSON path. */
export function jsonPath(segments: ReadonlyArray<PropertyKey>, root = '$'): string {
  let path = root;
  for (const s of segments) {
    if (typeof s === 'number') path += `[${s}]`;
    else if (typeof s === 'string' && /^[A-Za-z_$][\w$]*$/.test(s)) path += `.${s}`;
    else path += `[${JSON.stringify(String(s))}]`;
  }
  return path;
}

/** A user's value as text in a message or a comparison: lists and maps as JSON, never `[object Object]`. */
export function textOf(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}
