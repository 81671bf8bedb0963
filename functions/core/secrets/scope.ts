/**
 * Resolves secret references (state-machines/model/secret-references.ts) for one stage call, and
 * scrubs every value it resolved from whatever that call records. One scope per invocation: its
 * cache lives as long as the call (a rotated secret is read fresh by the next call), and the
 * engine scrubs the call's result, checkpoints and errors with it before anything is written,
 * returned to Step Functions or logged. Redaction is by value, whatever field or header carried it.
 */
import { referencesIn, type SecretReference, secretNameOf, secretReferencesIn } from '../../../state-machines/model/secret-references.js';
import { applicationMayUse, outsideApplicationMessage, type SecretAccess } from '../../../state-machines/model/secret-access.js';
import { secretAccessFromEnv } from './access.js';
import { GennakerError } from '../../../state-machines/errors.js';
import { StageConfigError, TransientStageError } from '../stage-errors.js';

export const REDACTED = '<redacted>';
/** Secret names the functions may read start with this (the platform sets it beside the IAM grant). */
export const SECRET_NAME_PREFIX_ENV = 'GENNAKER_SECRET_NAME_PREFIX';
/** Shorter values cannot be told apart from ordinary text, so they could be neither kept secret nor redacted. */
const MIN_SECRET_LENGTH = 4;

/** A secret's stored value, or undefined when there is no such secret. */
export type SecretFetcher = (reference: SecretReference) => Promise<{ readonly text: string } | undefined>;

/** Why a secret could not be read, without any value: the fetcher throws these. */
export class SecretUnavailableError extends GennakerError {
  override readonly name = 'SecretUnavailableError';
  override readonly kind: 'transient' | 'input';
  constructor(
    message: string,
    /** true: throttling or a service fault; the call is retried. */
    readonly transient: boolean,
  ) {
    super(message);
    // Not transient: no such secret, or not one the functions may read (the reference is wrong).
    this.kind = transient ? 'transient' : 'input';
  }
}

/** Whose call this is: a pipeline may reference only its application's secrets (secret-access.ts). */
export interface SecretOwner {
  readonly application: string;
  /** @default the secretAccess setting bundled beside the function */
  readonly access?: SecretAccess;
}

export class SecretScope {
  private readonly cache = new Map<string, Promise<string | undefined>>();
  private readonly resolved = new Set<string>();
  /** Secrets the operator's settings name for this call (a preconfigured webhook's, a Jenkins master's): not limited by application. */
  private readonly granted = new Set<string>();

  constructor(
    private readonly fetch: SecretFetcher = noSecrets,
    private readonly namePrefix: string | undefined = process.env[SECRET_NAME_PREFIX_ENV] || undefined,
    /** Without an owner (or a prefix: local runs) every name under the prefix may be read. */
    private readonly owner?: SecretOwner,
  ) {}

  /**
   * The references in `operatorValue` (a settings document the pipeline author cannot change) may
   * be resolved in this call whatever the application: the operator granted them by writing them.
   */
  grant(operatorValue: unknown): void {
    for (const { reference } of secretReferencesIn(operatorValue)) this.granted.add(cacheKeyOf(reference));
  }

  /**
   * Every reference in `value` (strings, deep) replaced by its secret. `field` names where the
   * value came from, for the error when a reference is bad; the error never holds a value.
   */
  async resolve<T>(value: T, field: string): Promise<T> {
    return (await this.walk(value, field, 0)) as T;
  }

  /** Also scrub a value derived from secrets (a Basic credential built from a token). */
  protect(value: string): void {
    if (value.length >= MIN_SECRET_LENGTH) this.resolved.add(value);
  }

  /** How many distinct values this call resolved (for tests and the engine's fast path). */
  get size(): number {
    return this.resolved.size;
  }

  /** A copy of `value` with every resolved secret (and its URL-, JSON- and base64-encoded forms) replaced by `<redacted>`. */
  scrub<T>(value: T): T {
    if (this.resolved.size === 0) return value;
    const forms = this.forms();
    return scrubWith(value, forms, 0) as T;
  }

  private forms(): string[] {
    const forms = new Set<string>();
    for (const v of this.resolved) {
      forms.add(v);
      forms.add(encodeURIComponent(v));
      forms.add(JSON.stringify(v).slice(1, -1));
      const base64 = Buffer.from(v).toString('base64');
      forms.add(base64);
      forms.add(base64.replace(/=+$/, ''));
      forms.add(new URLSearchParams({ v }).toString().slice(2));
    }
    // Longest first, so a value containing another is replaced whole.
    return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  }

