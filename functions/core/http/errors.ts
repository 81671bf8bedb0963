/** Errors of the safe HTTP client (client.ts): a refused address, no answer, or too large an answer. */
import { GennakerError } from '../../../state-machines/errors.js';

class HttpClientError extends GennakerError {}

/** A URL points somewhere Gennaker refuses to call (link-local, instance metadata, bad scheme). */
export class UnsafeUrlError extends HttpClientError {
  override readonly kind = 'input';
}

/** The request never got an HTTP answer: DNS failure, refused connection, reset, timeout. */
export class HttpTransportError extends HttpClientError {
  constructor(
    message: string,
    /** `ENOTFOUND`, `ECONNREFUSED`, `TIMEOUT`, ... (`UNKNOWN` when Node did not say). */
    readonly code: string,
    /** True when the request certainly did not reach the server (it is safe to send again). */
    readonly notSent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A response body was larger than we are willing to read. */
export class ResponseTooLargeError extends HttpClientError {}
