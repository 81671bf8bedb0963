/**
 * Function names and who owns a function. Pure.
 *
 * Clouddriver's Lambda operations name a function `<application>-<functionName>` unless the name
 * already starts with the application (Frigga's app: the part before the first `-`), so a pipeline
 * of one application can only ever address its own functions by name. An ARN (or an `<app>-…`
 * name) of another application is refused here rather than silently prefixed.
 */
import { CloudDriverError } from '../errors.js';
import { tryParseClusterName } from '../naming.js';
import { TagKeys } from '../tags.js';

/** Lambda's own rule: 1-64 letters, digits, hyphens and underscores. */
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]+)(?::[A-Za-z0-9$_-]+)?$/;

/** A function name that is not valid, or a function of another application. */
export class FunctionNameError extends CloudDriverError {
  override readonly name = 'FunctionNameError';
  override readonly kind = 'input';
}

function appOf(name: string): string | undefined {
  return tryParseClusterName(name)?.app ?? name.split('-')[0];
}

/** The function a stage of `application` means by `functionName` (a name or an ARN). */
export function functionNameFor(application: string, functionName: string): string {
  const raw = functionName.trim();
  const arn = FUNCTION_ARN.exec(raw);
  const given = arn ? arn[1]! : raw;
  const name = arn || appOf(given) === application ? given : `${application}-${given}`;
  if (arn && appOf(given) !== application) {
    throw new FunctionNameError(`function ${given} belongs to application ${appOf(given) ?? '?'}, not ${application}`);
  }
  if (!FUNCTION_NAME.test(name)) {
    throw new FunctionNameError(`"${name}" is not a Lambda function name (1-64 letters, digits, '-' and '_')`);
  }
  return name;
}

/** A function's owner by Gennaker's tag; undefined for functions Gennaker did not create. */
function ownerOf(tags: Readonly<Record<string, string>>): string | undefined {
  return tags[TagKeys.application];
}

/** Refuses to act on a function another application's pipeline made. */
export function checkOwner(functionName: string, tags: Readonly<Record<string, string>>, application: string): void {
  const owner = ownerOf(tags);
  if (owner !== undefined && owner !== application) {
    throw new FunctionNameError(`function ${functionName} belongs to application ${owner}, not ${application}`);
  }
}
