import { LambdaClient } from '@aws-sdk/client-lambda';
import { cached, type ClientOptions } from '../client-cache.js';

export function lambdaClient(o: ClientOptions = {}) {
  return cached('lambda', o, (c) => new LambdaClient(c));
}
