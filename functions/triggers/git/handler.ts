/**
 * Lambda for git webhooks: POST /webhooks/git/{provider} (github | gitlab | bitbucket) on the HTTP
 * API, without IAM auth (deliveries authenticate by signature).
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { lambdaHandler } from '../../core/lambda-wrapper.js';
import { lazyTriggerDeps } from '../deps.js';
import { readWebhookRequest, respond } from '../http.js';
import { handleGitWebhook } from './webhook.js';

const deps = lazyTriggerDeps();

export const handler = lambdaHandler(async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  return respond(
    () => deps().log,
    async () => handleGitWebhook(readWebhookRequest(event), deps(), event.pathParameters?.provider),
    { route: 'git', provider: event.pathParameters?.provider },
  );
});
