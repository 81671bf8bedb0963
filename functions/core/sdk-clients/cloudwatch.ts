import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { cached, type ClientOptions } from '../client-cache.js';

export function cloudwatchClient(o: ClientOptions = {}) {
  return cached('cloudwatch', o, (c) => new CloudWatchClient(c));
}
