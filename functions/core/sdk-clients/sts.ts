import { STSClient } from '@aws-sdk/client-sts';
import { cached, type ClientOptions } from '../client-cache.js';

export function stsClient(o: ClientOptions = {}) {
  return cached('sts', o, (c) => new STSClient(c));
}
