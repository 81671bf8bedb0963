import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { cached, type ClientOptions } from '../client-cache.js';

export function elbv2Client(o: ClientOptions = {}) {
  return cached('elbv2', o, (c) => new ElasticLoadBalancingV2Client(c));
}
