import { S3Client } from '@aws-sdk/client-s3';
import { cached, type ClientOptions } from '../client-cache.js';

/** Path-style addressing against an endpoint (moto in tests and local mode): bucket host names do not resolve there. */
export function s3Client(o: ClientOptions = {}) {
  return cached('s3', o, (c) => new S3Client({ ...c, ...(c.endpoint ? { forcePathStyle: true } : {}) }));
}
