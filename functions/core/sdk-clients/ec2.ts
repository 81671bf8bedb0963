import { EC2Client } from '@aws-sdk/client-ec2';
import { cached, type ClientOptions } from '../client-cache.js';

export function ec2Client(o: ClientOptions = {}) {
  return cached('ec2', o, (c) => new EC2Client(c));
}
