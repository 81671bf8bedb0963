/**
 * Lambda for webhook stage callbacks on the HTTP API (no IAM auth: the token in the URL is the
 * credential, checked against the hash the stage stored):
 *   POST /webhooks/callback/{executionId}/{refId}?token=...
 * The body (JSON, or text) is recorded on the waiting stage, which reads it on its next poll.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { deliverWebhookCallback, invalidCallbackToken, WebhookCallbackError } from '../../stages/external/index.js';
import { lambdaHandler } from '../../core/lambda-wrapper.js';
import { powertoolsLog } from '../../core/log.js';
import { jsonResponse, readWebhookRequest, respond } from '../http.js';

const log = powertoolsLog();

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function handleCallback(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const executionId = event.pathParameters?.executionId ?? '';
  const refId = event.pathParameters?.refId ?? '';
  const token = event.queryStringParameters?.token ?? '';
  try {
    const request = readWebhookRequest(event);
    if (!token) throw invalidCallbackToken('no token');
    const { sequence } = await deliverWebhookCallback(executionId, refId, parseBody(request.rawBody.toString('utf8')), { token });
    // Ids only in logs: the token and body may be sensitive.
    log.info('webhook callback recorded', { refId, sequence });
    return jsonResponse(202, { accepted: true, sequence });
  } catch (error) {
    if (error instanceof WebhookCallbackError) {
      // The reason in the log only: the caller gets one answer for every unusable token.
      if (error.detail) log.warn('webhook callback refused', { refId, reason: error.detail });
      return jsonResponse(error.httpStatus, { error: error.message });
    }
    return respond(
      () => log,
      async () => {
        throw error;
      },
      { route: 'webhook-callback', executionId, refId },
    );
  }
}

export const handler = lambdaHandler(handleCallback, { executionIdOf: (event) => event.pathParameters?.executionId });
