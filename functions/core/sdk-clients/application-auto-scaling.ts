import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { cached, type ClientOptions } from '../client-cache.js';

export function applicationAutoScalingClient(o: ClientOptions = {}) {
  return cached('application-autoscaling', o, (c) => new ApplicationAutoScalingClient(c));
}
