/**
 * Payloads and expected outputs of the plugin's invoke and blue/green stages: `lambdaPayload` /
 * `lambdaOutput` (text or JSON in the stage), or `payloadArtifact` / `outputArtifact` holding an
 * inline `embedded/base64` artifact, the one kind that needs no artifact account to read.
 */
import { StageConfigError } from '../../../core/stage-api.js';
import { isObject } from '../fields.js';

type Config = Readonly<Record<string, unknown>>;

function artifactText(value: unknown, field: string): string | undefined {
  if (!isObject(value)) return undefined;
  const artifact = isObject(value.artifact) ? value.artifact : value;
  if (artifact.type === undefined && artifact.reference === undefined) {
    if (typeof value.id === 'string' && value.id !== '') {
      throw new StageConfigError(
        `${field}: expected artifact ${value.id} is not read by Lambda stages; give the text in ${field === 'payloadArtifact' ? 'lambdaPayload' : 'lambdaOutput'} or an embedded/base64 artifact`,
      );
    }
    return undefined;
  }
  if (artifact.type !== 'embedded/base64' || typeof artifact.reference !== 'string') {
    throw new StageConfigError(`${field}: only embedded/base64 artifacts are read by Lambda stages (got ${JSON.stringify(artifact.type)})`);
  }
  return Buffer.from(artifact.reference, 'base64').toString('utf8');
}

function text(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function payloadOf(config: Config): string | undefined {
  return text(config.lambdaPayload) ?? text(config.payload) ?? artifactText(config.payloadArtifact, 'payloadArtifact');
}

export function expectedOutputOf(config: Config): string | undefined {
  return text(config.lambdaOutput) ?? artifactText(config.outputArtifact, 'outputArtifact');
}

/** The plugin compares outputs with whitespace removed. */
export function sameOutput(expected: string, actual: string): boolean {
  const squeeze = (s: string) => s.replace(/[\n\t ]/g, '');
  return squeeze(expected) === squeeze(actual);
}
