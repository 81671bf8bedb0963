/**
 * Secrets by reference, in kork-secrets' syntax: `encrypted:secrets-manager!r:<region>!s:<secret>[!k:<json key>]`.
 * A reference is the whole value of a field, or a word of it (`Bearer encrypted:...`); the function
 * that makes the call resolves it (functions/core/secrets), so a value never reaches a definition,
 * a template or a record. Pure: parsing, finding references and credential-looking fields, and
 * the validate rules built on them (never a value: none is known here).
 */
import { jsonPath, type Problem } from './problems.js';

export const SECRET_PREFIX = 'encrypted:';
/** The one engine Gennaker resolves (kork has others: s3, gcs, vault). */
export const SECRETS_MANAGER_ENGINE = 'secrets-manager';

export interface SecretReference {
  /** The reference as written. */
  readonly text: string;
  readonly region: string;
  /** A secret name or ARN (`s:`). */
  readonly secretId: string;
  /** A key of the secret's JSON (`k:`); without it the whole SecretString is the value. */
  readonly key?: string;
}

/**
 * A reference inside a longer text: `encrypted:` then the engine, then `!x:value` parameters, up to
 * whitespace, a quote or the end (parameter values hold no `!`).
 */
const REFERENCE_IN_TEXT = /encrypted:[A-Za-z0-9-]*(?:![^!\s"'<>]*)*/g;
const PARAMETER_VALUE = /^[^\s"'<>]+$/;

export type ParsedReference = { readonly reference: SecretReference } | { readonly problem: string };

/** Parses one reference; the problem never repeats a value (a reference holds none, but a typo may be one). */
export function parseSecretReference(text: string): ParsedReference {
  if (!text.startsWith(SECRET_PREFIX)) return { problem: `not a secret reference (they start with '${SECRET_PREFIX}')` };
  const [engine = '', ...parameters] = text.slice(SECRET_PREFIX.length).split('!');
  if (engine !== SECRETS_MANAGER_ENGINE) {
    return { problem: `secret engine '${engine.slice(0, 40)}' is not supported; write encrypted:${SECRETS_MANAGER_ENGINE}!r:<region>!s:<secret>[!k:<key>]` };
  }
  const values = new Map<string, string>();
  for (const parameter of parameters) {
    const colon = parameter.indexOf(':');
    const name = colon > 0 ? parameter.slice(0, colon) : '';
    const value = colon > 0 ? parameter.slice(colon + 1) : '';
    if (!['r', 's', 'k'].includes(name))
      return { problem: `unknown secret reference parameter '!${name.slice(0, 10) || parameter.slice(0, 1)}' (r: region, s: secret, k: key)` };
    if (values.has(name)) return { problem: `parameter '!${name}:' given twice` };
    if (!PARAMETER_VALUE.test(value)) return { problem: `parameter '!${name}:' is empty or holds spaces or quotes` };
    values.set(name, value);
  }
  const region = values.get('r');
  const secretId = values.get('s');
  if (secretId === undefined) return { problem: "the secret is missing (add '!s:<secret name or ARN>')" };
  if (region === undefined) return { problem: "the region is missing (add '!r:<region>')" };
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) return { problem: `'${region.slice(0, 30)}' is not an AWS region` };
  const key = values.get('k');
  return { reference: { text, region, secretId, ...(key !== undefined ? { key } : {}) } };
}

/** The references written in a text, in order (each parsed or with its problem). */
export function referencesIn(text: string): Array<{ readonly text: string } & ParsedReference> {
  if (!text.includes(SECRET_PREFIX)) return [];
  return [...text.matchAll(REFERENCE_IN_TEXT)].map((m) => ({ text: m[0], ...parseSecretReference(m[0]) }));
}

export function hasSecretReference(text: string): boolean {
  return text.includes(SECRET_PREFIX);
}

/** The secret name of a reference (the part of an ARN after `secret:`, without Secrets Manager's suffix if it is an ARN). */
export function secretNameOf(reference: SecretReference): string {
  const arn = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:(.+)$/.exec(reference.secretId);
  return arn ? arn[1]!.replace(/-[A-Za-z0-9]{6}$/, '') : reference.secretId;
}

/** Every well-formed reference anywhere in a value (strings, deep), with where it is. */
export function secretReferencesIn(value: unknown, path = '$'): Array<{ readonly path: string; readonly reference: SecretReference }> {
  const found: Array<{ path: string; reference: SecretReference }> = [];
  const walk = (v: unknown, at: string, depth: number): void => {
    if (typeof v === 'string') {
      for (const ref of referencesIn(v)) if ('reference' in ref) found.push({ path: at, reference: ref.reference });
    } else if (Array.isArray(v) && depth < 64) v.forEach((item, i) => walk(item, `${at}[${i}]`, depth + 1));
    else if (typeof v === 'object' && v !== null && depth < 64) for (const [key, item] of Object.entries(v)) walk(item, jsonPath([key], at), depth + 1);
  };
  walk(value, path, 0);
  return found;
}

/** Header names that always carry credentials. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'cookie', 'set-cookie', 'x-auth-token']);
/** Words that make a header, query parameter or field name look like it carries a credential. */
const CREDENTIAL_WORDS = /token|secret|passw(or)?d|api[-_]?key|auth|cookie|session|credential|signature|private[-_]?key|x-amz-security/i;
/**
 * Field names that hold a credential (not merely mention one: `authorizedRoles`, `secretName` do
 * not; nor Spinnaker's `credentials`, which names an account). An incoming-webhook URL is one.
 */
const CREDENTIAL_FIELD = /(token|passw(or)?d|secret|api[-_]?key|authorization|cookie|private[-_]?key|webhook[-_]?url)$/i;

/** Header or query parameter names treated as credentials (kept from other origins, redacted by name as well as by value). */
export function isSensitiveName(name: string): boolean {
  return CREDENTIAL_HEADERS.has(name.toLowerCase()) || CREDENTIAL_WORDS.test(name);
}

/** A field or header whose literal value would be a credential written into the pipeline. */
export function isCredentialField(name: string): boolean {
  return CREDENTIAL_HEADERS.has(name.toLowerCase()) || CREDENTIAL_FIELD.test(name);
}

/** Notification types whose address is itself a credential (an incoming-webhook URL). */
const URL_ADDRESS_NOTIFICATIONS = new Set(['googlechat', 'microsoftteams', 'bearychat', 'webhook']);

export interface SecretProblems {
  readonly errors: Problem[];
  readonly warnings: Problem[];
}

const SUGGESTION = `store it in Secrets Manager and write a reference instead: encrypted:${SECRETS_MANAGER_ENGINE}!r:<region>!s:<secret>[!k:<key>]`;

/**
 * Malformed references anywhere in a value (errors), and literal values in credential-looking
 * fields (warnings). Expressions are not literals: what they produce is decided at run time. The
 * one detector: pipelines (validate) and platform settings (synth, `gennaker validate --settings`).
 */
export function secretProblems(value: unknown, path: string): SecretProblems {
  const found: SecretProblems = { errors: [], warnings: [] };
  walk(value, path, undefined, 0, found);
  return found;
}

/** A Secrets Manager secret's ARN: the older way Jenkins masters name their token's secret (a reference, not a value). */
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:\S+$/;

/** Text that is a value as written: not empty, no secret reference, no expression deciding it at run time, no secret ARN. */
function isLiteral(value: string): boolean {
  const text = value.trim();
  return text !== '' && !hasSecretReference(text) && !text.includes('${') && !SECRET_ARN.test(text);
}

function walk(value: unknown, path: string, field: string | undefined, depth: number, found: SecretProblems): void {
  if (depth > 64) return;
  if (typeof value === 'string') {
    for (const ref of referencesIn(value)) {
      if ('problem' in ref) found.errors.push({ path, message: `bad secret reference: ${ref.problem}` });
    }
    if (field !== undefined && isCredentialField(field) && isLiteral(value)) {
      found.warnings.push({ path, message: `'${field}' holds a literal credential; ${SUGGESTION}` });
    }
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, `${path}[${i}]`, field, depth + 1, found));
    return;
  }
  for (const [key, v] of Object.entries(value)) walk(v, jsonPath([key], path), key, depth + 1, found);
}

/** Notification settings: references checked, and a literal incoming-webhook URL as an address warned about. */
export function notificationSecretProblems(notifications: unknown, path: string): SecretProblems {
  const found = secretProblems(notifications, path);
  if (!Array.isArray(notifications)) return found;
  notifications.forEach((n, i) => {
    const setting = n as { type?: unknown; address?: unknown } | null;
    const address = setting?.address;
    if (typeof setting?.type !== 'string' || typeof address !== 'string') return;
    if (URL_ADDRESS_NOTIFICATIONS.has(setting.type.toLowerCase()) && /^https?:\/\//i.test(address.trim())) {
      found.warnings.push({
        path: `${path}[${i}].address`,
        message: `a ${setting.type} address is an incoming-webhook URL, itself a credential; ${SUGGESTION}`,
      });
    }
  });
  return found;
}
