/**
 * Lambda for Spinnaker's generic webhook trigger: POST /webhooks/webhook/{source} on the HTTP API,
 * without IAM auth (deliveries authenticate by signature or token).
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { lambdaHandler } from '../../core/lambda-wrapper.js';
import { lazyTriggerDeps } from '../deps.js';
import { readWebhookRequest, respond } from '../http.js';
import { handleGenericWebhook } from './webhook.js';

const deps = lazyTriggerDeps();

export const handler = lambdaHandler(async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  return respond(
    () => deps().log,
    async () => handleGenericWebhook(readWebhookRequest(event), deps(), event.pathParameters?.source),
    { route: 'webhook', source: event.pathParameters?.source },
  );
});
