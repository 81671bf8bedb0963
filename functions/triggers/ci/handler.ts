/**
 * Lambda for CI webhooks on the HTTP API (no IAM auth; signature or token):
 *   POST /webhooks/jenkins/{master}  Jenkins notification plugin
 *   POST /webhooks/build/{master}    generic build-finished JSON
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { lambdaHandler } from '../../core/lambda-wrapper.js';
import { lazyTriggerDeps } from '../deps.js';
import { readWebhookRequest, respond } from '../http.js';
import { handleBuildWebhook } from './webhook.js';

const deps = lazyTriggerDeps();

export const handler = lambdaHandler(async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const route = event.routeKey ?? event.rawPath ?? '';
  const source = route.includes('/webhooks/jenkins/') ? 'jenkins' : 'build';
  return respond(
    () => deps().log,
    async () => handleBuildWebhook(source, readWebhookRequest(event), deps(), event.pathParameters?.master),
    { route: source, master: event.pathParameters?.master },
  );
});
