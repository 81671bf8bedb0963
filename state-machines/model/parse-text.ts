/** Reads pipeline text: JSON (Spinnaker's export format) or YAML. Never throws. */
import { parseDocument } from 'yaml';
import type { Problem } from './problems.js';

export interface TextParseResult {
  readonly value?: unknown;
  readonly errors: Problem[];
}

export function parsePipelineText(text: string, source = 'pipeline'): TextParseResult {
  const trimmed = text.trimStart();
  if (trimmed.length === 0) return { errors: [{ path: '$', message: `${source} is empty` }] };
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return { value: JSON.parse(text), errors: [] };
    } catch (error) {
      return { errors: [{ path: '$', message: `${source} is not valid JSON: ${(error as Error).message}` }] };
    }
  }
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      errors: doc.errors.map((e) => {
        const at = e.linePos?.[0];
        return {
          path: '$',
          message: `${source} is not valid YAML${at ? ` (line ${at.line}, column ${at.col})` : ''}: ${e.message.split('\n')[0]}`,
        };
      }),
    };
  }
  try {
    return { value: doc.toJS({ maxAliasCount: 100 }), errors: [] };
  } catch (error) {
    return { errors: [{ path: '$', message: `${source} could not be read: ${(error as Error).message}` }] };
  }
}
