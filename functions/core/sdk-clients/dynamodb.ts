import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { cached, type ClientOptions } from '../client-cache.js';

export function dynamoClient(o: ClientOptions = {}) {
  return cached('ddb-doc', o, (c) => DynamoDBDocumentClient.from(new DynamoDBClient(c), { marshallOptions: { removeUndefinedValues: true } }));
}
