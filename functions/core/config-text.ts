/**
 * Configuration text (accounts, traffic guards, bake settings, Jenkins masters) is JSON or YAML.
 * The CDK app hands deployed functions JSON; the YAML parser (113 KB) is loaded only when a text
 * is not JSON, so functions that never see YAML never pay for it at start.
 */

/** The parsed document; throws the parser's error (callers name the source in their message). */
export async function parseConfigText(text: string): Promise<unknown> {
  const trimmed = text.trimStart();
  if (trimmed === '') return undefined;
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // YAML flow style also starts with a brace; let the YAML parser have it.
    }
  }
  const { parseYamlOrThrow } = await import('../../state-machines/model/yaml-text.js');
  return parseYamlOrThrow(text);
}
