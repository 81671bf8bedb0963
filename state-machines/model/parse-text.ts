/** Reads pipeline text: JSON (Spinnaker's export format) or YAML. Never throws. */
import type { Problem } from './problems.js';
import { readYaml } from './yaml-text.js';

/**
 * The largest pipeline file or text read, in bytes. Spinnaker's biggest exports are a few hundred
 * KB, and an execution record must stay under DynamoDB's 400 KB; the cap keeps a stray log or
 * archive from being parsed at all.
 */
export const MAX_PIPELINE_FILE_BYTES = 2 * 1024 * 1024;

/** The message for text or a file over the cap (the one wording every reader uses). */
export function pipelineTooLarge(source: string, bytes: number | undefined): string {
  return `${source} is ${bytes === undefined ? '' : `${bytes} bytes, `}larger than the ${MAX_PIPELINE_FILE_BYTES} bytes (2 MiB) a pipeline file may have`;
}

export interface TextParseResult {
  readonly value?: unknown;
  readonly errors: Problem[];
}

/** UTF-8 size of a text without encoding it; stops counting once past `limit`. */
function utf8Bytes(text: string, limit: number): number {
  let bytes = 0;
  for (let i = 0; i < text.length && bytes <= limit; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

export function parsePipelineText(text: string, source = 'pipeline'): TextParseResult {
  // Only text that could be over the cap is measured.
  if (text.length > MAX_PIPELINE_FILE_BYTES / 3 && utf8Bytes(text, MAX_PIPELINE_FILE_BYTES) > MAX_PIPELINE_FILE_BYTES) {
    return { errors: [{ path: '$', message: pipelineTooLarge(source, text.length > MAX_PIPELINE_FILE_BYTES * 4 ? undefined : utf8Bytes(text, Infinity)) }] };
  }
  const trimmed = text.trimStart();
  if (trimmed.length === 0) return { errors: [{ path: '$', message: `${source} is empty` }] };
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return { value: JSON.parse(text), errors: [] };
    } catch (error) {
      return { errors: [{ path: '$', message: `${source} is not valid JSON: ${(error as Error).message}` }] };
    }
  }
  const { value, problems } = readYaml(text);
  if (problems.length > 0) {
    return {
      errors: problems.map((p) => ({
        path: '$',
        message: `${source} is not valid YAML${p.line !== undefined ? ` (line ${p.line}, column ${p.column})` : ''}: ${p.message}`,
      })),
    };
  }
  return { value, errors: [] };
}
