import { SFNClient } from '@aws-sdk/client-sfn';
import { cached, type ClientOptions } from '../client-cache.js';

export function sfnClient(o: ClientOptions = {}) {
  return cached('sfn', o, (c) => new SFNClient(c));
}
