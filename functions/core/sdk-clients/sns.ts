import { SNSClient } from '@aws-sdk/client-sns';
import { cached, type ClientOptions } from '../client-cache.js';

export function snsClient(o: ClientOptions = {}) {
  return cached('sns', o, (c) => new SNSClient(c));
}
