import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { cached, type ClientOptions } from '../client-cache.js';

export function autoScalingClient(o: ClientOptions = {}) {
  return cached('asg', o, (c) => new AutoScalingClient(c));
}
