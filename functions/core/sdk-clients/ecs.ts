import { ECSClient } from '@aws-sdk/client-ecs';
import { cached, type ClientOptions } from '../client-cache.js';

export function ecsClient(o: ClientOptions = {}) {
  return cached('ecs', o, (c) => new ECSClient(c));
}