  private async walk(value: unknown, field: string, depth: number): Promise<unknown> {
    if (typeof value === 'string') return this.resolveText(value, field);
    if (typeof value !== 'object' || value === null || depth > 64) return value;
    if (Array.isArray(value)) return Promise.all(value.map((v, i) => this.walk(v, `${field}[${i}]`, depth + 1)));
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = await this.walk(v, `${field}.${key}`, depth + 1);
    return out;
  }

  private async resolveText(text: string, field: string): Promise<string> {
    const found = referencesIn(text);
    if (found.length === 0) return text;
    let out = text;
    for (const ref of found) {
      if ('problem' in ref) throw new StageConfigError(`${field}: bad secret reference: ${ref.problem}`);
      const value = await this.valueOf(ref.reference, field);
      out = out.split(ref.text).join(value);
    }
    return out;
  }

  private async valueOf(reference: SecretReference, field: string): Promise<string> {
    const name = secretNameOf(reference);
    const where = `secret '${name}' in ${reference.region}`;
    if (this.namePrefix !== undefined && !name.startsWith(this.namePrefix)) {
      throw new StageConfigError(`${field}: ${where} cannot be read: Gennaker's functions may read only secrets named '${this.namePrefix}…'`);
    }
    const cacheKey = cacheKeyOf(reference);
    if (this.namePrefix !== undefined && this.owner && !this.granted.has(cacheKey)) {
      const { application, access = secretAccessFromEnv() } = this.owner;
      if (!applicationMayUse(name, application, this.namePrefix, access)) {
        throw new StageConfigError(`${field}: ${outsideApplicationMessage(reference, application, this.namePrefix)}`);
      }
    }
    let pending = this.cache.get(cacheKey);
    if (!pending) {
      pending = this.fetch(reference).then((r) => r?.text);
      this.cache.set(cacheKey, pending);
    }
    let stored: string | undefined;
    try {
      stored = await pending;
    } catch (error) {
      this.cache.delete(cacheKey);
      const reason = error instanceof SecretUnavailableError ? error.message : 'the read failed';
      if (error instanceof SecretUnavailableError && !error.transient) throw new StageConfigError(`${field}: ${where} cannot be read: ${reason}`);
      throw new TransientStageError(`${field}: ${where} cannot be read now: ${reason}`);
    }
    if (stored === undefined) throw new StageConfigError(`${field}: ${where} does not exist`);
    const value = reference.key === undefined ? stored : keyOf(stored, reference.key, field, where);
    if (value.length < MIN_SECRET_LENGTH)
      throw new StageConfigError(
        `${field}: ${where}${keyText(reference)} is shorter than ${MIN_SECRET_LENGTH} characters: too short to be a credential or to be redacted`,
      );
    this.resolved.add(value);
    return value;
  }
}

function cacheKeyOf(reference: SecretReference): string {
  return `${reference.region}\u0000${reference.secretId}`;
}

function keyText(reference: SecretReference): string {
  return reference.key === undefined ? '' : ` key '${reference.key}'`;
}

function keyOf(stored: string, key: string, field: string, where: string): string {
  let document: unknown;
  try {
    document = JSON.parse(stored) as unknown;
  } catch {
    throw new StageConfigError(`${field}: ${where} is not JSON, so it has no key '${key}' (drop '!k:' to use the whole value)`);
  }
  const value =
    typeof document === 'object' && document !== null && !Array.isArray(document) && Object.hasOwn(document, key)
      ? (document as Record<string, unknown>)[key]
      : undefined;
  if (value === undefined) throw new StageConfigError(`${field}: ${where} has no key '${key}'`);
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
    throw new StageConfigError(`${field}: ${where} key '${key}' is not text`);
  return String(value);
}

function scrubWith(value: unknown, forms: readonly string[], depth: number): unknown {
  if (typeof value === 'string') {
    let out = value;
    for (const form of forms) if (out.includes(form)) out = out.split(form).join(REDACTED);
    return out;
  }
  if (typeof value !== 'object' || value === null || depth > 64) return value;
  if (Array.isArray(value)) return value.map((v) => scrubWith(v, forms, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [scrubWith(k, forms, depth + 1), scrubWith(v, forms, depth + 1)]));
}

/** For stage types that read no secrets: a reference in their config is an error naming the field. */
const noSecrets: SecretFetcher = (reference) =>
  Promise.reject(new SecretUnavailableError(`stages of this type do not read secrets (a reference to '${secretNameOf(reference)}' was found)`, false));
